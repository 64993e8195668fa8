"""A real Celery worker (prefork, as deployed) keeps working when Redis goes away while a
task runs and comes back: no person restarts anything, and every email goes out once.

Celery 5.7.0 exited for good here ("Unrecoverable error: AttributeError("'NoneType'
object has no attribute 'hostname'")": its consumer closes the collected connection,
whose channel then reconnects to restore the unacked task); pyproject.toml keeps
celery below 5.7 until this passes with a newer release.

The test runs its own Redis (redis-server on a port of 6390-6399, never the shared
one) and needs PostgreSQL (the worker is another process on the test database).
"""

import collections
import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.db import close_old_connections
from django.utils import timezone

from notifications.models import SentEmail
from sessions import reminders
from tests.factories import make_action, make_pair, make_participant
from tests.services import database_url, free_port, require_postgres, require_real_clock
from tests.smtpsink import Sink

ROOT = Path(__file__).resolve().parent.parent


def start_worker(broker, smtp_port, log):
    """`celery worker` as docker-compose.yml runs it (prefork, two children)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_DELIVERY_THREADS": "1",  # slow on purpose: the task is mid-round at the drop
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [sys.executable, "-m", "celery", "-A", "mentorship", "worker", "-c", "2",
               "--without-gossip", "--without-mingle", "-l", "info"]  # fmt: skip
    require_real_clock("a Celery worker process")
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def due_reminders(world, count, now, label):
    """`count` actions, each shared by the two people of a pair of its own: 2 emails each
    (a person gets one reminder email a day, whatever is due)."""
    for n in range(count):
        make_action(
            make_pair(
                make_participant(world.program, role="mentor"), make_participant(world.program)
            ),
            text=f"{label} {n}",
            owner="both",
            due_on=(now + datetime.timedelta(days=2)).date(),
            next_reminder_at=now - datetime.timedelta(minutes=1),
        )
    return reminders.claim_due(now)


def wait_for(predicate, timeout, every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if predicate():
            return True
        time.sleep(every)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_a_busy_worker_survives_redis_stopping_and_starting(world, own_redis, tmp_path):
    require_postgres()
    sink = Sink(free_port(), delay=0.25).start()
    probe = Celery("probe", broker=own_redis.url)
    probe.conf.broker_connection_retry_on_startup = True
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115
    worker = start_worker(own_redis.url, sink.port, log)

    def log_tail():
        return log_path.read_text()[-4000:]

    try:
        first = due_reminders(world, 10, timezone.now(), "Before")
        assert first == 20
        probe.send_task("notifications.deliver_pending_email")
        # The worker is mid-round (about 5 s of sending) when Redis goes away.
        assert wait_for(lambda: sink.collector.count >= 3, 60), log_tail()
        own_redis.stop()
        time.sleep(3)
        own_redis.start()

        # Nobody restarts the worker. New work after Redis is back must be done too,
        # which a worker that exited could not do; beat's sweep is played by the probe.
        second = due_reminders(world, 5, timezone.now(), "After")
        assert second == 10

        def all_sent():
            if SentEmail.objects.filter(status="sent").count() == first + second:
                return True
            with contextlib.suppress(Exception):
                probe.send_task("notifications.deliver_pending_email")
            return False

        assert wait_for(all_sent, 90, every=2.0), log_tail()
        assert worker.poll() is None, "the worker exited:\n" + log_tail()
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        sink.stop()
        log.close()
    text = log_path.read_text()
    assert "Unrecoverable error" not in text, text[-4000:]
    keys = collections.Counter(str(m["X-Mentorship-Email"]).strip() for m in sink.messages)
    assert len(keys) == first + second
    assert [k for k, n in keys.items() if n > 1] == []
