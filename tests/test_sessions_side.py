"""Adding my side to a session my partner logged; editing only ever changes my own side."""

import datetime

import pytest
from django.urls import reverse

from sessions.models import NextAction, Session, SessionSide
from tests.sessions_helpers import (  # noqa: F401  (frozen: an autouse fixture)
    MEMBERS_ONLY,
    each_persona,
    frozen,
    logged_by_mentee,
)

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 11, 9, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def logged(world):
    """The mentee logged a session with their side."""
    return logged_by_mentee(
        world, WHEN, topics="Joins", shared_notes="MENTEE-SHARED", updated_by=world.mentee.user
    )


def side_url(session):
    return reverse("sessions:side", args=[session.pk])


def post_data(session, **extra):
    data = {
        "occurred_at": "2026-11-09T10:00",
        "duration_minutes": str(session.duration_minutes),
        "format": session.format,
        "topics": session.topics,
        "shared_notes": session.shared_notes,
        "version": str(session.version),
        "learned": "MENTOR-LEARNED",
        "shared": "",
        "questions": "MENTOR-Q",
        "unsure": "",
        "private_note": "MENTOR-PRIVATE",
        "side_version": "0",
    }
    data.update(extra)
    return data


def test_each_persona_gets(client, world, logged):
    for name, _user in each_persona(client, world):
        assert client.get(side_url(logged)).status_code == MEMBERS_ONLY[name], name
        expected_post = MEMBERS_ONLY[name] if MEMBERS_ONLY[name] != 200 else None
        if expected_post:
            assert client.post(side_url(logged), post_data(logged)).status_code == expected_post
    assert SessionSide.objects.count() == 1


def test_partner_sees_shared_and_the_other_side_but_not_its_private_note(client, world, logged):
    client.force_login(world.mentor.user)
    html = client.get(side_url(logged)).content.decode()
    assert "Add my side of the session" in html
    assert "MENTEE-SHARED" in html and "MENTEE-LEARNED" in html
    assert "MENTEE-PRIVATE" not in html


def test_partner_adds_their_side_and_the_others_side_is_untouched(client, world, logged):
    client.force_login(world.mentor.user)
    response = client.post(side_url(logged), post_data(logged))
    assert response.status_code == 302, response.content.decode()[:2000]
    mentor_side = SessionSide.objects.get(session=logged, side="mentor")
    assert mentor_side.author == world.mentor.user and mentor_side.learned == "MENTOR-LEARNED"
    mentee_side = SessionSide.objects.get(session=logged, side="mentee")
    assert mentee_side.learned == "MENTEE-LEARNED" and mentee_side.author == world.mentee.user
    logged.refresh_from_db()
    assert logged.version == 1 and logged.updated_by == world.mentee.user  # shared unchanged
    # Now the mentor's dashboard no longer asks for it.
    html = client.get(reverse("home")).content.decode()
    assert side_url(logged) not in html


def test_editing_shared_fields_records_who(client, world, logged):
    client.force_login(world.mentor.user)
    client.post(side_url(logged), post_data(logged, shared_notes="MENTOR-EDIT"))
    logged.refresh_from_db()
    assert logged.shared_notes == "MENTOR-EDIT"
    assert logged.updated_by == world.mentor.user and logged.created_by == world.mentee.user
    assert logged.version == 2


def test_stale_shared_edit_is_refused_keeping_typed_text(client, world, logged):
    client.force_login(world.mentor.user)
    data = post_data(logged, shared_notes="MENTOR-VERSION")
    Session.objects.filter(pk=logged.pk).update(shared_notes="MENTEE-NEWER", version=2)
    response = client.post(side_url(logged), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your partner changed the shared part of this session meanwhile." in html
    assert "MENTOR-VERSION" in html and "MENTOR-LEARNED" in html
    logged.refresh_from_db()
    assert logged.shared_notes == "MENTEE-NEWER"
    assert not SessionSide.objects.filter(side="mentor").exists()  # all or nothing


def test_stale_side_edit_from_another_tab_is_refused(client, world, logged):
    client.force_login(world.mentee.user)
    page = client.get(side_url(logged)).content.decode()
    assert "Edit my side of the session" in page and "MENTEE-PRIVATE" in page
    data = post_data(logged, learned="TAB-ONE", private_note="p", side_version="1")
    assert client.post(side_url(logged), data).status_code == 302
    stale = post_data(logged, learned="TAB-TWO", private_note="p", side_version="1")
    response = client.post(side_url(logged), stale)
    assert response.status_code == 400
    assert "changed meanwhile" in response.content.decode()
    assert "TAB-TWO" in response.content.decode()
    assert SessionSide.objects.get(side="mentee").learned == "TAB-ONE"


def test_adding_next_actions_from_the_side_page(client, world, logged):
    client.force_login(world.mentor.user)
    data = post_data(
        logged,
        **{"new-0-text": "Share rubric", "new-0-owner": "mentor", "new-0-due_on": "2026-11-20"},
    )
    assert client.post(side_url(logged), data).status_code == 302
    action = NextAction.objects.get()
    assert action.created_in == logged and action.created_by == world.mentor.user


def test_nothing_to_save(client, world, logged):
    client.force_login(world.mentor.user)
    data = post_data(logged, learned="", questions="", private_note="")
    response = client.post(side_url(logged), data)
    assert response.status_code == 400
    assert "There is nothing to save yet" in response.content.decode()


@pytest.mark.parametrize(
    "view,query", [("sessions:action_row", "?i=3"), ("sessions:log", "")], ids=["row", "log"]
)
def test_log_page_and_action_row_personas(client, world, view, query):
    url = reverse(view, args=[world.pair.pk]) + query
    for name, _user in each_persona(client, world):
        assert client.get(url).status_code == MEMBERS_ONLY[name], name
