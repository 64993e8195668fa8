"""The pair page: timeline side by side, balance line, privacy per persona, fixed queries."""

import datetime
import re

import pytest
from django.urls import reverse

from sessions import actions
from sessions.models import AgendaItem, Agreement, Goal, Milestone, Session, SessionSide
from sessions.timeline import PAGE_SIZE
from tests.factories import make_action, make_session
from tests.sessions_helpers import NOW, each_persona, frozen  # noqa: F401

pytestmark = pytest.mark.django_db


def history(world, n):
    """n logged sessions with both sides and an action each; returns the latest."""
    session = None
    for i in range(n):
        session = make_session(
            world.pair,
            when=NOW - datetime.timedelta(days=7 * (n - i)),
            topics=f"TOPIC-{i}",
            shared_notes=f"SHARED-NOTE-{i}",
        )
        for role, author, questions in (
            ("mentor", world.mentor.user, "QUESTION-ONE\nQUESTION-TWO"),
            ("mentee", world.mentee.user, "QUESTION-THREE"),
        ):
            SessionSide.objects.create(
                session=session,
                side=role,
                author=author,
                learned=f"{role.upper()}-LEARNED-{i}",
                questions=questions,
                private_note=f"{role.upper()}-PRIVATE-{i}",
            )
        action = make_action(
            world.pair, text=f"ACTION-{i}", created_in=session, due_on=datetime.date(2026, 12, 1)
        )
        if i % 2:
            actions.mark_done(action, world.mentee.user, session=session)
    return session


def url(world, **query):
    base = reverse("sessions:pair", args=[world.pair.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


EXPECTED = {
    "anonymous": 302,
    "mentor": 200,
    "mentee": 200,
    "other_participant": 404,
    "program_admin": 200,
    "other_program_admin": 404,
    "stranger": 404,
    "superuser": 200,
}


def test_each_persona_gets(client, world):
    history(world, 2)
    for name, _user in each_persona(client, world):
        response = client.get(url(world))
        assert response.status_code == EXPECTED[name], name
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))


def test_members_see_both_sides_side_by_side_but_only_their_own_private_note(client, world):
    history(world, 2)
    client.force_login(world.mentee.user)
    html = client.get(url(world)).content.decode()
    assert "SHARED-NOTE-1" in html and "TOPIC-1" in html
    assert html.index("MENTOR-LEARNED-1") < html.index("MENTEE-LEARNED-1")
    assert "MENTEE-PRIVATE-1" in html
    assert "MENTOR-PRIVATE" not in html
    assert "ACTION-1" in html
    assert 'name="occurred_at"' in html  # schedule the next session here
    client.force_login(world.mentor.user)
    html = client.get(url(world)).content.decode()
    assert "MENTOR-PRIVATE-1" in html and "MENTEE-PRIVATE" not in html


@pytest.mark.parametrize("persona", ["admin", "superuser"])
def test_admins_see_dates_counts_and_statuses_never_content(client, world, persona):
    history(world, 2)
    client.force_login(getattr(world, persona))
    html = client.get(url(world)).content.decode()
    for secret in ("SHARED-NOTE", "TOPIC-", "LEARNED", "PRIVATE", "ACTION-", "QUESTION-"):
        assert secret not in html, secret
    assert "2 sessions logged" in html and "1 done" in html and "1 open action" in html
    assert "Mentor&#x27;s side added" in html or "Mentor's side added" in html
    assert reverse("sessions:log", args=[world.pair.pk]) not in html
    assert 'name="occurred_at"' not in html


def test_balance_line_counts_each_person_and_draws_svg_without_inline_styles(client, world):
    history(world, 2)
    client.force_login(world.mentor.user)
    html = client.get(url(world)).content.decode()
    assert "<svg" in html and "<polyline" in html
    assert "style=" not in html

    # One session in October, one in November; the mentee did the November action.
    def cells(month):
        row = html[html.index(f"{month}</th>") :]
        row = row[: row.index("</tr>")]
        return re.findall(r"<td[^>]*>(.*?)</td>", row)

    # agenda, questions, learnings, actions done: mentor/mentee each (no agenda items here)
    assert cells("Nov 2026") == ["0", "0", "2", "1", "1", "1", "0", "1"]
    assert cells("Oct 2026") == ["0", "0", "2", "1", "1", "1", "0", "0"]
    assert cells("Sep 2026") == ["0"] * 8


def test_timeline_is_bounded_with_a_show_older_link(client, world):
    n = PAGE_SIZE + 2
    history(world, n)
    client.force_login(world.mentee.user)
    html = client.get(url(world)).content.decode()
    shown = [i for i in range(n) if f"<strong>Topics</strong> · TOPIC-{i}</p>" in html]
    assert shown == list(range(2, n))
    assert "?page=2" in html
    older = client.get(url(world, page=2)).content.decode()
    shown = [i for i in range(n) if f"<strong>Topics</strong> · TOPIC-{i}</p>" in older]
    assert shown == [0, 1]
    assert "?page=1" in older and "?page=3" not in older


def test_query_count_is_fixed_whatever_the_history(client, world, django_assert_num_queries):
    history(world, 1)
    client.force_login(world.mentee.user)
    client.get(url(world))  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url(world)).status_code == 200
    history(world, 30)
    Session.objects.create(
        pair=world.pair, status="scheduled", occurred_at=NOW + datetime.timedelta(days=3)
    )
    # Goals (with milestones and linked actions), the agreement and the agenda: still fixed.
    for i in range(8):
        for member, side in ((world.mentee.user, "mentee"), (world.mentor.user, "mentor")):
            goal = Goal.objects.create(
                pair=world.pair,
                owner=member,
                side=side,
                text=f"G{i}",
                target_on=datetime.date(2027, 6, 1),
                shared=i % 2 == 0,
            )
            Milestone.objects.create(goal=goal, text="m", done=True)
            make_action(world.pair, goal=goal)
            AgendaItem.objects.create(pair=world.pair, author=member, side=side, text=f"Q{i}")
    Agreement.objects.create(pair=world.pair, cadence="Every two weeks")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url(world)).status_code == 200
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url(world, page=2)).status_code == 200


def test_upcoming_sessions_and_open_actions_come_in_date_order(client, world):
    # timeline() reads them in the same queries as the page's sessions and actions.
    history(world, 2)
    later = make_session(
        world.pair, when=NOW + datetime.timedelta(days=14), status=Session.Status.SCHEDULED
    )
    sooner = make_session(
        world.pair, when=NOW + datetime.timedelta(days=3), status=Session.Status.SCHEDULED
    )
    past = make_session(
        world.pair, when=NOW - datetime.timedelta(days=3), status=Session.Status.SCHEDULED
    )
    make_action(world.pair, text="OPEN-LATE", due_on=datetime.date(2027, 1, 5))
    make_action(world.pair, text="OPEN-EARLY", due_on=datetime.date(2026, 11, 20))
    client.force_login(world.mentor.user)
    html = client.get(url(world)).content.decode()
    log = reverse("sessions:log", args=[world.pair.pk])
    assert html.index(f"{log}?scheduled={sooner.pk}") < html.index(f"{log}?scheduled={later.pk}")
    assert f"?scheduled={past.pk}" not in html
    open_list = html[html.index('id="open-actions"') :]
    assert (
        open_list.index("OPEN-EARLY") < open_list.index("ACTION-0") < open_list.index("OPEN-LATE")
    )
    assert "ACTION-1" not in open_list[: open_list.index("</section>")]  # done
    client.force_login(world.admin)
    html = client.get(url(world)).content.decode()
    assert "OPEN-EARLY" not in html and f"?scheduled={sooner.pk}" not in html
