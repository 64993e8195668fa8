"""Templated email: every email has templates/emails/NAME_subject.txt, NAME.txt and NAME.html.

Only the outbox (notifications.outbox) builds and sends them: nothing sends email directly.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name, context):
    """(subject, text, html) for the email NAME."""
    context = {"SITE_URL": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    subject = " ".join(subject.split())  # one line, whatever the template's whitespace
    text = render_to_string(f"emails/{name}.txt", context)
    html = render_to_string(f"emails/{name}.html", context)
    return subject, text, html


def recipient_language(user):
    """The language an email to user is written in: their profile's, else the site's."""
    code = getattr(user, "language", "") or ""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def build_email(
    name, to, context, *, headers=None, unsubscribe_url=None, connection=None, language=None
):
    """An EmailMultiAlternatives ready to send, written in language (default: the site's).
    unsubscribe_url adds List-Unsubscribe headers."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, text, html = render_email(name, context)
    headers = dict(headers or {})
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to] if isinstance(to, str) else list(to),
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"
