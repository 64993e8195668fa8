"""Delivery to a real SMTP server (aiosmtpd), retries with backoff, and the failed state."""

import datetime
import json
import uuid

import pytest
import redis
import time_machine
from django.urls import reverse

from insights import digests
from notifications import outbox as delivery
from notifications.models import SentEmail
from sessions import actions, nudges, reminders
from tests.services import REDIS_URL, current_app_with_broker, require_redis

UTC = datetime.UTC
T0 = datetime.datetime(2026, 11, 9, 9, 5, tzinfo=UTC)  # a Monday


@pytest.fixture
def due_reminder(world):
    with time_machine.travel(datetime.datetime(2026, 11, 2, tzinfo=UTC), tick=False):
        action = actions.create_action(
            world.pair,
            "Read the SQL chapter",
            "mentee",
            datetime.date(2026, 11, 11),
            by=world.mentee.user,
        )
    reminders.claim_due(T0)
    return action


def deliver(now):
    with time_machine.travel(now, tick=False):
        return delivery.deliver_due(now)


def test_every_email_reaches_a_real_smtp_server_with_text_html_and_headers(
    world, smtp, due_reminder
):
    sink = smtp.up()
    nudges.claim_due(T0)
    digests.claim_due(T0)
    counts = deliver(T0)
    assert counts["sent"] == 4  # reminder, two nudges, the admin digest
    by_to = {}
    for message in sink.messages:
        by_to.setdefault(message["To"], []).append(message)
    assert sorted(by_to) == ["admin@example.com", "mentee@example.com", "mentor@example.com"]
    reminder, nudge = sorted(by_to["mentee@example.com"], key=lambda m: m["Subject"])
    assert reminder["Subject"] == "Due Wednesday 11 November: Read the SQL chapter"
    assert nudge["Subject"] == "Your week with Maya Mentor"
    for message in sink.messages:
        assert message.get_body(("plain",)).get_content().strip()
        assert "<html" in message.get_body(("html",)).get_content()
        assert message["List-Unsubscribe"].strip().startswith("<http")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Read the SQL chapter" in reminder.get_body(("plain",)).get_content()
    assert "/emails/action/done/" in reminder.get_body(("html",)).get_content()
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"sent", "skipped"}


def test_smtp_down_retries_with_backoff_then_delivers_once(world, smtp, due_reminder):
    counts = deliver(T0)
    assert counts == {"sent": 0, "retry": 1, "failed": 0, "skipped": 0}
    row = SentEmail.objects.get()
    assert row.status == "pending" and row.attempts == 1
    assert "Connection refused" in row.last_error or "Errno" in row.last_error
    assert row.next_attempt_at == T0 + datetime.timedelta(seconds=60)

    # Not before the backoff has passed.
    assert deliver(T0 + datetime.timedelta(seconds=30)) == {
        "sent": 0,
        "retry": 0,
        "failed": 0,
        "skipped": 0,
    }
    # Still down at the second attempt: the wait grows.
    deliver(T0 + datetime.timedelta(seconds=60))
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at == T0 + datetime.timedelta(seconds=60 + 300)

    sink = smtp.up()
    assert deliver(T0 + datetime.timedelta(seconds=360))["sent"] == 1
    for minutes in (10, 60, 600):
        deliver(T0 + datetime.timedelta(minutes=minutes))
    assert [m["To"] for m in sink.messages] == ["mentee@example.com"]
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 3 and row.last_error == ""


def run_outage(until):
    """Sweep at every retry moment while SMTP is down, up to `until`: the attempt moments."""
    moments = []
    moment = T0
    while moment <= until:
        deliver(moment)
        moments.append(moment)
        row = SentEmail.objects.get()
        if row.status != "pending":
            break
        moment = row.next_attempt_at
    return moments, row


def test_an_outage_longer_than_the_listed_delays_still_delivers_when_smtp_returns(
    world, smtp, due_reminder, settings
):
    """The old budget (60+300+1800+7200 s, about 2.6 h) gave up for good; a day-long outage
    now ends with the email delivered, once, retried every 2 h (the last delay) meanwhile."""
    settings.EMAIL_RETRY_FOR = 3 * 24 * 3600
    moments, row = run_outage(T0 + datetime.timedelta(hours=26))
    assert row.status == "pending"
    gaps = [(b - a).total_seconds() for a, b in zip(moments, moments[1:], strict=False)]
    assert gaps[:4] == [60, 300, 1800, 7200]
    assert set(gaps[4:]) == {7200}  # the capped interval
    sink = smtp.up()
    assert deliver(row.next_attempt_at)["sent"] == 1
    deliver(row.next_attempt_at + datetime.timedelta(hours=3))
    assert [m["To"] for m in sink.messages] == ["mentee@example.com"]
    assert SentEmail.objects.get().status == "sent"


def test_after_the_retry_window_it_is_failed_and_shown_to_admins(
    world, smtp, due_reminder, client, settings
):
    settings.EMAIL_RETRY_FOR = 24 * 3600
    moments, row = run_outage(T0 + datetime.timedelta(days=3))
    assert row.status == "failed"
    # Retried up to the window's end, not one attempt after it.
    assert T0 + datetime.timedelta(hours=22) <= moments[-1] <= T0 + datetime.timedelta(hours=24)
    assert row.attempts == len(moments) and row.attempts > delivery.max_attempts()
    assert row.last_error

    # Later rounds leave it alone (not resent, not dropped).
    smtp.up()
    deliver(moments[-1] + datetime.timedelta(days=1))
    row.refresh_from_db()
    assert row.status == "failed"
    assert smtp.sink.messages == []

    client.force_login(world.admin)
    page = client.get(reverse("emails:failed"))
    assert b"Theo Mentee" in page.content and b"reminder_daily" in page.content
    # And the admin digest counts it.
    digests.claim_due(T0 + datetime.timedelta(days=7))
    deliver(T0 + datetime.timedelta(days=7))
    [digest] = [m for m in smtp.sink.messages if m["To"] == "admin@example.com"]
    assert "1 email could not be delivered" in digest.get_body(("plain",)).get_content()


def test_the_retry_backoff_runs_from_the_failed_attempt_not_the_round_start(world, smtp):
    """A round that started at T0 and reached this email 40 s later waits 60 s from then."""
    row_id = delivery.record("reminder_due", "late", world.mentee.user, {"action": 0}, now=T0)
    attempt = T0 + datetime.timedelta(seconds=40)
    with time_machine.travel(attempt, tick=False):
        assert delivery.deliver_due(T0)["retry"] == 1  # the round's `now` is T0
    row = SentEmail.objects.get(pk=row_id)
    assert row.next_attempt_at == attempt + datetime.timedelta(seconds=60)


def test_a_broken_server_does_not_stall_the_batch_one_by_one(world, smtp):
    """With the server down, a batch of 30 fails fast, each with one attempt counted."""
    for n in range(30):
        delivery.record("reminder_due", f"fake:{n}", world.mentee.user, {"action": 0}, now=T0)
    counts = deliver(T0)
    assert counts["retry"] == 30
    assert set(SentEmail.objects.values_list("attempts", flat=True)) == {1}


def test_a_retry_due_soon_gets_its_own_sweep_at_that_moment(world, smtp, settings, on_commit):
    """Beat sweeps once a minute: a retry due in 60 s waited for the next sweep after
    that (up to 2 min). Now the failed round schedules a sweep for the retry's moment."""
    require_redis()
    queue = f"retry-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    delivery.record("reminder_due", "soon", world.mentee.user, {"action": 0}, now=T0)
    with current_app_with_broker(settings, REDIS_URL), on_commit():
        attempt = T0 + datetime.timedelta(seconds=7)  # the round started at T0
        with time_machine.travel(attempt, tick=False):
            assert delivery.deliver_due(T0, threads=1)["retry"] == 1
    client = redis.Redis.from_url(REDIS_URL)
    try:
        messages = [json.loads(raw) for raw in client.lrange(queue, 0, -1)]
    finally:
        client.delete(queue)
    assert [m["headers"]["task"] for m in messages] == [delivery.SWEEP_TASK]
    eta = datetime.datetime.fromisoformat(messages[0]["headers"]["eta"])
    assert eta == attempt + datetime.timedelta(seconds=60)
