"""Scheduling, the private (revocable) iCalendar feed and a single session's download."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from sessions.models import CalendarFeed, Session
from tests.factories import make_action, make_session
from tests.sessions_helpers import (  # noqa: F401  (frozen: an autouse fixture)
    MEMBERS_ONLY,
    NOW,
    each_persona,
    frozen,
)

pytestmark = pytest.mark.django_db


def scheduled(world, days=3):
    return Session.objects.create(
        pair=world.pair,
        status="scheduled",
        occurred_at=NOW + datetime.timedelta(days=days),
        duration_minutes=60,
    )


def test_schedule_the_next_session_on_the_pair_page(client, world):
    client.force_login(world.mentor.user)
    url = reverse("sessions:schedule", args=[world.pair.pk])
    response = client.post(
        url, {"occurred_at": "2026-11-17T09:30", "duration_minutes": "30", "format": "phone"}
    )
    assert response.status_code == 302
    session = Session.objects.get(status="scheduled")
    assert session.occurred_at == datetime.datetime(2026, 11, 17, 9, 30, tzinfo=datetime.UTC)
    html = client.get(reverse("sessions:pair", args=[world.pair.pk])).content.decode()
    assert reverse("sessions:ics", args=[session.pk]) in html


def test_schedule_in_the_past_is_refused(client, world):
    client.force_login(world.mentor.user)
    url = reverse("sessions:schedule", args=[world.pair.pk])
    response = client.post(
        url,
        {"occurred_at": "2026-11-01T09:30", "duration_minutes": "30", "format": "phone"},
        follow=True,
    )
    assert "Schedule the next session in the future." in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "persona,status",
    [
        ("mentor", 302),
        ("other_participant", 404),
        ("program_admin", 403),
        ("other_program_admin", 404),
        ("stranger", 404),
        ("anonymous", 302),
    ],
)
def test_schedule_personas(client, world, persona, status):
    user = world.personas()[persona]
    if user:
        client.force_login(user)
    url = reverse("sessions:schedule", args=[world.pair.pk])
    data = {"occurred_at": "2026-11-17T09:30", "duration_minutes": "30", "format": "phone"}
    assert client.post(url, data).status_code == status
    assert Session.objects.exists() == (persona == "mentor")


def test_feed_has_sessions_and_my_action_due_dates(client, world):
    session = scheduled(world)
    make_action(world.pair, text="MENTEE-ACTION", owner="mentee")
    make_action(world.pair, text="BOTH-ACTION", owner="both")
    make_action(world.pair, text="MENTOR-ACTION", owner="mentor")
    make_action(world.pair, text="DONE-ACTION", owner="mentee", status="done")
    make_session(world.pair, topics="LOGGED-NOT-IN-FEED")
    client.force_login(world.mentee.user)
    page = client.get(reverse("sessions:calendar")).content.decode()
    token = CalendarFeed.objects.get(user=world.mentee.user).token
    feed_url = reverse("sessions:feed", args=[token])
    assert feed_url in page
    client.logout()  # the feed needs no sign-in, only the secret
    response = client.get(feed_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == [
        "Due: BOTH-ACTION",
        "Due: MENTEE-ACTION",
        "Mentoring session with Maya Mentor",
    ]
    meeting = next(e for e in events if "session" in str(e["SUMMARY"]))
    assert meeting.decoded("DTSTART") == session.occurred_at
    assert meeting.decoded("DTEND") - meeting.decoded("DTSTART") == datetime.timedelta(hours=1)


def test_revoke_replaces_the_secret(client, world):
    client.force_login(world.mentee.user)
    client.get(reverse("sessions:calendar"))
    old = CalendarFeed.objects.get(user=world.mentee.user).token
    assert client.get(reverse("sessions:calendar_revoke")).status_code == 405  # POST only
    response = client.post(reverse("sessions:calendar_revoke"), follow=True)
    assert "The old link no longer works." in response.content.decode()
    new = CalendarFeed.objects.get(user=world.mentee.user).token
    assert new != old and len(new) >= 40
    client.logout()
    assert client.get(reverse("sessions:feed", args=[old])).status_code == 404
    assert client.get(reverse("sessions:feed", args=[new])).status_code == 200


def test_feed_with_an_unknown_token_is_404(client, world):
    assert client.get(reverse("sessions:feed", args=["nope"])).status_code == 404


def test_calendar_page_needs_sign_in(client):
    response = client.get(reverse("sessions:calendar"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_single_session_download_is_for_members_only(client, world):
    session = scheduled(world)
    url = reverse("sessions:ics", args=[session.pk])
    assert url == f"/sessions/{session.pk}.ics"
    for name, _user in each_persona(client, world):
        response = client.get(url)
        assert response.status_code == MEMBERS_ONLY[name], name
        if response.status_code == 200:
            cal = icalendar.Calendar.from_ical(response.content)
            (event,) = cal.walk("VEVENT")
            partner = "Theo Mentee" if name == "mentor" else "Maya Mentor"
            assert str(event["SUMMARY"]) == f"Mentoring session with {partner}"
            assert "attachment" in response["Content-Disposition"]
