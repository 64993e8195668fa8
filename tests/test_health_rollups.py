"""Program health's daily rollups equal a recount of the rows after random writes.

A seeded random sequence of creates, edits and deletes of sessions, sides, actions and
check-ins, through the services, model saves, queryset updates and cascades, in two
programs. Every few steps the rollups kept by the triggers must equal a recount from the
rows (`manage.py rebuild_health_rollups`), and the health figures read from them (check-ins
and their score series too) must equal the figures counted from the rows, for ranges in
zones whose midnight cuts UTC days.
"""

import datetime
import random
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from checkins import figures as checkin_figures
from checkins.models import CheckIn
from insights import figures, ranges, rollups
from insights.models import COUNTS, ProgramDay, ProgramDayChange
from pairs.models import Pair
from sessions.models import NextAction, Session, SessionSide
from tests.factories import make_pair, make_participant, make_program, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
ZONES = ("UTC", "Pacific/Auckland", "Asia/Kolkata", "America/Los_Angeles")


@pytest.fixture(autouse=True)
def _postgres_only():
    if not rollups.enabled():
        pytest.skip("rollups are kept on PostgreSQL only")


def snapshot():
    """{(program, day): counts}, day rows plus changes not folded yet, without all-zero
    days (a day emptied keeps its row)."""
    total = {}
    for model in (ProgramDay, ProgramDayChange):
        for p, d, *c in model.objects.values_list("program_id", "day", *COUNTS):
            before = total.get((p, d), (0,) * len(COUNTS))
            total[(p, d)] = tuple(a + b for a, b in zip(before, c, strict=True))
    return {key: c for key, c in total.items() if any(c)}


def moment(rng):
    """Some moment in the last 60 days, often within an hour of a UTC or local midnight."""
    day = NOW - datetime.timedelta(days=rng.randint(0, 60))
    base = day.replace(hour=rng.choice([0, 0, 11, 12, 23, 23]), minute=0)
    return base + datetime.timedelta(minutes=rng.randint(-70, 70))


def text(rng):
    return rng.choice(["", "", "something"])


def answer(rng):
    """A check-in's answer fields: often answered, sometimes unscored, rarely scored but
    unanswered (Avg counts only the answered)."""
    answered = rng.random() < 0.7
    return {
        "answered_at": moment(rng) if answered else None,
        "score": rng.randint(1, 5) if rng.random() < (0.85 if answered else 0.1) else None,
        "good_fit": rng.choice([True, False, None]),
        "wants_help": rng.random() < 0.3,
    }


def checkin_step(rng, pair, checkins):
    kind = rng.randrange(6)
    if kind <= 1 or not checkins:
        user = rng.choice([pair.mentor.user, pair.mentee.user])
        last = CheckIn.objects.filter(pair=pair, user=user).aggregate(n=Max("round"))["n"]
        CheckIn.objects.create(
            pair=pair, user=user, round=(last or 0) + 1, due_at=moment(rng), **answer(rng)
        )
    elif kind == 2:  # answered, re-scored or un-answered through a save
        checkin = rng.choice(checkins)
        for name, value in answer(rng).items():
            setattr(checkin, name, value)
        checkin.save()
    elif kind == 3:  # moved, or one answer field changed, by a queryset update
        checkin = rng.choice(checkins)
        name, value = rng.choice(
            [("due_at", moment(rng)), ("answered_at", moment(rng)), *answer(rng).items()]
        )
        CheckIn.objects.filter(pk=checkin.pk).update(**{name: value})
    elif kind == 4:  # a save that changes nothing counted
        checkin = rng.choice(checkins)
        checkin.learned = text(rng)
        checkin.save()
    else:
        rng.choice(checkins).delete()


def step(rng, pairs):
    pair = rng.choice(pairs)
    sessions = list(Session.objects.filter(pair__in=pairs).order_by("pk"))
    actions = list(NextAction.objects.filter(pair__in=pairs).order_by("pk"))
    sides = list(SessionSide.objects.filter(session__pair__in=pairs).order_by("pk"))
    kind = rng.randrange(20)
    if kind >= 13:
        checkin_step(rng, pair, list(CheckIn.objects.filter(pair__in=pairs).order_by("pk")))
        return
    if kind <= 2 or not sessions:
        Session.objects.create(
            pair=pair,
            occurred_at=moment(rng),
            status=rng.choice(["logged", "logged", "scheduled", "cancelled"]),
        )
    elif kind == 3:
        session = rng.choice(sessions)
        role = rng.choice(["mentor", "mentee"])
        if not SessionSide.objects.filter(session=session, side=role).exists():
            author = session.pair.mentor.user if role == "mentor" else session.pair.mentee.user
            SessionSide.objects.create(
                session=session, side=role, author=author, questions=text(rng),
                learned=text(rng), shared=text(rng),
            )  # fmt: skip
    elif kind == 4 and sides:
        side = rng.choice(sides)
        if rng.random() < 0.5:
            side.questions, side.learned = text(rng), text(rng)
            side.save()
        else:
            SessionSide.objects.filter(pk=side.pk).update(shared=text(rng))
    elif kind == 5:
        session = rng.choice(sessions)
        Session.objects.filter(pk=session.pk).update(
            status=rng.choice(["logged", "scheduled", "cancelled"])
        )
    elif kind == 6:
        session = rng.choice(sessions)
        session.occurred_at = moment(rng)
        session.save()
    elif kind == 7:
        rng.choice(sessions).delete()  # its sides go first (Django's cascade)
    elif kind == 8 or not actions:
        status = rng.choice(["open", "done", "dropped"])
        NextAction.objects.create(
            pair=pair,
            text="x",
            owner=rng.choice(["mentor", "mentee", "both"]),
            due_on=moment(rng).date() + datetime.timedelta(days=rng.randint(-3, 10)),
            status=status,
            done_at=moment(rng) if status == "done" else None,
        )
    elif kind == 9:
        action = rng.choice(actions)
        status = rng.choice(["open", "done", "dropped"])
        NextAction.objects.filter(pk=action.pk).update(
            status=status,
            done_at=moment(rng) if status == "done" else None,
            owner=rng.choice(["mentor", "mentee", "both"]),
        )
    elif kind == 10:
        action = rng.choice(actions)
        action.due_on += datetime.timedelta(days=rng.randint(-5, 5))
        action.save()
    elif kind == 11:  # an ended pair's open actions are no longer overdue
        Pair.objects.filter(pk=pair.pk).update(status=rng.choice(list(Pair.Status.values)))
    else:
        rng.choice(actions).delete()


def assert_figures_match(program):
    """The figures from the rollups equal those from the rows; returns how many ranges had
    check-ins due and answers scored."""
    today = NOW.date()
    found = 0
    for zone in ZONES:
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            for start, end in (
                (today - datetime.timedelta(days=6), today),  # by week
                (today - datetime.timedelta(days=29), today + datetime.timedelta(days=3)),
                (today - datetime.timedelta(days=200), today),  # by month
            ):
                date_range = ranges.DateRange(start, end)
                from_rollups, checkins, series = figures.range_and_checkins(
                    program, date_range, today
                )
                assert from_rollups == figures.range_figures(program, date_range, today)
                counted = figures.recount(program, date_range, today)
                assert from_rollups == counted, (zone, start, end)
                bounds = date_range.bounds()
                assert checkins == checkin_figures.program_figures(program, *bounds), (zone, start)
                weekly = from_rollups[0]
                reference = figures.count_checkin_series(program, date_range, weekly)
                assert series == reference, (zone, start, end)
                found += checkins["invited"] > 0 and any(n for *_, n in series)
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_a_recount_after_random_writes(seed):
    rng = random.Random(seed)
    programs = [make_program(), make_program()]
    pairs = []
    for program in programs:
        for _ in range(2):
            mentor = make_participant(program, make_user(), role="mentor")
            pairs.append(make_pair(mentor, make_participant(program, make_user())))
    with_checkins = 0
    for n in range(1, 161):
        step(rng, pairs)
        if n % 20 == 10:  # the periodic fold, between writes: changes nothing counted
            kept = snapshot()
            rollups.fold()
            assert snapshot() == kept and not ProgramDayChange.objects.exists()
            for program in programs:
                with_checkins += assert_figures_match(program)
        if n % 40 == 0:
            kept = snapshot()
            assert kept, "the triggers counted nothing"
            out = StringIO()
            call_command("rebuild_health_rollups", stdout=out)
            assert snapshot() == kept, f"rollups drifted from a recount after {n} writes"
            for program in programs:
                with_checkins += assert_figures_match(program)
    assert with_checkins > 20  # check-ins were counted, not only zeros compared
    # Deleting a pair cascades its sessions, sides, actions and check-ins out of the counts.
    pairs[0].delete()
    kept = snapshot()
    rollups.rebuild()
    assert snapshot() == kept


def test_rebuild_one_program_leaves_the_others(world):
    Session.objects.create(pair=world.pair, occurred_at=NOW)
    user = world.pair.mentee.user
    CheckIn.objects.create(
        pair=world.pair, user=user, round=1, due_at=NOW, answered_at=NOW, score=4
    )
    other = ProgramDay.objects.create(program=world.other_program, day=NOW.date(), sessions=5)
    rollups.fold()
    ProgramDay.objects.filter(program=world.program).update(sessions=99, checkins_due=7)  # drifted
    call_command("rebuild_health_rollups", "--program", world.program.slug, stdout=StringIO())
    day = ProgramDay.objects.get(program=world.program, day=NOW.date())
    assert (day.sessions, day.checkins_due, day.checkins_score_sum, day.answers_score_sum) == (
        1, 1, 4, 4
    )  # fmt: skip
    other.refresh_from_db()
    assert other.sessions == 5


def test_an_average_from_the_rollups_equals_postgresqls_avg():
    """avg() of integers is their sum divided as numeric, rounded at 16 significant digits:
    its float is not always the float of sum / count, so the rollups redo its division."""
    rng = random.Random(5)
    groups, scores = [], []
    for group in range(300):
        size = rng.choice([1, 2, 3, 7, 12, 40, 333]) if group % 50 else rng.randint(9_999, 60_000)
        groups += [group] * size
        scores += [rng.randint(1, 5) for _ in range(size)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT avg(s), sum(s), count(*) FROM unnest(%s::int[], %s::smallint[]) AS u(g, s)"
            " GROUP BY g",
            [groups, scores],
        )
        rows = cursor.fetchall()
    assert all(figures._numeric_avg(total, n) == average for average, total, n in rows)
    assert any(total / n != float(average) for average, total, n in rows)
    assert figures._numeric_avg(0, 0) is None
