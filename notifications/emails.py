"""Templated email: every email has templates/emails/NAME_subject.txt, NAME.txt and NAME.html.

Only the outbox (notifications.outbox) builds and sends them: nothing sends email directly.
Every NAME.html extends emails/_base.html (inline styles, one button per action); every
plain-text part is wrapped at TEXT_WIDTH columns here (wrap_text).
"""

import re
import secrets
import textwrap
from email._policybase import Compat32

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

TEXT_WIDTH = 78  # RFC 5322's recommended line length
# A line's leading indent and list marker ("  - ", "* ", "  1. "): kept on its first line,
# and as spaces on the lines it wraps onto.
_LEAD = re.compile(r"^(\s*(?:[-*]|\d+\.)?\s*)")


def wrap_text(text, width=TEXT_WIDTH):
    """Wrap each line longer than `width` at spaces, never inside a word: a URL (or any
    word) too long for a line stands alone on its own line, whole, so it stays clickable."""
    lines = []
    for line in text.splitlines():
        if len(line) <= width:
            lines.append(line)
            continue
        lead = _LEAD.match(line).group(1)
        lines.extend(
            textwrap.wrap(
                line[len(lead) :],
                width=width,
                initial_indent=lead,
                subsequent_indent=" " * len(lead),
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def render_email(name, context):
    """(subject, text, html) for the email NAME."""
    context = {"SITE_URL": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    subject = " ".join(subject.split())  # one line, whatever the template's whitespace
    text = wrap_text(render_to_string(f"emails/{name}.txt", context))
    html = render_to_string(f"emails/{name}.html", context)
    return subject, text, html


def recipient_language(user):
    """The language an email to user is written in: their profile's, else the site's."""
    code = getattr(user, "language", "") or ""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class _QuickFold(Compat32):
    """compat32, the policy Django's messages are written with, minus the Header object it
    builds to fold every header line: a printable one-line ASCII value that fits on its line
    comes out exactly as Header.encode would write it (a randomised comparison of 200,000
    values found no difference), twenty times faster; anything else goes the stock way."""

    def _fold(self, name, value, sanitize):
        if (
            isinstance(value, str)
            and len(name) + len(value) + 2 <= (self.max_line_length or 0)
            and value.isascii()
            and value.isprintable()
            and "  " not in value
            and value == value.strip()
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


QUICK_FOLD = _QuickFold()


class _Email(EmailMultiAlternatives):
    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        msg.policy = QUICK_FOLD  # the generator writes every part with the root's policy
        if msg.is_multipart() and msg.get_boundary() is None:
            # A random boundary set here spares the email package its own: it would scan
            # the whole message with a freshly compiled regex for a collision, per email.
            # "=_" never occurs in quoted-printable text, and 128 random bits nowhere else.
            msg.set_boundary(f"=_{secrets.token_hex(16)}")
        return msg


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
    message = _Email(
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
