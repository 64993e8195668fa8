"""Every URL of the session log, pair page, dashboard and calendar, for every persona.

Author (logged the session, wrote MENTEE-* text), partner, another participant of the
program, the program's admin, another program's admin and anonymous: the status each
gets and, where a page renders, which content it may show.
"""

import datetime

import pytest
from django.urls import reverse

from sessions.models import CalendarFeed, Session
from tests.factories import make_action
from tests.sessions_helpers import NOW, frozen, logged_by_mentee  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = ("author", "partner", "other_participant", "program_admin", "other_admin", "anonymous")
SECRETS = ("MENTEE-SHARED-NOTE", "MENTEE-LEARNED", "MENTEE-PRIVATE", "ACTION-TEXT", "TOPIC-X")


@pytest.fixture
def setup(world):
    session = logged_by_mentee(
        world,
        NOW - datetime.timedelta(days=1),
        topics="TOPIC-X",
        shared_notes="MENTEE-SHARED-NOTE",
    )
    action = make_action(world.pair, text="ACTION-TEXT", created_in=session)
    scheduled = Session.objects.create(
        pair=world.pair, status="scheduled", occurred_at=NOW + datetime.timedelta(days=2)
    )
    users = {
        "author": world.mentee.user,
        "partner": world.mentor.user,
        "other_participant": world.other.user,
        "program_admin": world.admin,
        "other_admin": world.other_admin,
        "anonymous": None,
    }
    return world, session, action, scheduled, users


# url, method, expected per persona (author, partner, other, admin, other admin, anonymous)
def cases(world, session, action, scheduled):
    pair = world.pair.pk
    schedule = {"occurred_at": "2026-11-20T10:00", "duration_minutes": "30", "format": "video"}
    return [
        (
            "pair page",
            "get",
            reverse("sessions:pair", args=[pair]),
            {},
            (200, 200, 404, 200, 404, 302),
        ),
        (
            "pair page, older",
            "get",
            reverse("sessions:pair", args=[pair]) + "?page=2",
            {},
            (200, 200, 404, 200, 404, 302),
        ),
        (
            "log page",
            "get",
            reverse("sessions:log", args=[pair]),
            {},
            (200, 200, 404, 403, 404, 302),
        ),
        (
            "log POST (empty)",
            "post",
            reverse("sessions:log", args=[pair]),
            {},
            (400, 400, 404, 403, 404, 302),
        ),
        (
            "action row",
            "get",
            reverse("sessions:action_row", args=[pair]) + "?i=3",
            {},
            (200, 200, 404, 403, 404, 302),
        ),
        (
            "schedule",
            "post",
            reverse("sessions:schedule", args=[pair]),
            schedule,
            (302, 302, 404, 403, 404, 302),
        ),
        (
            "side page",
            "get",
            reverse("sessions:side", args=[session.pk]),
            {},
            (200, 200, 404, 403, 404, 302),
        ),
        (
            "side of a scheduled session",
            "get",
            reverse("sessions:side", args=[scheduled.pk]),
            {},
            (404, 404, 404, 403, 404, 302),
        ),
        (
            "session .ics",
            "get",
            reverse("sessions:ics", args=[scheduled.pk]),
            {},
            (200, 200, 404, 403, 404, 302),
        ),
        (
            "mark done",
            "post",
            reverse("sessions:action_done", args=[action.pk]),
            {"version": "1"},
            (302, 302, 404, 403, 404, 302),
        ),
        ("dashboard", "get", reverse("home"), {}, (200, 200, 200, 200, 200, 302)),
        ("calendar page", "get", reverse("sessions:calendar"), {}, (200, 200, 200, 200, 200, 302)),
        (
            "calendar revoke",
            "post",
            reverse("sessions:calendar_revoke"),
            {},
            (302, 302, 302, 302, 302, 302),
        ),
    ]


def test_status_for_every_url_and_persona(client, setup):
    world, session, action, scheduled, users = setup
    for name, method, url, data, expected in cases(world, session, action, scheduled):
        for persona, status in zip(PERSONAS, expected, strict=True):
            client.logout()
            if users[persona]:
                client.force_login(users[persona])
            response = getattr(client, method)(url, data)
            assert response.status_code == status, (name, persona, response.status_code)
            if persona == "anonymous":
                assert response["Location"].startswith(reverse("login")), name
            if response.status_code == 200 and "text/html" in response["Content-Type"]:
                html = response.content.decode()
                if persona != "author":
                    assert "MENTEE-PRIVATE" not in html, (name, persona)
                if persona not in ("author", "partner"):
                    for secret in SECRETS:
                        assert secret not in html, (name, persona, secret)


def test_content_each_member_gets(client, setup):
    world, session, action, scheduled, users = setup
    url = reverse("sessions:pair", args=[world.pair.pk])
    client.force_login(users["author"])
    html = client.get(url).content.decode()
    assert all(s in html for s in SECRETS)
    client.force_login(users["partner"])
    html = client.get(url).content.decode()
    assert all(s in html for s in SECRETS if s != "MENTEE-PRIVATE")
    assert "MENTEE-PRIVATE" not in html
    html = client.get(reverse("sessions:side", args=[session.pk])).content.decode()
    assert "MENTEE-LEARNED" in html and "MENTEE-PRIVATE" not in html


def test_calendar_feed_by_token_only(client, setup):
    world, session, action, scheduled, users = setup
    feed = CalendarFeed.objects.create(user=users["author"])
    url = reverse("sessions:feed", args=[feed.token])
    for persona in PERSONAS:  # the token is the key, whoever holds it (calendar apps)
        client.logout()
        if users[persona]:
            client.force_login(users[persona])
        body = client.get(url)
        assert body.status_code == 200
        assert b"ACTION-TEXT" in body.content  # the author's own action, in their own feed
        assert b"MENTEE-PRIVATE" not in body.content and b"MENTEE-LEARNED" not in body.content
    assert client.get(reverse("sessions:feed", args=[feed.token[:-1] + "x"])).status_code == 404
