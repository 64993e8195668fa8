"""The figures behind the dashboard, on known data."""

import datetime

import pytest
import time_machine

from insights import figures, ranges, stalled
from tests.factories import make_action, make_pair, make_participant, make_session
from tests.health_data import NOW, health_settings, side  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_stalled_rule_uses_twice_the_cadence_and_the_start_date(world):
    program = world.program  # cadence 14 days: stalled after 28 quiet days
    make_session(world.pair, when=NOW - datetime.timedelta(days=27))
    fresh_start = make_pair(
        make_participant(program, role="mentor"),
        make_participant(program, role="mentee"),
        started_on=TODAY - datetime.timedelta(days=20),
    )
    old_start = make_pair(
        make_participant(program, role="mentor"),
        make_participant(program, role="mentee"),
        started_on=TODAY - datetime.timedelta(days=40),
    )
    long_quiet = make_pair(
        make_participant(program, role="mentor"),
        make_participant(program, role="mentee"),
    )
    make_session(long_quiet, when=NOW - datetime.timedelta(days=29))
    make_session(long_quiet, when=NOW - datetime.timedelta(days=1), status="cancelled")
    paused = make_pair(
        make_participant(program, role="mentor"),
        make_participant(program, role="mentee"),
        status="paused",
        started_on=TODAY - datetime.timedelta(days=90),
    )
    found = stalled.stalled_pairs(program)
    assert [p.pk for p in found] == [old_start.pk, long_quiet.pk]
    assert found[1].last_session == NOW - datetime.timedelta(days=29)
    assert found[0].last_session is None and found[0].mentor_name == old_start.mentor.user.name
    program.cadence_days = 7
    program.save()
    assert {p.pk for p in stalled.stalled_pairs(program)} == {
        world.pair.pk,
        fresh_start.pk,
        old_start.pk,
        long_quiet.pk,
    }
    assert paused.pk not in {p.pk for p in stalled.stalled_pairs(program)}


def test_balance_counts_only_non_empty_fields_by_role(world):
    s1 = make_session(world.pair, when=NOW - datetime.timedelta(days=2))
    side(s1, "mentor", questions="q", learned="", shared="s")
    side(s1, "mentee", questions="q", learned="l", shared="")
    s2 = make_session(world.pair, when=NOW - datetime.timedelta(days=3))
    side(s2, "mentee", questions="", learned="l", shared="")
    outside = make_session(world.pair, when=NOW - datetime.timedelta(days=200))
    side(outside, "mentor")
    rng = ranges.DateRange(TODAY - datetime.timedelta(days=29), TODAY)
    _, _, b, _, _ = figures.range_figures(world.program, rng, TODAY)
    assert (b["questions_mentor"], b["questions_mentee"]) == (1, 1)
    assert (b["learned_mentor"], b["learned_mentee"]) == (0, 2)
    assert (b["shared_mentor"], b["shared_mentee"]) == (1, 0)


def test_actions_completion_overdue_and_done_by_owner(world):
    yesterday = TODAY - datetime.timedelta(days=1)
    make_action(world.pair, owner="mentor", due_on=yesterday, status="done", done_at=NOW)
    make_action(world.pair, owner="mentee", due_on=yesterday)  # overdue
    make_action(world.pair, owner="both", due_on=yesterday, status="dropped")
    make_action(
        world.pair,
        owner="both",
        due_on=TODAY + datetime.timedelta(days=3),
        status="done",
        done_at=NOW,
    )  # done early: counts as came due
    make_action(world.pair, owner="mentee", due_on=TODAY + datetime.timedelta(days=3))  # not yet
    rng = ranges.DateRange(TODAY - datetime.timedelta(days=29), TODAY + datetime.timedelta(days=5))
    _, _, _, a, series = figures.range_figures(world.program, rng, TODAY)
    assert (a["due"], a["due_done"], a["due_dropped"]) == (4, 2, 1)
    assert a["overdue"] == 1 and a["open"] == 2
    assert (a["done_mentor"], a["done_mentee"], a["done_both"]) == (1, 0, 1)
    # By week of due date: three came due last week (one done), one done early this week.
    assert [(start, due, done) for start, _end, due, done in series if due] == [
        (datetime.date(2026, 11, 16), 3, 1),
        (datetime.date(2026, 11, 23), 1, 1),
    ]


def test_participants_matched_ratio(world):
    p = figures.participants_figures(world.program)
    assert (p["active"], p["matched"], p["mentors"], p["mentees"]) == (3, 2, 1, 2)
    assert p["matched_ratio"] == pytest.approx(2 / 3)


def test_sessions_series_by_week_and_month(world):
    for days in (1, 2, 9, 40):
        make_session(world.pair, when=NOW - datetime.timedelta(days=days))
    make_session(world.pair, when=NOW - datetime.timedelta(days=1), status="scheduled")
    weekly, series, *_ = figures.range_figures(
        world.program, ranges.DateRange(TODAY - datetime.timedelta(days=13), TODAY), TODAY
    )
    assert weekly and sum(n for *_, n in series) == 3
    assert series[-1][0] == datetime.date(2026, 11, 16) and series[-1][2] == 2
    weekly, series, *_ = figures.range_figures(
        world.program, ranges.DateRange(datetime.date(2026, 1, 1), TODAY), TODAY
    )
    assert not weekly and len(series) == 11 and series[-1][2] == 3 and series[-2][2] == 1


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, (TODAY - datetime.timedelta(days=89), TODAY)),
        ({"preset": "30"}, (TODAY - datetime.timedelta(days=29), TODAY)),
        ({"preset": "all"}, (datetime.date(2026, 11, 20), TODAY)),
        (
            {"preset": "custom", "start": "2026-10-01", "end": "2026-10-31"},
            (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)),
        ),
        (
            {"start": "2026-10-01", "end": "2026-10-31"},
            (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)),
        ),
    ],
)
def test_range_parsing(world, params, expected):
    world.program.start_date = datetime.date(2026, 11, 20)
    form, rng = ranges.range_from_request(params, world.program)
    assert (rng.start, rng.end) == expected
