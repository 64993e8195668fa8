"""What /healthz reports: each dependency's state, and what is degraded.

"error" (503) only when the database is unreachable: nothing works then. "degraded"
(200, naming each problem) when the site serves pages but mail is at risk: the broker
does not answer, no worker has beaten its heartbeat lately, pending emails have waited
too long (a dead worker or an SMTP outage), or emails failed for good and await an
admin's resend. Thresholds: HEALTH_* settings.
"""

import time

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from mentorship.celery import app
from mentorship.heartbeat import last_seen
from notifications.models import SentEmail

BROKER_TIMEOUT = 0.5  # seconds


def _setting(name, default):
    return getattr(settings, name, default)


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception as exc:  # any driver error means "down"
        return f"error: {type(exc).__name__}"


def broker_state():
    """The broker's answer within BROKER_TIMEOUT (kombu's connect and retries took 2 s with
    Redis down: too long for a health probe)."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return "not configured (tasks run in process)"
    timeout = BROKER_TIMEOUT
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            client = redis.Redis.from_url(
                url,
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
                retry=Retry(NoBackoff(), 0),  # redis-py retries 3 times by default
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=0, timeout=timeout)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def worker_state(now):
    """(text, degraded?): how long ago a worker ran the heartbeat task."""
    if not settings.CELERY_BROKER_URL:
        return "in process", False
    seen = last_seen()
    if seen is None:
        return "not seen yet", True
    age = (now - seen).total_seconds()
    stale = age > _setting("HEALTH_WORKER_STALE_SECONDS", 180)
    return f"last seen {seen.isoformat()} ({age:.0f} s ago)", stale


def email_state(now):
    """(facts, degraded names): the oldest pending email's wait, and the failed count."""
    oldest = SentEmail.objects.filter(status=SentEmail.Status.PENDING).aggregate(
        since=Min(Coalesce("retry_since", "created_at"))
    )["since"]
    wait = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
    failed = SentEmail.objects.filter(status=SentEmail.Status.FAILED).count()
    facts = {"oldest_pending_seconds": round(wait), "failed": failed}
    degraded = []
    if wait > _setting("HEALTH_EMAIL_BACKLOG_SECONDS", 15 * 60):
        degraded.append("email_backlog")
    if failed > _setting("HEALTH_FAILED_EMAILS_MAX", 0):
        degraded.append("failed_emails")
    return facts, degraded


def report():
    started = time.monotonic()
    checks = {"database": database_state(), "broker": broker_state()}
    degraded = []
    if not checks["broker"].startswith(("ok", "not configured")):
        degraded.append("broker")
    if checks["database"] == "ok":
        now = timezone.now()
        try:
            checks["worker"], stale = worker_state(now)
        except Exception:  # e.g. not migrated yet: say so, never answer 500
            checks["worker"], stale = "unknown", True
        if stale:
            degraded.append("worker")
        try:
            checks["email"], problems = email_state(now)
        except Exception:
            checks["email"], problems = "unknown", ["email"]
        degraded += problems
    healthy = checks["database"] == "ok"
    status = "error" if not healthy else ("degraded" if degraded else "ok")
    body = {"status": status, "degraded": degraded, "checks": checks}
    body["seconds"] = round(time.monotonic() - started, 3)
    return healthy, body
