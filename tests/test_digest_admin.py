"""The weekly admin digest: stalled pairs, overdue actions, unmatched people, failed email."""

import datetime

import pytest
import time_machine
from django.core import mail

from insights import digests
from insights.tasks import send_weekly_digests
from notifications import outbox as delivery
from notifications.models import EmailPreference, SentEmail
from sessions.models import NextAction
from tests.factories import make_session

UTC = datetime.UTC
MONDAY = datetime.datetime(2026, 11, 9, 9, 5, tzinfo=UTC)


def run(now=MONDAY):
    with time_machine.travel(now, tick=False):
        digests.claim_due(now)
        return delivery.deliver_due(now)


@pytest.fixture
def troubled(world):
    NextAction.objects.create(
        pair=world.pair, text="Overdue one", owner="mentee", due_on=datetime.date(2026, 11, 1)
    )
    NextAction.objects.create(
        pair=world.pair, text="Not yet due", owner="mentee", due_on=datetime.date(2026, 11, 20)
    )
    SentEmail.objects.create(
        kind="nudge",
        key="old",
        user=world.mentee.user,
        to_email="mentee@example.com",
        status="failed",
        attempts=5,
        last_error="SMTP down",
    )
    return world


def test_admin_gets_stalled_overdue_unmatched_and_failed(troubled):
    run()
    [email] = mail.outbox
    assert email.to == ["admin@example.com"]
    assert email.subject == "Your programs this week: what needs attention"
    body = email.body
    assert "== Main program ==" in body
    # Started 1 October, no session since: past twice the 14-day cadence.
    assert "1 stalled pair (no session in 28 days)" in body
    assert "Maya Mentor ↔ Theo Mentee: no session in 39 days since starting" in body
    assert "1 overdue action across 1 pairs" in body
    assert "1 person not in a pair: Olga Other" in body
    assert "1 email could not be delivered" in body
    assert "/emails/failed/" in body
    html = email.alternatives[0][0]
    assert "Olga Other" in html and "1 overdue action" in html
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Note text never reaches admins: the action text is not in the digest.
    assert "Overdue one" not in body


def test_recent_session_means_not_stalled(troubled):
    make_session(troubled.pair, when=MONDAY - datetime.timedelta(days=20))
    run()
    assert "0 stalled pairs" in mail.outbox[0].body


def test_nothing_to_report_sends_nothing(world):
    # other_admin's program has nobody in it; admin's has an unmatched person.
    world.other.status = "withdrawn"
    world.other.save()
    make_session(world.pair, when=MONDAY - datetime.timedelta(days=3))
    run()
    assert mail.outbox == []
    assert set(SentEmail.objects.values_list("kind", "status")) == {("admin_digest", "skipped")}


def test_once_per_week_even_if_fired_twice(troubled):
    with time_machine.travel(MONDAY, tick=False):
        send_weekly_digests.apply()
        send_weekly_digests.apply()
    assert len([m for m in mail.outbox if m.to == ["admin@example.com"]]) == 1
    run(MONDAY + datetime.timedelta(days=3))
    assert len([m for m in mail.outbox if m.to == ["admin@example.com"]]) == 1
    run(MONDAY + datetime.timedelta(days=7))
    assert len([m for m in mail.outbox if m.to == ["admin@example.com"]]) == 2


def test_not_before_nine_and_digest_preference(troubled):
    run(MONDAY.replace(hour=8, minute=59))
    assert mail.outbox == []
    EmailPreference.objects.create(user=troubled.admin, digests=False)
    run()
    assert mail.outbox == []


def test_other_programs_admin_does_not_see_this_program(troubled):
    run()
    assert all(m.to == ["admin@example.com"] for m in mail.outbox)


def test_admin_removed_before_sending_gets_nothing(troubled):
    digests.claim_due(MONDAY)
    troubled.program.admins.remove(troubled.admin)
    delivery.deliver_due(MONDAY)
    assert mail.outbox == []
