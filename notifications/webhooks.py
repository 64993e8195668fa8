"""Webhooks and chat messages: HTTP POSTs from WebhookDelivery rows, the outbox's way.

The same machinery as email (outbox.py): deciding that something is due only records a
row, unique per (target, kind, key); delivery claims due rows with a lease
(outbox.claim_due), POSTs each, marks it delivered at once, and on an error or a non-2xx
answer (or no answer within WEBHOOK_TIMEOUT) retries with the email backoff
(EMAIL_RETRY_DELAYS, then every last delay for EMAIL_RETRY_FOR) before marking it failed,
where the endpoint's page lists it and its admins may send it again.

Programs' endpoints get our JSON, signed like Stripe's and GitHub's: the header
`Mentorship-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>` with the
same timestamp in `Mentorship-Timestamp` (Unix seconds), so a receiver can refuse a body
that was changed or replayed later (verify()). `Mentorship-Delivery` is the row's id, the
same on every retry: a receiver that saw it already can drop the repeat. Slack and Teams
get their incoming-webhook shapes (slack_body, teams_body).

Delivery is at least once, as for email: a worker lost between the receiver's 2xx and the
"delivered" mark sends it again once its lease passes.

Addresses on private networks (loopback, RFC 1918, link-local such as a cloud's metadata
service at 169.254.169.254, unique-local IPv6) are refused unless WEBHOOK_ALLOW_PRIVATE is
on: an admin's URL must not make the server probe its own network. The form refuses
literal ones; delivery checks the address it actually connected to, after DNS, so a name
that resolves (or later re-resolves) to a private address is refused too.
"""

import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import outbox
from notifications.after_commit import enqueue
from notifications.models import WebhookDelivery
from notifications.registry import TARGETS

log = logging.getLogger(__name__)

DELIVER_TASK = "notifications.deliver_webhook"
SWEEP_TASK = "notifications.deliver_pending_webhooks"
SIGNATURE_HEADER = "Mentorship-Signature"
TIMESTAMP_HEADER = "Mentorship-Timestamp"
EVENT_HEADER = "Mentorship-Event"
DELIVERY_HEADER = "Mentorship-Delivery"
SIGNATURE_TOLERANCE = 300  # seconds a receiver should accept a timestamp either side
FORMATS = ("signed", "slack", "teams")
MAX_URL = 500
BATCH = 20
S = WebhookDelivery.Status


def timeout():
    return getattr(settings, "WEBHOOK_TIMEOUT", 5)


def allow_private():
    return getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False)


def is_public(address):
    """Whether an IP address (text) is on the public internet."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _private_name(host):
    """A host that is plainly private without asking DNS: a literal private IP or a
    loopback name. Other names are checked at delivery, on the address connected to."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return not is_public(host)


def validate_url(url):
    """An endpoint or chat webhook URL: HTTPS with a public host, no credentials in it
    (plain HTTP and private hosts only where WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE
    are on: development and tests on loopback)."""
    parts = urlsplit(url or "")
    allowed = ("https", "http") if getattr(settings, "WEBHOOK_ALLOW_HTTP", False) else ("https",)
    if len(url or "") > MAX_URL:
        raise ValidationError(_("Keep the address under %(n)s characters.") % {"n": MAX_URL})
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError(_("Give an https:// address."))
    if parts.username or parts.password:
        raise ValidationError(_("Leave the user name and password out of the address."))
    if not allow_private() and _private_name(parts.hostname):
        raise ValidationError(_("Give a public address: this one is on a private network."))


# --- recording -----------------------------------------------------------------------------


def record(kind, key, target, payload, now=None):
    """Write the one row for (target, kind, key): its id, or None if it already existed."""
    now = now or timezone.now()
    row = WebhookDelivery(
        kind=kind, key=key, target=target, payload=payload, next_attempt_at=now, retry_since=now
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None
    return row.pk


def queue(kind, key, target, payload, now=None):
    """Record a delivery and send it right after the transaction commits (the periodic
    sweep sends it if that never happens)."""
    row_id = record(kind, key, target, payload, now=now)
    if row_id:
        enqueue(DELIVER_TASK, row_id)
    return row_id


# --- bodies and signatures -----------------------------------------------------------------


def sign(secret, timestamp, body):
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret, timestamp, signature, body, now=None, tolerance=SIGNATURE_TOLERANCE):
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now or time.time()) - moment) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, moment, body), signature or "")


def describe(row):
    """One line for a chat message of an event with no text of its own."""
    return row.payload.get("text") or f"{row.kind}: " + ", ".join(
        f"{k} {v}" for k, v in sorted(row.payload.items()) if not isinstance(v, dict | list)
    )


def _slack_escape(text):
    # Slack's mrkdwn treats &, < and > as control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(title, text, link=None):
    """Slack incoming webhook: `text` (the notification fallback) and `blocks`."""
    line = _slack_escape(text)
    if link:
        line += f"\n<{link}|{_slack_escape(_('Open Mentorship'))}>"
    return {
        "text": f"{title}: {text}" if title else text,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": line[:3000]}},
        ]
        if title
        else [{"type": "section", "text": {"type": "mrkdwn", "text": line[:3000]}}],
    }


def teams_body(title, text, link=None):
    """Microsoft Teams incoming webhook (Workflows): a message with an Adaptive Card."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": text, "wrap": True},
        ],
    }
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": _("Open Mentorship"), "url": link}]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def body_for(row, destination):
    if destination.format == "signed":
        body = {
            "id": row.pk,
            "type": row.kind,
            "created": row.created_at.isoformat(),
            "data": row.payload,
        }
    else:
        title = row.payload.get("title") or row.kind
        render = slack_body if destination.format == "slack" else teams_body
        body = render(title, describe(row), row.payload.get("link"))
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


# --- delivery ------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we do not follow (it could lead anywhere): a failed attempt."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class PrivateAddress(OSError):
    """The host connected to is on a private network (see the module's docstring)."""


def _public_connection(address, *args, **kwargs):
    """socket.create_connection, refusing a peer on a private network before a byte (or a
    TLS hello) is sent: checked on the address connected to, so DNS cannot swap it."""
    sock = socket.create_connection(address, *args, **kwargs)
    peer = sock.getpeername()[0]
    if not allow_private() and not is_public(peer):
        sock.close()
        raise PrivateAddress(f"{address[0]} is at {peer}, a private network address")
    return sock


class _PublicHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection


class _PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def do_open(self, http_class, req, **kwargs):
        return super().do_open(_PublicHTTPConnection, req, **kwargs)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def do_open(self, http_class, req, **kwargs):
        return super().do_open(_PublicHTTPSConnection, req, **kwargs)


# No proxy from the environment: the address check must see the receiver itself.
_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _PublicHTTPHandler, _PublicHTTPSHandler, _NoRedirects
)


def _post(url, body, headers):
    # The scheme was checked (validate_url) just before: https, or http where allowed.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with _opener.open(request, timeout=timeout()) as response:
        response.read(65536)
        return response.status


def lease(batch_size):
    seconds = getattr(settings, "EMAIL_SEND_LEASE_SECONDS", outbox.DEFAULT_LEASE_SECONDS)
    return datetime.timedelta(seconds=max(seconds, (batch_size + 1) * timeout()))


def claim(now=None, limit=BATCH, ids=None):
    now = now or timezone.now()
    claimed = outbox.claim_due(WebhookDelivery, now, limit, lease(limit), ids)
    return list(WebhookDelivery.objects.filter(pk__in=claimed).order_by("pk"))


def _finish(row, **changes):
    return WebhookDelivery.objects.filter(pk=row.pk, status=S.PENDING).update(**changes)


def _failed_attempt(row, message, code, now):
    message = message[:2000]
    delay = outbox.retry_delay(row.attempts)
    retry_at = outbox._clock(now) + datetime.timedelta(seconds=delay)
    started = row.retry_since or row.created_at
    if row.attempts >= outbox.max_attempts() and retry_at > started + outbox.retry_for():
        _finish(row, status=S.FAILED, last_error=message, last_status_code=code)
        log.error("Webhook %s %s to %s failed for good: %s", row.kind, row.key, row.target, message)
        return "failed"
    _finish(row, last_error=message, last_status_code=code, next_attempt_at=retry_at)
    log.warning(
        "Webhook %s %s to %s attempt %s failed (%s), retry in %ss",
        row.kind,
        row.key,
        row.target,
        row.attempts,
        message,
        delay,
    )
    return "retry"


def _deliver(row, now):
    prefix, _sep, ident = row.target.partition(":")
    resolve = TARGETS.get(prefix)
    destination = resolve(row, int(ident)) if resolve and ident.isdigit() else "Unknown target."
    if not isinstance(destination, str):
        try:
            validate_url(destination.url)  # set in the Django admin, or the rules changed
        except ValidationError as exc:
            destination = f"Refused address: {' '.join(exc.messages)}"
    if isinstance(destination, str):
        _finish(row, status=S.SKIPPED, last_error=destination[:2000])
        log.warning("Webhook %s %s to %s skipped: %s", row.kind, row.key, row.target, destination)
        return "skipped"
    body = body_for(row, destination)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Mentorship-Webhooks/1",
        EVENT_HEADER: row.kind,
        DELIVERY_HEADER: str(row.pk),
    }
    if destination.format == "signed":
        stamp = int(time.time())
        headers[TIMESTAMP_HEADER] = str(stamp)
        headers[SIGNATURE_HEADER] = sign(destination.secret, stamp, body)
    try:
        code = _post(destination.url, body, headers)
    except urllib.error.HTTPError as exc:
        return _failed_attempt(row, f"HTTP {exc.code} {exc.reason}", exc.code, now)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, PrivateAddress):  # not a passing outage: never retried
            _finish(row, status=S.SKIPPED, last_error=f"Refused address: {reason}"[:2000])
            log.warning("Webhook %s %s to %s refused: %s", row.kind, row.key, row.target, reason)
            return "skipped"
        return _failed_attempt(row, f"no answer: {type(exc).__name__}: {reason}", None, now)
    if not 200 <= code < 300:
        return _failed_attempt(row, f"HTTP {code}", code, now)
    _finish(row, status=S.SENT, sent_at=timezone.now(), last_status_code=code, last_error="")
    log.info("Webhook %s %s delivered to %s (HTTP %s)", row.kind, row.key, row.target, code)
    return "sent"


def _deliver_batch(rows, now, counts):
    for row in rows:
        try:
            outcome = _deliver(row, now)
        except Exception as exc:  # a resolver or body bug must not lose the row silently
            log.exception("Webhook %s %s could not be built", row.kind, row.key)
            outcome = _failed_attempt(row, f"{type(exc).__name__}: {exc}", None, now)
        counts[outcome] += 1


def deliver_rows(ids, now=None):
    now = now or timezone.now()
    counts = dict.fromkeys(outbox.OUTCOMES, 0)
    _deliver_batch(claim(now, limit=len(ids), ids=ids), now, counts)
    return counts


def deliver_due(now=None, max_batches=None):
    """POST every due pending delivery; returns counts per outcome."""
    now = now or timezone.now()
    counts = dict.fromkeys(outbox.OUTCOMES, 0)
    batches = 0
    while max_batches is None or batches < max_batches:
        rows = claim(now)
        if not rows:
            break
        batches += 1
        _deliver_batch(rows, now, counts)
    return counts


# --- what pages show -----------------------------------------------------------------------


def recent_for(target, limit=20):
    return WebhookDelivery.objects.filter(target=target).order_by("-created_at", "-pk")[:limit]


def last_for(target):
    """The latest finished attempt (delivered, failed, or pending after an error)."""
    return (
        WebhookDelivery.objects.filter(target=target)
        .exclude(status=S.PENDING, attempts=0)
        .order_by("-next_attempt_at", "-pk")
        .first()
    )


def resend_failed(target):
    """Put the target's failed deliveries back in the queue with a fresh retry window."""
    now = timezone.now()
    count = WebhookDelivery.objects.filter(target=target, status=S.FAILED).update(
        status=S.PENDING, attempts=0, next_attempt_at=now, retry_since=now
    )
    if count:
        log.info("%s failed webhook deliveries to %s queued again", count, target)
        enqueue(SWEEP_TASK)
    return count
