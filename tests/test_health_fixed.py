"""Program health's fixed figures read in one statement (prepared sections, open actions
and check-ins from the rollups on PostgreSQL) equal the ORM's aggregates, one query each,
and the open actions counted from their rows (count_fixed), on seeded random programs, for
ranges in zones whose midnight cuts UTC days; the stalled pairs' prepared query equals the
ORM's."""

import datetime
import random
import zoneinfo

import pytest
from django.utils import timezone

from checkins.models import CheckIn
from insights import figures, ranges, stalled
from mentorship.models import Participant
from pairs.models import Pair
from sessions import cadence
from sessions.models import AgendaItem, Goal, NextAction, Session
from tests.factories import make_pair, make_participant, make_program, make_user

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
ZONES = ("UTC", "Pacific/Auckland", "America/Los_Angeles")


def moment(rng):
    """Some moment in the last 60 days or the next 5, often near a midnight."""
    day = NOW + datetime.timedelta(days=rng.randint(-60, 5))
    base = day.replace(hour=rng.choice([0, 11, 23]), minute=0)
    return base + datetime.timedelta(minutes=rng.randint(-70, 70))


def random_program(rng):
    program = make_program()
    people = [
        make_participant(
            program,
            role=rng.choice(list(Participant.Role.values)),
            status=rng.choice(list(Participant.Status.values)),
        )
        for _ in range(14)
    ]
    pairs = []
    for n in range(8):
        mentor, mentee = people[n], people[n + 6]  # each (mentor, mentee) once
        started = moment(rng).date() if rng.random() < 0.8 else None
        ended = started + datetime.timedelta(days=rng.randint(0, 30)) if started else None
        pair = make_pair(
            mentor,
            mentee,
            status="active" if n % 2 else rng.choice(list(Pair.Status.values)),
            started_on=started,
            ended_on=ended if rng.random() < 0.5 else None,
        )
        Pair.objects.filter(pk=pair.pk).update(created_at=moment(rng))
        pairs.append(pair)
    for pair in pairs:
        author = pair.mentee.user
        for _ in range(rng.randint(0, 3)):
            status = rng.choice(list(Goal.Status.values))
            Goal.objects.create(
                pair=pair, owner=author, side=rng.choice(["mentor", "mentee"]), text="x",
                target_on=NOW.date(), status=status,
                reached_at=moment(rng) if status == Goal.Status.REACHED else None,
            )  # fmt: skip
        for _ in range(rng.randint(0, 3)):
            item = AgendaItem.objects.create(
                pair=pair, author=author, side=rng.choice(["mentor", "mentee"]), text="x"
            )
            AgendaItem.objects.filter(pk=item.pk).update(created_at=moment(rng))
        for n in range(rng.randint(0, 4)):
            answered = rng.random() < 0.7
            CheckIn.objects.create(
                pair=pair, user=make_user(), round=n + 1, due_at=moment(rng),
                answered_at=moment(rng) if answered else None,
                score=rng.randint(1, 5) if answered and rng.random() < 0.9 else None,
                good_fit=rng.choice([True, False, None]), wants_help=rng.random() < 0.3,
            )  # fmt: skip
        for _ in range(rng.randint(0, 3)):
            Session.objects.create(
                pair=pair, occurred_at=moment(rng), status=rng.choice(list(Session.Status.values))
            )
        for _ in range(rng.randint(0, 4)):
            status = rng.choice(list(NextAction.Status.values))
            NextAction.objects.create(
                pair=pair, text="x", owner=rng.choice(["mentor", "mentee", "both"]),
                due_on=moment(rng).date(), status=status,
                done_at=moment(rng) if status == NextAction.Status.DONE else None,
            )  # fmt: skip
    return program


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_single_statement_equals_the_orm_counts(seed):
    rng = random.Random(seed)
    programs = [random_program(rng), random_program(rng)]
    today = NOW.date()
    checked = 0
    for program in programs:
        for zone in ZONES:
            with timezone.override(zoneinfo.ZoneInfo(zone)):
                for start, end in (
                    (today - datetime.timedelta(days=29), today),
                    (today - datetime.timedelta(days=6), today + datetime.timedelta(days=3)),
                    (today - datetime.timedelta(days=400), today),
                ):
                    date_range = ranges.DateRange(start, end)
                    fixed = figures.fixed_figures(program, date_range, today)
                    counted = figures.count_fixed(program, date_range, today)
                    # check-ins: on PostgreSQL from the rollups, with the range's figures
                    _, checkins, series = figures.range_and_checkins(program, date_range, today)
                    assert {"checkins": checkins, **fixed} == counted, (seed, zone, start, end)
                    assert checkins == counted["checkins"], (seed, zone, start, end)
                    weekly, _ = ranges.buckets(date_range)
                    reference = figures.count_checkin_series(program, date_range, weekly)
                    assert series == reference, (seed, zone, start, end)
                    checked += any(checkins.values()) and fixed["goals"]["goals"]
    assert checked  # the random programs had check-ins and goals to count


def test_open_now_from_the_rollups_equals_the_rows(world):
    today = NOW.date()
    for due, status in ((-3, "open"), (0, "open"), (2, "open"), (-1, "done"), (-5, "dropped")):
        NextAction.objects.create(
            pair=world.pair, text="x", owner="mentor", status=status,
            due_on=today + datetime.timedelta(days=due),
            done_at=NOW if status == "done" else None,
        )  # fmt: skip
    assert figures.open_now(world.program, today) == {"open": 3, "overdue": 1}
    assert figures.open_now(world.program, today) == figures._open_now(world.program, today)
    Pair.objects.filter(pk=world.pair.pk).update(status=Pair.Status.ENDED)
    assert figures.open_now(world.program, today) == {"open": 3, "overdue": 0}


@pytest.mark.parametrize("seed", [1, 2])
def test_stalled_pairs_statement_equals_the_orm(seed):
    rng = random.Random(seed)
    programs = [random_program(rng), random_program(rng)]
    found = 0
    for program in programs:
        for zone in ZONES:
            with timezone.override(zoneinfo.ZoneInfo(zone)):
                for days in (-20, 0, 30):
                    now = NOW + datetime.timedelta(days=days)
                    threshold, day = cadence.stalled_threshold(program, now)
                    rows = stalled.stalled_pairs(program, now)
                    assert rows == stalled.count_stalled(program, threshold, day), (zone, days)
                    found += len(rows)
    assert found  # some pairs were stalled


@pytest.mark.parametrize("seed", [4, 5])
def test_sections_equal_a_recount_through_each_rows_pair(seed):
    """Goals and agenda items are counted through the program copied onto them, and matched
    people through the live pairs' two columns: recounted here in Python from every row,
    through each row's pair, as a person would count them."""
    rng = random.Random(seed)
    programs = [random_program(rng), random_program(rng)]
    today = NOW.date()
    date_range = ranges.DateRange(today - datetime.timedelta(days=29), today)
    start, end = date_range.bounds()
    for program in programs:
        fixed = figures.fixed_figures(program, date_range, today)
        goals = [g for g in Goal.objects.select_related("pair") if g.pair.program_id == program.pk]
        reached = [g for g in goals if g.status == Goal.Status.REACHED]
        assert (
            fixed["goals"]["goals"],
            fixed["goals"]["goals_mentor"],
            fixed["goals"]["goals_mentee"],
            fixed["goals"]["reached"],
            fixed["goals"]["reached_in_range"],
        ) == (
            len(goals),
            sum(g.side == "mentor" for g in goals),
            sum(g.side == "mentee" for g in goals),
            len(reached),
            sum(start <= g.reached_at < end for g in reached),
        )
        items = [
            i
            for i in AgendaItem.objects.select_related("pair")
            if i.pair.program_id == program.pk and start <= i.created_at < end
        ]
        assert fixed["agenda"] == {
            "agenda_mentor": sum(i.side == "mentor" for i in items),
            "agenda_mentee": sum(i.side == "mentee" for i in items),
        }
        live = [p for p in Pair.objects.filter(program=program) if p.status in Pair.LIVE]
        in_live = {p.mentor_id for p in live} | {p.mentee_id for p in live}
        active = Participant.objects.filter(program=program, status=Participant.Status.ACTIVE)
        assert fixed["participants"]["matched"] == sum(p.pk in in_live for p in active)
        assert fixed["goals"]["goals"] and live  # the random programs had rows to count
