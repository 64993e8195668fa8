"""mentorship.prepared: a query compiled once gives what its plain QuerySet gives, for any
values, on PostgreSQL and SQLite, in any time zone, and is not compiled again."""

import datetime
import random
from unittest import mock

import pytest
from django.db.models import BigIntegerField, Count, DateField, Q
from django.db.models.functions import TruncDate
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from mentorship.prepared import Param, Prepared, aggregate_row, any_of, prepared
from pairs.models import Pair
from sessions.models import NextAction, Session
from tests.factories import make_action, make_pair, make_participant, make_program, make_session

pytestmark = pytest.mark.django_db
IDS = BigIntegerField()


@prepared
def actions_of_pairs():
    return (
        NextAction.objects.filter(any_of("pair_id", Param("pairs", IDS, many=True)))
        .filter(due_on__lt=Param("before", DateField()))
        .select_related("pair__mentor__user")
        .order_by("due_on", "pk")
    )


def plain_actions_of_pairs(pairs, before):
    return (
        NextAction.objects.filter(pair_id__in=pairs, due_on__lt=before)
        .select_related("pair__mentor__user")
        .order_by("due_on", "pk")
    )


@prepared
def counts_of_pair():
    return aggregate_row(
        NextAction.objects.filter(pair_id=Param("pair", IDS)),
        n=Count("pk"),
        open=Count("pk", filter=Q(status="open")),
    )


@prepared
def session_days():
    # TruncDate writes the current time zone into the SQL: compiled once per zone.
    sessions = Session.objects.filter(pair_id=Param("pair", IDS))
    return (
        sessions.annotate(day=TruncDate("occurred_at")).order_by("pk").values_list("day", flat=True)
    )


@pytest.fixture
def history():
    rng = random.Random(7)
    program = make_program()
    pairs = []
    for _ in range(4):
        mentor = make_participant(program, role="mentor")
        pair = make_pair(mentor, make_participant(program))
        pairs.append(pair)
        for _ in range(rng.randint(0, 6)):
            due = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 60))
            status = rng.choice(["open", "done", "dropped"])
            make_action(
                pair, owner=rng.choice(["mentor", "mentee", "both"]), due_on=due, status=status
            )
        for hour in (1, 12, 23):
            make_session(pair, when=datetime.datetime(2026, 3, 1, hour, tzinfo=datetime.UTC))
    return pairs


def test_rows_equal_the_plain_queryset_for_any_values(history):
    rng = random.Random(11)
    ids = [p.pk for p in history] + [0, 10**9]
    for _ in range(25):
        pairs = rng.sample(ids, rng.randint(0, len(ids)))
        before = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(-5, 70))
        got = actions_of_pairs(pairs=pairs, before=before)
        want = list(plain_actions_of_pairs(pairs, before))
        assert [(a.pk, a.text, a.due_on, a.pair.mentor.user.email) for a in got] == [
            (a.pk, a.text, a.due_on, a.pair.mentor.user.email) for a in want
        ]


def test_aggregate_row_equals_aggregate(history):
    for pair in history:
        want = NextAction.objects.filter(pair=pair).aggregate(
            n=Count("pk"), open=Count("pk", filter=Q(status="open"))
        )
        assert counts_of_pair(pair=pair.pk) == [want]


def test_compiled_once_then_only_bound(history):
    actions_of_pairs(pairs=[history[0].pk], before=datetime.date(2027, 1, 1))
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True) as as_sql:
        got = actions_of_pairs(pairs=[history[1].pk], before=datetime.date(2027, 1, 1))
    assert as_sql.call_count == 0
    assert [a.pk for a in got] == [
        a.pk for a in plain_actions_of_pairs([history[1].pk], datetime.date(2027, 1, 1))
    ]


@pytest.mark.parametrize(
    "zone", ["UTC", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Kiritimati"]
)
def test_time_zone_functions_follow_the_current_zone(history, zone):
    pair = history[0].pk
    with timezone.override(zone):
        want = list(
            Session.objects.filter(pair_id=pair)
            .annotate(day=TruncDate("occurred_at"))
            .order_by("pk")
            .values_list("day", flat=True)
        )
        assert session_days(pair=pair) == want


def test_an_empty_list_matches_nothing(history):
    assert actions_of_pairs(pairs=[], before=datetime.date(2030, 1, 1)) == []


def test_every_prepared_query_of_the_project_compiles():
    import mentorship.urls  # noqa: F401, PLC0415 - imports every app's views, and their queries

    names = {p.__qualname__ for p in Prepared.every}
    assert {"_my_pairs", "_open_actions", "_sides_to_add"} <= names
    for query in Prepared.every:
        compiled = query.compiled()
        assert compiled.sql is None or compiled.sql.lstrip("(").startswith("SELECT"), (
            query.__qualname__
        )


def test_live_pairs_are_unaffected_by_other_programs(history):
    other = make_program()
    stranger = make_pair(make_participant(other, role="mentor"), make_participant(other))
    make_action(stranger, due_on=datetime.date(2026, 1, 2))
    got = actions_of_pairs(pairs=[p.pk for p in history], before=datetime.date(2030, 1, 1))
    assert stranger.pk not in {a.pair_id for a in got}
    assert Pair.objects.count() == 5


@prepared
def actions_by_id():
    ids = Param("pk", IDS)
    below = NextAction.objects.filter(pk__lt=Param("below", IDS)).order_by()
    return NextAction.objects.filter(pk=ids).order_by().union(below, all=True)


@pytest.mark.parametrize("huge", [2**63, 10**30, -(2**64)])
def test_ids_beyond_64_bits_compare_as_the_orm_does(history, huge):
    """A typed-in id past any integer column: no 500, and the comparison keeps its sense."""
    got = sorted(a.pk for a in actions_by_id(pk=huge, below=huge))
    want = sorted(NextAction.objects.filter(pk__lt=huge).values_list("pk", flat=True))
    assert got == want
    assert actions_of_pairs(pairs=[huge], before=datetime.date(2030, 1, 1)) == []


def test_ids_past_32_bits_are_found(history):
    """Ids are bigint columns: a Param of an id is sent as a 64-bit integer."""
    far = make_action(history[0], pk=5_000_000_000, due_on=datetime.date(2026, 1, 1))
    assert [a.pk for a in actions_by_id(pk=far.pk, below=0)] == [far.pk]
    got = actions_of_pairs(pairs=[history[0].pk], before=datetime.date(2026, 1, 2))
    assert far.pk in [a.pk for a in got]
