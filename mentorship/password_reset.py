"""Password-reset email through the outbox.

The request does the same work whether or not the address has an account: it queues one
row for the address typed (no user yet) and publishes one delivery task. Which account
it is for, if any, is decided by the worker (prepare, below, with Django's own rule: an
active account with a usable password); a row for no account is skipped and its address
blanked. So neither the response nor its timing tells whether an account exists.

The link (uid and token) is made when the email is sent, so no token is ever stored, and
it points at SITE_URL, never at the request's Host header.
"""

import uuid

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications import outbox
from notifications.emails import absolute_url
from notifications.models import SentEmail
from notifications.registry import Rendered

KIND = "password_reset"
NO_ACCOUNT = "No account can reset its password with this address."


class QueuedPasswordResetForm(PasswordResetForm):
    def save(self, *args, **kwargs):
        # Deliberately no get_users() here: the worker looks the account up (prepare).
        email = self.cleaned_data["email"]
        outbox.queue(KIND, f"request:{uuid.uuid4().hex}", None, {}, to_email=email)


def prepare(rows):
    """Find each request's account as Django's form would; skip the rows with none."""
    finder = PasswordResetForm()
    for row in rows:
        if row.user is not None:
            continue  # queued by an older release, for a known account
        row.user = next(iter(finder.get_users(row.to_email)), None)
        if row.user is not None:
            SentEmail.objects.filter(pk=row.pk).update(user=row.user)
        else:
            SentEmail.objects.filter(pk=row.pk, status=SentEmail.Status.PENDING).update(
                status=SentEmail.Status.SKIPPED, last_error=NO_ACCOUNT, to_email=""
            )


def render(row):
    user = row.user
    if not user.has_usable_password():
        return "The account has no password to reset."
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return Rendered(
        template=KIND,
        context={
            "email": user.email,
            "reset_url": absolute_url(reverse("password_reset_confirm", args=[uid, token])),
        },
    )
