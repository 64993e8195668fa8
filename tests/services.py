"""Gating tests on real services: skip with the reason locally, fail under CI=true."""

import os
import shutil
import socket
import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections

IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1
CLOCK_AHEAD_ENV = "TESTS_CLOCK_AHEAD_DAYS"  # set while --days-ahead moves this clock on


def require(name, available, reason):
    if available:
        return
    message = f"{name} unavailable: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true requires it)", pytrace=False)
    pytest.skip(message)


def require_real_clock(what):
    """Skip a test whose other process (`what`) keeps the real clock while --days-ahead
    runs this one later: their clocks would disagree by the shift, not by a bug."""
    if os.environ.get(CLOCK_AHEAD_ENV):
        pytest.skip(f"{what} runs on the real clock, this run's clock is ahead (--days-ahead)")


def redis_available(url=REDIS_URL):
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


def require_redis():
    require("Redis", redis_available(), f"nothing answers at {REDIS_URL}")


def require_postgres():
    from django.db import connection

    require(
        "PostgreSQL",
        connection.vendor == "postgresql",
        f"tests run on {connection.vendor}; set DATABASE_URL=postgres://… (see README)",
    )


def require_chromium():
    require("Chromium", shutil.which(CHROMIUM) is not None, f"{CHROMIUM} is not installed")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def current_app_with_broker(settings, url):
    """The project's own Celery configuration (from settings), with this broker, current.

    A fresh app: changing an existing app's broker_url does not reach a connection
    pool it already made.
    """
    from celery import Celery
    from celery.contrib.testing.app import setup_default_app

    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app = Celery("mentorship-under-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    with setup_default_app(app):
        app.set_current()
        yield app


def race(functions, timeout=60):
    """Run each function in its own thread (its own database connection), started together;
    [("ok", result) or ("error", exception)] in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def runner(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except Exception as exc:  # collected and asserted on by the caller
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results


def database_url():
    """The test database as a URL, for processes the test starts."""
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        f"/{s['NAME']}"
    )
