"""Signed, expiring one-click links in emails.

A link names its purpose (its own salt), the user it was sent to and a hash of the
address it was sent to: after an email change, links sent to the old address stop
working. The GET of a link only shows a confirm page; the POST acts, idempotently.
"""

import hashlib
import time

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mentorship.emails import absolute_url
from mentorship.models import User

DONE = "done"
SNOOZE = "snooze"
UNSUBSCRIBE = "unsubscribe"

MAX_AGE = {
    DONE: 14 * 24 * 3600,
    SNOOZE: 14 * 24 * 3600,
    UNSUBSCRIBE: 60 * 24 * 3600,
}
URL_NAMES = {
    DONE: "emails:action_done",
    SNOOZE: "emails:action_snooze",
    UNSUBSCRIBE: "emails:unsubscribe",
}
LISTS = ("reminders", "nudges", "digests")


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
    user = User.objects.filter(pk=payload["u"], is_active=True).first()
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


def resolve_action(purpose, token):
    """(Link, action) for a done/snooze link, checked against who owns the action now."""
    from sessions.models import NextAction

    link = read(purpose, token)
    action = (
        NextAction.objects.select_related(
            "pair__program", "pair__mentor__user", "pair__mentee__user"
        )
        .filter(pk=link.obj)
        .first()
        if isinstance(link.obj, int)
        else None
    )
    if action is None:
        raise LinkError(
            "gone",
            _("This action no longer exists"),
            _("It may have been removed, or the pair it belonged to was ended."),
            status=404,
        )
    if action.pair.role_of(link.user) is None:
        raise LinkError(
            "not_yours",
            _("This action is not yours any more"),
            _("You are no longer part of the pair this action belongs to."),
            status=403,
        )
    return link, action


def resolve_unsubscribe(token):
    link = read(UNSUBSCRIBE, token)
    if link.obj not in LISTS:
        raise LinkError("invalid", _("This link is not valid"), _("The link is malformed."))
    return link


def preferences_for(user):
    from sessions.models import EmailPreference

    return EmailPreference.objects.get_or_create(user=user)[0]


def unsubscribe(link):
    """Turn the link's list off; False if it was already off (a second click)."""
    from sessions.models import EmailPreference

    preferences_for(link.user)
    return bool(
        EmailPreference.objects.filter(user=link.user, **{link.obj: True}).update(
            **{link.obj: False}
        )
    )
