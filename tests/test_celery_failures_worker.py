"""Failure tests with a real Redis, real Celery workers and a real SMTP server.

Whatever fails, no email is lost and none is duplicated:
- the reminder task runs twice at once (plus twice more on a worker) → one email each;
- the periodic nudge task fired several times at once (two beats) → one nudge per person;
- Redis is down while someone logs a session → the request succeeds fast, the session
  is saved, and its reminders go out once (and once only) when Redis is back;
- the worker is SIGKILLed mid-batch → after a restart every email goes out, once.
(SMTP down → retried with backoff, then failed and shown: tests/test_delivery_smtp.py.)

PostgreSQL-only tests (row locks, a worker in another process) skip on SQLite and run
in CI. Use your own Redis database: TEST_REDIS_URL=redis://127.0.0.1:6379/N.
"""

import collections
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from notifications.models import SentEmail
from sessions import reminders
from sessions.models import NextAction, Session
from tests.factories import make_action, make_pair, make_participant, make_user
from tests.services import (
    DEAD_BROKER,
    REDIS_URL,
    current_app_with_broker,
    free_port,
    require_postgres,
    require_real_clock,
    require_redis,
)
from tests.smtpsink import Sink

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sink(settings):
    port = free_port()
    sink = Sink(port).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


def keys_of(sink):
    return collections.Counter(str(m["X-Mentorship-Email"]).strip() for m in sink.messages)


def wait_for(predicate, timeout=30.0, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if predicate():
            return True
        time.sleep(every)
    return predicate()


def run_at_once(function, times):
    """Call `function` from `times` threads released together; each with its own DB link."""
    barrier = threading.Barrier(times)
    errors = []

    def worker():
        try:
            barrier.wait()
            function()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def due_actions(world, count, when):
    """`count` open actions whose reminder is due at `when`, each shared by the two people of
    a pair of its own: 2 emails each (a person gets one reminder email a day)."""
    return [
        make_action(
            make_pair(
                make_participant(world.program, role="mentor"), make_participant(world.program)
            ),
            text=f"Action {n}",
            owner="both",
            due_on=(when + datetime.timedelta(days=2)).date(),
            next_reminder_at=when,
        )
        for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_reminder_task_twice_at_once_sends_each_email_once(world, sink, celery_app, celery_worker):
    require_redis()
    require_postgres()
    now = timezone.now()
    due_actions(world, 20, now - datetime.timedelta(minutes=1))
    task = celery_app.tasks["sessions.send_due_reminders"]
    results = [task.delay(now.isoformat()) for _ in range(2)]  # two on the real worker …
    run_at_once(lambda: task.apply(kwargs={"now": now.isoformat()}), 2)  # … two in threads
    for result in results:
        result.get(timeout=60)
    assert wait_for(lambda: SentEmail.objects.filter(status="sent").count() == 40)
    keys = keys_of(sink)
    assert len(keys) == 40 and set(keys.values()) == {1}
    assert SentEmail.objects.count() == 40
    assert not NextAction.objects.filter(next_reminder_at__lte=now).exists()


@pytest.mark.django_db(transaction=True)
def test_nudge_task_fired_by_two_beats_makes_one_nudge_per_person(
    world, sink, celery_app, celery_worker
):
    require_redis()
    require_postgres()
    people = []
    for n in range(15):
        mentor = make_participant(world.program, make_user(f"m{n}@example.com"), role="mentor")
        mentee = make_participant(world.program, make_user(f"e{n}@example.com"))
        pair = make_pair(mentor, mentee)
        make_action(pair, text="Something", owner="both")
        people += [mentor.user, mentee.user]
    now = datetime.datetime(2026, 11, 9, 9, 20, tzinfo=datetime.UTC).isoformat()  # Monday
    task = celery_app.tasks["sessions.send_weekly_nudges"]
    results = [task.delay(now) for _ in range(2)]
    run_at_once(lambda: task.apply(kwargs={"now": now}), 3)
    for result in results:
        result.get(timeout=60)
    expected = {u.email for u in people} | {"mentor@example.com", "mentee@example.com"}
    nudges = collections.Counter(
        m["To"] for m in sink.messages if str(m["X-Mentorship-Email"]).strip().startswith("nudge:")
    )
    assert set(nudges) == expected
    assert set(nudges.values()) == {1}


@pytest.mark.django_db(transaction=True)
def test_redis_down_while_logging_a_session(
    world, sink, settings, client, celery_app, celery_worker
):
    require_redis()
    client.force_login(world.mentee.user)
    now = timezone.now()
    due = (now + datetime.timedelta(days=3)).date()
    data = {
        "occurred_at": (now - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "format": "video",
        "topics": "SQL joins",
        "learned": "Left joins keep rows",
        "side_version": "0",
        "new-0-text": "Write a query",
        "new-0-owner": "mentee",
        "new-0-due_on": due.isoformat(),
        "new-1-text": "Share hiring rubric",
        "new-1-owner": "mentor",
        "new-1-due_on": due.isoformat(),
    }
    with current_app_with_broker(settings, DEAD_BROKER):
        started = time.monotonic()
        response = client.post(reverse("sessions:log", args=[world.pair.pk]), data)
        elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    assert elapsed < 5, f"the request took {elapsed:.1f}s with the broker down"
    assert Session.objects.filter(pair=world.pair, topics="SQL joins").exists()
    actions = NextAction.objects.filter(created_in__isnull=False)
    assert actions.count() == 2 and all(a.next_reminder_at for a in actions)

    # Redis is back: the periodic task, run by a real worker at the reminder moment.
    moment = max(a.next_reminder_at for a in actions) + datetime.timedelta(minutes=1)
    task = celery_app.tasks["sessions.send_due_reminders"]
    for _ in range(2):
        task.delay(moment.isoformat()).get(timeout=60)
    assert wait_for(
        lambda: SentEmail.objects.filter(kind="reminder_daily", status="sent").count() == 2
    )
    reminders_sent = sorted(
        m["To"] for m in sink.messages if "reminder" in str(m["X-Mentorship-Email"])
    )
    assert reminders_sent == ["mentee@example.com", "mentor@example.com"]


# --- SIGKILL ---------------------------------------------------------------------------


def _database_url():
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        f"/{s['NAME']}"
    )


def _start_worker(broker, queue, smtp_port, log):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        # A lease of 3 s: the floor, (batch + 1) x EMAIL_TIMEOUT, is 3 s here too.
        "EMAIL_SEND_LEASE_SECONDS": "3",
        "EMAIL_TIMEOUT": "1",
        "EMAIL_DELIVERY_BATCH": "2",
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [
        sys.executable, "-m", "celery", "-A", "mentorship", "worker",
        "-P", "solo", "-Q", queue, "-n", f"{queue}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
    ]  # fmt: skip
    require_real_clock("a Celery worker process")
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_every_email_goes_out_once(world, settings, tmp_path):
    require_redis()
    require_postgres()
    port = free_port()
    sink = Sink(port, delay=0.3).start()  # slow server: the batch takes a few seconds
    queue = f"killtest-{uuid.uuid4().hex[:8]}"
    probe = Celery("probe", broker=REDIS_URL)
    now = timezone.now()
    due_actions(world, 8, now - datetime.timedelta(minutes=1))
    reminders.claim_due(now)
    assert SentEmail.objects.filter(status="pending").count() == 16
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    worker = _start_worker(REDIS_URL, queue, port, log)
    try:
        probe.send_task("notifications.deliver_pending_email", queue=queue)
        assert wait_for(lambda: sink.collector.count >= 4, timeout=60), (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
        time.sleep(0.15)  # in the middle of the next message
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        delivered_before_restart = sink.collector.count
        assert 4 <= delivered_before_restart < 16, "the kill must land mid-batch"

        worker = _start_worker(REDIS_URL, queue, port, log)

        def all_sent():
            if SentEmail.objects.filter(status="sent").count() == 16:
                return True
            probe.send_task("notifications.deliver_pending_email", queue=queue)  # beat's next tick
            return False

        assert wait_for(all_sent, timeout=90, every=2.0), (tmp_path / "worker.log").read_text()[
            -3000:
        ]
        time.sleep(1)  # anything duplicated would arrive now
    finally:
        with __import__("contextlib").suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        sink.stop()
        log.close()
    keys = keys_of(sink)
    assert len(keys) == 16, keys
    assert set(keys.values()) == {1}, [k for k, n in keys.items() if n > 1]
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"sent"}
