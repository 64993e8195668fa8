"""What /healthz reports: each dependency's state."""

from django.conf import settings
from django.db import connection

from mentorship.celery import app
from mentorship.heartbeat import last_seen


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception as exc:  # any driver error means "down"
        return f"error: {type(exc).__name__}"


def broker_state():
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run in process)"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def worker_state():
    if not settings.CELERY_BROKER_URL:
        return "in process"
    try:
        seen = last_seen()
    except Exception:
        return "unknown"
    return f"last seen {seen.isoformat()}" if seen else "not seen yet"


def report():
    checks = {"database": database_state(), "broker": broker_state()}
    if checks["database"] == "ok":
        checks["worker"] = worker_state()
    healthy = checks["database"] == "ok"
    return healthy, {"status": "ok" if healthy else "error", "checks": checks}
