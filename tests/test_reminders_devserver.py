"""make run (no broker): the in-process beat sends reminders and nudges into var/outbox."""

import datetime
import threading
import time
import zoneinfo

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from mentorship.management.commands.devserver import run_beat_forever
from notifications import dev_outbox as mail
from notifications.models import SentEmail
from tests.factories import make_action


def test_the_schedule_has_the_reminder_nudge_and_delivery_tasks():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "mentorship.heartbeat",
        "sessions.send_due_reminders",
        "sessions.send_weekly_nudges",
        "notifications.deliver_pending_email",
    } <= tasks
    assert django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > (
        django_settings.CELERY_TASK_TIME_LIMIT
    )


@pytest.mark.django_db(transaction=True)
def test_in_process_beat_delivers_reminders_and_nudges_to_the_outbox(world, settings):
    settings.EMAIL_BACKEND = "notifications.dev_outbox.OutboxBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert not settings.CELERY_BROKER_URL  # the make run default
    make_action(
        world.pair,
        text="Read the SQL chapter",
        owner="mentee",
        due_on=timezone.localdate() + datetime.timedelta(days=2),
        next_reminder_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    # The weekly nudge is due only on its day from 09:00: put both people in a zone where
    # it is now late morning to evening, and make today the program's nudge day there.
    now = timezone.now()
    zone_name = next(
        f"Etc/GMT{-offset:+d}" if offset else "UTC"
        for offset in range(-11, 13)
        if 10 <= (now + datetime.timedelta(hours=offset)).hour <= 22
    )
    local = timezone.localtime(now, zoneinfo.ZoneInfo(zone_name))
    for participant in (world.mentor, world.mentee):
        participant.user.time_zone = zone_name
        participant.user.save()
    world.program.nudge_weekday = local.weekday()
    world.program.save()

    def done():
        # The outbox files, not the database: on in-memory SQLite a read while the beat
        # thread writes fails at once ("database table is locked"), busy timeout or not.
        subjects = [m["subject"] or "" for m in mail.read_outbox()]
        reminded = any("Read the SQL chapter" in s for s in subjects)
        nudges = sum(s.startswith("Your week with") for s in subjects)
        return reminded and nudges == 2

    stop = threading.Event()
    thread = threading.Thread(target=run_beat_forever, args=(stop,), kwargs={"tick": 0.05})
    thread.start()
    deadline = time.monotonic() + 30  # generous: the machine may be busy with other tests
    try:
        while not done() and time.monotonic() < deadline:
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(10)
    subjects = [m["subject"] for m in mail.read_outbox()]
    assert any("Read the SQL chapter" in s for s in subjects), subjects
    assert SentEmail.objects.filter(kind="reminder_daily", status="sent").count() == 1
    assert any(s.startswith("Your week with") for s in subjects), subjects
    assert SentEmail.objects.filter(kind="nudge", status="sent").count() == 2
