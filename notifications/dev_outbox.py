"""Development email: one .eml file per message, read back by the outbox page."""

import email
import email.policy
import ipaddress
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


def outbox_enabled():
    """Whether email goes to the outbox and its pages may show it (development only)."""
    return settings.DEBUG and settings.EMAIL_BACKEND == "notifications.dev_outbox.OutboxBackend"


def is_local(request):
    """A request from this machine itself, not relayed by a proxy (which would be local too)."""
    if request.META.get("HTTP_X_FORWARDED_FOR") or request.META.get("HTTP_FORWARDED"):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def may_read(request):
    """The outbox holds sign-in links (password resets): only a browser on the developer's
    own machine or a signed-in superuser may read it, even with DEBUG on."""
    if not outbox_enabled():
        return False
    return (request.user.is_authenticated and request.user.is_superuser) or is_local(request)


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        outbox = Path(settings.OUTBOX_DIR)
        outbox.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
            (outbox / name).write_bytes(message.message().as_bytes(linesep="\n"))
        return len(email_messages)


def read_outbox(limit=100):
    """The newest messages first, parsed for display."""
    outbox = Path(settings.OUTBOX_DIR)
    if not outbox.is_dir():
        return []
    files = sorted(outbox.glob("*.eml"), reverse=True)[:limit]
    return [parse_message(path) for path in files]


def parse_message(path):
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return {
        "id": path.stem,
        "subject": msg["subject"],
        "to": msg["to"],
        "from": msg["from"],
        "date": msg["date"],
        "headers": [(k, v) for k, v in msg.items()],
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    }


def find_message(message_id):
    outbox = Path(settings.OUTBOX_DIR)
    path = outbox / f"{message_id}.eml"
    # The id comes from a URL: only plain names inside the outbox.
    if path.parent != outbox or not path.is_file():
        return None
    return parse_message(path)
