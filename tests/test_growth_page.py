"""My growth: each person sees their own learning, teaching and questions, nobody else's."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from sessions.models import Goal
from tests.factories import make_action, make_pair, make_participant, make_program, make_session
from tests.health_data import NOW, health_settings, side  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    with time_machine.travel(NOW, tick=False):
        first = make_session(world.pair, when=NOW - datetime.timedelta(days=20))
        side(
            first,
            "mentor",
            learned="Mentor learned Figma shortcuts",
            shared="Mentor taught SQL joins",
            questions="Mentor asked how design reviews work",
            private_note="MENTOR-PRIVATE",
            unsure="MENTOR-UNSURE",
        )
        side(
            first,
            "mentee",
            learned="Mentee learned <b>window functions</b>",
            shared="Mentee taught auto layout",
            questions="Mentee asked about query plans",
            private_note="MENTEE-PRIVATE",
            unsure="MENTEE-UNSURE",
        )
        second = make_session(world.pair, when=NOW - datetime.timedelta(days=6))
        side(second, "mentee", learned="", shared="", questions="", private_note="P2")
        # Sessions that did not happen do not count.
        cancelled = make_session(world.pair, when=NOW - datetime.timedelta(days=3))
        cancelled.status = "cancelled"
        cancelled.save()
        side(cancelled, "mentee", learned="CANCELLED-LEARNING")
        for text, owner, days_ago in (
            ("Mentee read the Postgres docs", "mentee", 5),
            ("Both tried pairing", "both", 4),
            ("Mentor shared a template", "mentor", 4),
        ):
            done_at = NOW - datetime.timedelta(days=days_ago)
            make_action(world.pair, text=text, owner=owner, status="done", done_at=done_at)
        make_action(world.pair, text="Mentee open action", owner="mentee")
    return world


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("health:growth"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_mentee_sees_own_growth_and_partner_questions_only(client, history):
    client.force_login(history.mentee.user)
    html = client.get(reverse("health:growth")).content.decode()
    assert "Mentored by Maya Mentor" in html
    assert "Mentee learned &lt;b&gt;window functions&lt;/b&gt;" in html  # escaped, not HTML
    assert "Mentee taught auto layout" in html
    assert "Mentee asked about query plans" in html
    assert "Mentor asked how design reviews work" in html  # what I was asked
    assert "Mentee read the Postgres docs" in html and "Both tried pairing" in html
    for hidden in (
        "Mentor learned Figma shortcuts",  # the partner's learning is theirs
        "Mentor taught SQL joins",
        "Mentor shared a template",  # the partner's action
        "Mentee open action",
        "PRIVATE",
        "UNSURE",
        "CANCELLED-LEARNING",
    ):
        assert hidden not in html
    totals = {
        k: html.split(f'data-total="{k}">')[1].split("<")[0]
        for k in ("learned", "taught", "asked", "was_asked", "actions_done", "sessions")
    }
    assert totals == {
        "learned": "1", "taught": "1", "asked": "1", "was_asked": "1",
        "actions_done": "2", "sessions": "2",
    }  # fmt: skip


def test_mentor_sees_the_mirror_image(client, history):
    client.force_login(history.mentor.user)
    html = client.get(reverse("health:growth")).content.decode()
    assert "Mentoring Theo Mentee" in html
    assert "Mentor learned Figma shortcuts" in html
    assert "Mentee asked about query plans" in html
    assert "Mentor shared a template" in html and "Both tried pairing" in html
    assert "Mentee learned" not in html and "Mentee read the Postgres docs" not in html
    assert "PRIVATE" not in html


@pytest.mark.parametrize("persona", ["program_admin", "other_participant", "stranger"])
def test_others_see_nothing_of_the_pair(client, history, persona):
    client.force_login(history.personas()[persona])
    html = client.get(reverse("health:growth")).content.decode()
    assert "Nothing here yet" in html
    for text in ("Mentee learned", "Mentor learned", "query plans", "design reviews"):
        assert text not in html


def test_growth_groups_by_program_across_programs(client, history):
    program = make_program("Design guild")
    mentor = make_participant(program, history.mentee.user, role="mentor")
    peer = make_participant(program, role="mentee")
    pair = make_pair(mentor, peer)
    session = make_session(pair, when=NOW - datetime.timedelta(days=2))
    side(session, "mentor", learned="Guild learning", shared="", questions="")
    client.force_login(history.mentee.user)
    html = client.get(reverse("health:growth")).content.decode()
    assert html.index("Design guild") < html.index("Main program")
    assert f"Mentoring {peer.user.name}" in html and "Guild learning" in html


def test_query_count_does_not_grow_with_history(client, history, django_assert_num_queries):
    client.force_login(history.mentee.user)
    # session, user, participations, pairs, sides, actions, goals
    with django_assert_num_queries(7):
        client.get(reverse("health:growth"))
    for day in range(10):
        s = make_session(history.pair, when=NOW - datetime.timedelta(days=30 + day))
        side(s, "mentee")
        side(s, "mentor")
        goal = Goal.objects.create(pair=history.pair, owner=history.mentee.user, side="mentee",
                                   text=f"MY-GOAL-{day}", target_on=NOW.date())  # fmt: skip
        make_action(history.pair, owner="both", status="done", done_at=NOW, goal=goal)
    with django_assert_num_queries(7):
        html = client.get(reverse("health:growth")).content.decode()
    assert html.count("SECRET-LEARNED-MENTEE") == 10
    assert html.count("MY-GOAL-") == 10 and "1/1 actions done" in html
