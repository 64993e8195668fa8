"""The agenda nudge: the quieter side is invited to add a question, on their weekly day, once
a week, through the outbox, with its own list to leave; it never quotes an agenda item."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from notifications import links
from notifications import outbox as delivery
from notifications.models import EmailPreference, SentEmail
from sessions import agenda_nudge
from sessions.models import AgendaItem, SessionSide
from sessions.tasks import send_weekly_nudges
from tests.factories import make_session

pytestmark = pytest.mark.django_db
MONDAY_0905 = datetime.datetime(2026, 11, 9, 9, 5, tzinfo=datetime.UTC)


def run(now):
    with time_machine.travel(now, tick=False):
        agenda_nudge.claim_due(now)
        return delivery.deliver_due(now)


def invitations(address):
    return [m for m in mail.outbox if m.to == [address] and "A question for your next" in m.subject]


@pytest.fixture
def talkative_mentee(world):
    """The mentee brought two agenda items and a question in a session; the mentor none."""
    with time_machine.travel(MONDAY_0905 - datetime.timedelta(days=3), tick=False):
        for text in ("AGENDA-SECRET-1", "AGENDA-SECRET-2"):
            AgendaItem.objects.create(
                pair=world.pair, author=world.mentee.user, side="mentee", text=text
            )
        session = make_session(world.pair, when=MONDAY_0905 - datetime.timedelta(days=2))
        SessionSide.objects.create(
            session=session, side="mentee", author=world.mentee.user, questions="Why?"
        )
    return world


def test_the_quieter_side_is_invited_once_a_week(talkative_mentee):
    world = talkative_mentee
    run(MONDAY_0905 - datetime.timedelta(minutes=10))  # before 09:00: nothing yet
    assert not mail.outbox
    run(MONDAY_0905)
    [email] = invitations("mentor@example.com")
    assert not invitations("mentee@example.com")
    assert "Theo Mentee" in email.subject
    assert f"/pairs/{world.pair.pk}/agenda/" in email.body
    assert "AGENDA-SECRET" not in email.body and "AGENDA-SECRET" not in email.alternatives[0][0]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Fired again the same week (a second beat, a retry): no second email.
    run(MONDAY_0905 + datetime.timedelta(hours=2))
    assert len(invitations("mentor@example.com")) == 1
    assert SentEmail.objects.filter(kind="agenda_nudge").count() == 1


def test_balanced_pairs_get_no_invitation(world):
    AgendaItem.objects.create(pair=world.pair, author=world.mentee.user, side="mentee", text="a")
    AgendaItem.objects.create(pair=world.pair, author=world.mentor.user, side="mentor", text="b")
    run(MONDAY_0905)
    assert not SentEmail.objects.filter(kind="agenda_nudge").exists()


def test_its_own_list_to_leave_without_leaving_the_weekly_nudge(talkative_mentee):
    world = talkative_mentee
    run(MONDAY_0905)
    [email] = invitations("mentor@example.com")
    one_click = email.extra_headers["List-Unsubscribe"].strip("<>")
    # Followed the next day: the link expires, and the suite runs on any later date.
    with time_machine.travel(MONDAY_0905 + datetime.timedelta(days=1), tick=False):
        response = Client().post(
            one_click,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200
    pref = EmailPreference.objects.get(user=world.mentor.user)
    assert pref.agenda_nudges is False and pref.nudges is True
    mail.outbox.clear()
    run(MONDAY_0905 + datetime.timedelta(days=7))
    assert not invitations("mentor@example.com")


def test_the_preferences_page_offers_the_list(client, world):
    client.force_login(world.mentor.user)
    html = client.get("/emails/preferences/").content.decode()
    assert 'name="agenda_nudges"' in html
    client.post("/emails/preferences/", {"reminders": "on", "nudges": "on"})
    assert EmailPreference.objects.get(user=world.mentor.user).agenda_nudges is False


def test_skipped_when_left_after_queueing_or_when_they_added_one_meanwhile(talkative_mentee):
    world = talkative_mentee
    with time_machine.travel(MONDAY_0905, tick=False):
        agenda_nudge.claim_due(MONDAY_0905)
        AgendaItem.objects.create(
            pair=world.pair, author=world.mentor.user, side="mentor", text="mine"
        )
        delivery.deliver_due(MONDAY_0905)
    assert not invitations("mentor@example.com")
    row = SentEmail.objects.get(kind="agenda_nudge")
    assert row.status == "skipped" and "added to the agenda" in row.last_error
    token_user = world.mentor.user
    assert links.make_url(links.UNSUBSCRIBE, token_user, agenda_nudge.LIST)


def test_the_weekly_task_claims_them(talkative_mentee):
    result = send_weekly_nudges.apply(kwargs={"now": MONDAY_0905.isoformat()}).get()
    assert result["agenda_nudges"] == {"pending": 1}
    assert len(invitations("mentor@example.com")) == 1
