"""Password-reset email through the outbox.

Django's form decides whom to email (an active account with a usable password); here it
only queues the email. The link (uid and token) is made when the email is sent, so no
token is ever stored, and it points at SITE_URL, never at the request's Host header.
"""

import uuid

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications import outbox
from notifications.emails import absolute_url
from notifications.registry import Rendered

KIND = "password_reset"


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        outbox.queue(KIND, f"{user.pk}:{uuid.uuid4().hex}", user, {})


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
