"""My dashboard (the home page): pairs, actions due soon first, inline done, nudges."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.models import Program
from sessions.models import NextAction, Session, SessionSide
from tests.factories import make_action, make_pair, make_participant, make_session
from tests.sessions_helpers import NOW, frozen  # noqa: F401

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_my_actions_overdue_first_then_due_soon_and_partner_actions_apart(client, world):
    make_session(world.pair, when=NOW - datetime.timedelta(days=2))
    make_action(world.pair, text="LATER-MINE", owner="mentee", due_on=days(20))
    make_action(world.pair, text="SOON-MINE", owner="mentee", due_on=days(2))
    make_action(world.pair, text="OVERDUE-MINE", owner="mentee", due_on=days(-3))
    make_action(world.pair, text="SHARED-BOTH", owner="both", due_on=days(5))
    make_action(world.pair, text="PARTNER-ACTION", owner="mentor", due_on=days(1))
    make_action(world.pair, text="DONE-ALREADY", owner="mentee", status="done", due_on=days(1))
    client.force_login(world.mentee.user)
    html = client.get(reverse("home")).content.decode()
    mine = html[html.index('id="my-actions"') : html.index('id="partner-actions"')]
    order = [mine.index(t) for t in ("OVERDUE-MINE", "SOON-MINE", "SHARED-BOTH", "LATER-MINE")]
    assert order == sorted(order)
    assert "PARTNER-ACTION" not in mine and "DONE-ALREADY" not in html
    overdue_item = mine[: mine.index("SOON-MINE")]
    assert "action-overdue" in overdue_item and "Overdue since" in overdue_item
    partner = html[html.index('id="partner-actions"') :]
    assert "PARTNER-ACTION" in partner
    assert "With Maya Mentor" in html


def _item(html, text):
    start = html.rindex("<li", 0, html.index(text))
    return html[start : html.index("</li>", start)]


@pytest.mark.parametrize("language", ["en", "de"])
def test_each_action_says_who_owns_it_and_when_it_is_due(client, world, language):
    """The partial's words (pair, owner, due badge) are worded in Python (flag_due): the
    same words, badge classes and translations as the tags they replaced."""
    make_action(world.pair, text="OVERDUE-MINE", owner="mentee", due_on=days(-3))
    make_action(world.pair, text="SOON-BOTH", owner="both", due_on=days(2))
    make_action(world.pair, text="LATER-PARTNER", owner="mentor", due_on=days(20))
    world.mentee.user.language = language
    world.mentee.user.save()
    client.force_login(world.mentee.user)
    html = client.get(reverse("home")).content.decode()
    words = {
        "en": ("Overdue since", "Due", "both of you", "Mentor"),
        "de": ("Überfällig seit", "Fällig am", "ihr beide", "Mentor:in"),
    }[language]
    people = f"{world.mentor.user.name} ↔ {world.mentee.user.name}"
    overdue, soon, later = (_item(html, t) for t in ("OVERDUE-MINE", "SOON-BOTH", "LATER-PARTNER"))
    assert people in overdue and people in soon and people in later
    assert 'class="badge badge-danger overdue">' + words[0] in overdue
    assert 'class="badge badge-warn">' + words[1] in soon and words[2] in soon
    assert 'class="badge">' + words[1] in later
    assert re.search(rf"·\s*{words[3]}\s*</span>", later)


def test_mark_done_inline_with_htmx(client, world):
    action = make_action(world.pair, text="Read", owner="mentee", due_on=days(2))
    client.force_login(world.mentee.user)
    response = client.post(
        reverse("sessions:action_done", args=[action.pk]),
        {"version": action.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<li") and "Done" in html and "Marked done: Read" in html
    action.refresh_from_db()
    assert action.status == "done" and action.done_by == world.mentee.user


def test_mark_done_without_js_redirects_back(client, world):
    action = make_action(world.pair, text="Read", owner="mentee", due_on=days(2))
    client.force_login(world.mentee.user)
    response = client.post(
        reverse("sessions:action_done", args=[action.pk]),
        {"version": action.version, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    action.refresh_from_db()
    assert action.status == "done"


def test_mark_done_stale_says_so(client, world):
    action = make_action(world.pair, text="Read", owner="mentee", due_on=days(2))
    stale = action.version
    from sessions import actions

    actions.carry_over(action, world.mentor.user, days(9), stale)
    client.force_login(world.mentee.user)
    response = client.post(
        reverse("sessions:action_done", args=[action.pk]),
        {"version": stale},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert "changed this action meanwhile" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "open" and action.due_on == days(9)


@pytest.mark.parametrize(
    "persona,status",
    [
        ("mentee", 302),
        ("mentor", 302),
        ("other_participant", 404),
        ("program_admin", 403),
        ("other_program_admin", 404),
        ("stranger", 404),
        ("anonymous", 302),
    ],
)
def test_mark_done_personas(client, world, persona, status):
    action = make_action(world.pair, text="Read", owner="mentee", due_on=days(2))
    user = world.personas()[persona]
    if user:
        client.force_login(user)
    response = client.post(reverse("sessions:action_done", args=[action.pk]), {"version": 1})
    assert response.status_code == status
    action.refresh_from_db()
    assert (action.status == "done") == (persona in ("mentee", "mentor"))
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_sessions_to_add_my_side(client, world):
    mine_missing = make_session(
        world.pair, author=world.mentor.user, when=NOW - datetime.timedelta(days=1)
    )
    SessionSide.objects.create(
        session=mine_missing, side="mentor", author=world.mentor.user, learned="x"
    )
    done = make_session(world.pair, when=NOW - datetime.timedelta(days=8))
    SessionSide.objects.create(session=done, side="mentee", author=world.mentee.user, learned="y")
    client.force_login(world.mentee.user)
    html = client.get(reverse("home")).content.decode()
    section = html[html.index('id="sides-to-add"') :]
    assert reverse("sessions:side", args=[mine_missing.pk]) in section
    assert reverse("sessions:side", args=[done.pk]) not in section


def test_nudge_when_no_session_within_cadence(client, world):
    Program.objects.filter(pk=world.program.pk).update(cadence_days=14)
    make_session(world.pair, when=NOW - datetime.timedelta(days=20))
    client.force_login(world.mentee.user)
    html = client.get(reverse("home")).content.decode()
    assert "No session with Maya Mentor for 20 days" in html
    make_session(world.pair, when=NOW - datetime.timedelta(days=3))
    html = client.get(reverse("home")).content.decode()
    assert "No session with Maya Mentor" not in html


def test_no_nudge_when_the_next_session_is_scheduled(client, world):
    make_session(world.pair, when=NOW - datetime.timedelta(days=40))
    Session.objects.create(
        pair=world.pair, status="scheduled", occurred_at=NOW + datetime.timedelta(days=2)
    )
    client.force_login(world.mentor.user)
    html = client.get(reverse("home")).content.decode()
    assert "No session with" not in html


def test_empty_states_for_someone_without_a_pair(client, world):
    client.force_login(world.stranger)
    html = client.get(reverse("home")).content.decode()
    assert "You have no active pair yet" in html
    client.force_login(world.admin)
    html = client.get(reverse("home")).content.decode()
    assert "Programs I run" in html and "Main program" in html


def test_query_count_is_fixed_whatever_the_history(client, world, django_assert_num_queries):
    # A second pair for the mentor, in another program.
    other_mentee = make_participant(world.program, role="mentee")
    pair2 = make_pair(world.mentor, other_mentee)
    make_session(world.pair, when=NOW - datetime.timedelta(days=1))
    make_action(world.pair, owner="mentor")
    client.force_login(world.mentor.user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home")).status_code == 200
    for i in range(40):
        for pair in (world.pair, pair2):
            s = make_session(pair, when=NOW - datetime.timedelta(days=i + 1))
            SessionSide.objects.create(session=s, side="mentee", author=pair.mentee.user)
            make_action(pair, text=f"a{i}", owner=("mentor", "mentee", "both")[i % 3], created_in=s)
            make_action(pair, text=f"old{i}", status="done", due_on=days(-i))
    assert NextAction.objects.count() > 150
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse("home")).status_code == 200
