"""Program health's daily rollups equal a recount of the rows after random writes.

A seeded random sequence of creates, edits and deletes of sessions, sides and actions,
through the services, model saves, queryset updates and cascades, in two programs. Every
few steps the rollups kept by the triggers must equal a recount from the rows
(`manage.py rebuild_health_rollups`), and the health figures read from them must equal the
figures counted from the rows, for ranges in zones whose midnight cuts UTC days.
"""

import datetime
import random
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

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


def step(rng, pairs):
    pair = rng.choice(pairs)
    sessions = list(Session.objects.filter(pair__in=pairs).order_by("pk"))
    actions = list(NextAction.objects.filter(pair__in=pairs).order_by("pk"))
    sides = list(SessionSide.objects.filter(session__pair__in=pairs).order_by("pk"))
    kind = rng.randrange(13)
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
    today = NOW.date()
    for zone in ZONES:
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            for start, end in (
                (today - datetime.timedelta(days=6), today),
                (today - datetime.timedelta(days=29), today + datetime.timedelta(days=3)),
                (today - datetime.timedelta(days=200), today),
            ):
                date_range = ranges.DateRange(start, end)
                from_rollups = figures.range_figures(program, date_range, today)
                counted = figures.recount(program, date_range, today)
                assert from_rollups == counted, (zone, start, end)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_a_recount_after_random_writes(seed):
    rng = random.Random(seed)
    programs = [make_program(), make_program()]
    pairs = []
    for program in programs:
        for _ in range(2):
            mentor = make_participant(program, make_user(), role="mentor")
            pairs.append(make_pair(mentor, make_participant(program, make_user())))
    for n in range(1, 121):
        step(rng, pairs)
        if n % 20 == 10:  # the periodic fold, between writes: changes nothing counted
            kept = snapshot()
            rollups.fold()
            assert snapshot() == kept and not ProgramDayChange.objects.exists()
            for program in programs:
                assert_figures_match(program)
        if n % 30 == 0:
            kept = snapshot()
            assert kept, "the triggers counted nothing"
            out = StringIO()
            call_command("rebuild_health_rollups", stdout=out)
            assert snapshot() == kept, f"rollups drifted from a recount after {n} writes"
            for program in programs:
                assert_figures_match(program)
    # Deleting a pair cascades its sessions, sides and actions out of the counts.
    pairs[0].delete()
    kept = snapshot()
    rollups.rebuild()
    assert snapshot() == kept


def test_rebuild_one_program_leaves_the_others(world):
    Session.objects.create(pair=world.pair, occurred_at=NOW)
    other = ProgramDay.objects.create(program=world.other_program, day=NOW.date(), sessions=5)
    ProgramDay.objects.filter(program=world.program).update(sessions=99)  # drifted
    call_command("rebuild_health_rollups", "--program", world.program.slug, stdout=StringIO())
    assert ProgramDay.objects.get(program=world.program, day=NOW.date()).sessions == 1
    other.refresh_from_db()
    assert other.sessions == 5
