"""Signed, expiring one-click links in emails.

A link names its purpose (its own salt), the user it was sent to and a hash of the
address it was sent to: after an email change, links sent to the old address stop
working. The GET of a link only shows a confirm page; the POST acts, idempotently.
"""

import hashlib
import time

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.emails import absolute_url
from notifications.models import EmailPreference
from notifications.registry import LISTS

UNSUBSCRIBE = "unsubscribe"

# purpose -> seconds a link works; purpose -> URL name. Apps add theirs (register_purpose).
MAX_AGE = {UNSUBSCRIBE: 60 * 24 * 3600}
URL_NAMES = {UNSUBSCRIBE: "emails:unsubscribe"}


def register_purpose(purpose, url_name, max_age):
    """A kind of one-click link another app handles (e.g. marking an action done)."""
    MAX_AGE[purpose] = max_age
    URL_NAMES[purpose] = url_name


class LinkError(Exception):
    """A link that cannot be used; `title` and `message` are shown to the person."""

    def __init__(self, code, title, message, status=400):
        super().__init__(code)
        self.code = code
        self.title = title
        self.message = message
        self.status = status


def email_hash(email):
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:16]


def _salt(purpose):
    # The name predates this module; changing it would break every link already sent.
    return f"mentorship.emails.{purpose}"


def make_token(purpose, user, obj=None, issued_at=None):
    payload = {"u": user.pk, "e": email_hash(user.email), "t": int(issued_at or time.time())}
    if obj is not None:
        payload["o"] = obj
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def make_url(purpose, user, obj=None):
    return absolute_url(reverse(URL_NAMES[purpose], args=[make_token(purpose, user, obj)]))


class Link:
    def __init__(self, purpose, user, obj, issued_at):
        self.purpose = purpose
        self.user = user
        self.obj = obj
        self.issued_at = issued_at


def read(purpose, token):
    """The Link a token stands for, or LinkError saying clearly what is wrong."""
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=MAX_AGE[purpose])
    except signing.SignatureExpired:
        raise LinkError(
            "expired",
            _("This link has expired"),
            _("Links in our emails work for a limited time. Sign in to do this from the site."),
            status=410,
        )
    except signing.BadSignature:
        raise LinkError(
            "invalid",
            _("This link is not valid"),
            _(
                "The link is incomplete or was changed. Copy the whole link from the email, "
                "or sign in to do this from the site."
            ),
            status=400,
        )
    if not isinstance(payload, dict) or "u" not in payload:
        raise LinkError("invalid", _("This link is not valid"), _("The link is malformed."))
    user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    if user is None:
        raise LinkError(
            "gone",
            _("This account no longer exists"),
            _("The account this link was sent to has been closed."),
            status=410,
        )
    if payload.get("e") != email_hash(user.email):
        raise LinkError(
            "address_changed",
            _("This link was sent to an old address"),
            _(
                "The account's email address has changed since this email was sent, so its "
                "links no longer work. Sign in to do this from the site."
            ),
            status=410,
        )
    return Link(purpose, user, payload.get("o"), payload.get("t"))


def resolve_unsubscribe(token):
    link = read(UNSUBSCRIBE, token)
    if link.obj not in LISTS:
        raise LinkError("invalid", _("This link is not valid"), _("The link is malformed."))
    return link


def preferences_for(user):
    return EmailPreference.objects.get_or_create(user=user)[0]


def unsubscribe(link):
    """Turn the link's list off; False if it was already off (a second click)."""
    preferences_for(link.user)
    return bool(
        EmailPreference.objects.filter(user=link.user, **{link.obj: True}).update(
            **{link.obj: False}
        )
    )
