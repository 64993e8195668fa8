"""Program health: the figures behind the admin dashboard, and their shared cache.

Every figure comes from an aggregate query, so the dashboard costs the same fixed
number of queries whatever the size of the program. Nothing here reads the text of
a note: sides are only counted by whether a field is filled in.
"""

import dataclasses
import datetime
import decimal
import logging

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone

from checkins import figures as checkin_figures
from checkins.models import CheckIn
from insights import rollups
from insights.models import (
    ANSWER_COUNTS,
    CHECKIN_COUNTS,
    COUNTS,
    SIDE_COUNTS,
    ProgramDay,
    ProgramDayChange,
)
from insights.ranges import DAYS_PER_MONTH, DateRange, buckets
from insights.stalled import nudged_today, stalled_pairs
from mentorship.models import Participant
from mentorship.prepared import Param, aggregate_row, any_of, one_row, prepared
from mentorship.timezones import as_local_date
from pairs.models import Pair
from sessions.models import AgendaItem, Goal, NextAction, Session, SessionSide

log = logging.getLogger(__name__)
STALLED_SHOWN = 50  # the dashboard lists this many stalled pairs, the export has them all
STARTED = Pair.STARTED
OWNERS = ("mentor", "mentee", "both")


# --- The figures ----------------------------------------------------------------------------


def _ratio(part, whole):
    return part / whole if whole else None


# The fixed figures, one aggregate each. Each section is written once, as (rows, {column:
# aggregate}) of its values, which are Params in the prepared queries that fixed_figures
# reads in one statement, and plain values in count_fixed, the tests' reference.


def _participants(program):
    # count(status) (never null), not count(id): only (program, status, role) is read, an
    # index-only scan of that index (8,000 participants: 3 -> 2 ms).
    active = Q(status=Participant.Status.ACTIVE)
    return Participant.objects.filter(program=program), {
        "active": Count("status", filter=active),
        "invited": Count("status", filter=Q(status=Participant.Status.INVITED)),
        "mentors": Count("status", filter=active & Q(role__in=Participant.MENTOR_ROLES)),
        "mentees": Count("status", filter=active & Q(role__in=Participant.MENTEE_ROLES)),
    }


def _matched(program):
    """Active participants in a live pair of the program. On PostgreSQL, looked up by id from
    the live pairs' two columns (`id = ANY(ARRAY(...))`: a few hundred index probes), where a
    filter per participant tested all 8,000 of an x10 program against two hashed subqueries
    (5 -> 1.5 ms)."""
    live = Pair.objects.filter(program=program, status__in=Pair.LIVE).order_by()
    if rollups.enabled():
        ids = live.values("mentor_id").union(live.values("mentee_id"), all=True)
        in_live_pair = Q(any_of("pk", ArraySubquery(ids)))
    else:
        in_live_pair = Q(pk__in=live.values("mentor_id")) | Q(pk__in=live.values("mentee_id"))
    rows = Participant.objects.filter(in_live_pair, status=Participant.Status.ACTIVE)
    return rows, {"matched": Count("*")}


def participants_figures(program):
    rows, counts = _participants(program)
    row = rows.aggregate(**counts)
    rows, counts = _matched(program)
    return _with_matched_ratio({**row, **rows.aggregate(**counts)})


def _with_matched_ratio(row):
    row["matched_ratio"] = _ratio(row["matched"], row["active"])
    return row


def _pairs(program, start_day, end_day, end):
    overlapping = (
        Q(status__in=STARTED)
        & (Q(started_on__lte=end_day) | Q(started_on__isnull=True, created_at__lt=end))
        & (Q(ended_on__isnull=True) | Q(ended_on__gte=start_day))
    )
    counts = {f"status_{s}": Count("pk", filter=Q(status=s)) for s in Pair.Status.values}
    return Pair.objects.filter(program=program), {
        "total": Count("pk"),
        "overlapping": Count("pk", filter=overlapping),
        **counts,
    }


def pair_figures(program, date_range):
    rows, counts = _pairs(program, date_range.start, date_range.end, date_range.bounds()[1])
    return rows.aggregate(**counts)


# --- Where the figures come from -------------------------------------------------------------
#
# On PostgreSQL the range figures (sessions, balance, actions that came due or were done,
# check-ins due and answers' scores) are read from insights_programday, per-program daily
# rollups kept by triggers (rollups.py). A rollup day is a UTC day; the range and its
# buckets are the viewer's local days. So a UTC
# day that lies wholly inside one bucket is read from its rollup row, and a UTC day that a
# local midnight cuts (a bucket's or the range's edge; none when the viewer is on UTC) is
# counted from its rows, through the same indexes, bounded to that day. Elsewhere, and as
# the reference the rollups are tested against, every figure is counted from the rows.


@dataclasses.dataclass
class _Days:
    """How a range and its buckets cut UTC days."""

    start: datetime.datetime  # the range [start, end) as aware moments
    end: datetime.datetime
    cut: set  # UTC days a local midnight cuts, counted from rows

    def pieces(self, field, edges_only=False):
        """A filter on `field` for the parts of the cut days inside the range."""
        days = self.edge_days if edges_only else self.cut
        q = Q(pk__in=[])
        for day in sorted(days):
            lo = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
            lo, hi = max(lo, self.start), min(lo + ONE_DAY, self.end)
            if lo < hi:
                q |= Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
        return q

    @property
    def edge_days(self):
        edges = {self.start.astimezone(datetime.UTC), self.end.astimezone(datetime.UTC)}
        return {m.date() for m in edges if m.time() != datetime.time.min}


ONE_DAY = datetime.timedelta(days=1)


def _days(date_range, spans):
    tz = timezone.get_current_timezone()
    start, end = date_range.bounds()
    firsts = [max(a, date_range.start) for a, _ in spans]
    cut = set()
    for day in [*firsts, date_range.end + ONE_DAY]:
        moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
        moment = moment.astimezone(datetime.UTC)
        if moment.time() != datetime.time.min:
            cut.add(moment.date())
    return _Days(start, end, cut)


def _logged_sessions(program, when):
    return Session.objects.filter(when, program=program, status=Session.Status.LOGGED)


def _count_sessions(program, weekly, when):
    """{bucket start: logged sessions} for the sessions matching `when`."""
    trunc = TruncWeek if weekly else TruncMonth
    rows = (
        _logged_sessions(program, when)
        .annotate(bucket=trunc("occurred_at"))
        .values("bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )  # session_program_time
    return {as_local_date(r["bucket"]): r["n"] for r in rows}


def _count_sides(program, when):
    """Sides of logged sessions matching `when` (a filter on the session's time), by role
    and by what they brought."""
    counts = {}
    for side in ("mentor", "mentee"):
        by_side = Q(side=side)
        counts[f"sides_{side}"] = Count("pk", filter=by_side)
        counts[f"questions_{side}"] = Count("pk", filter=by_side & ~Q(questions=""))
        counts[f"learned_{side}"] = Count("pk", filter=by_side & ~Q(learned=""))
        counts[f"shared_{side}"] = Count("pk", filter=by_side & ~Q(shared=""))
    return SessionSide.objects.filter(
        session__in=_logged_sessions(program, when).values("pk")
    ).aggregate(**counts)


def _agenda(program, start, end):
    """Questions brought before the session: agenda items added in the range, by side
    (its own index, not the rollups)."""
    rows = AgendaItem.objects.filter(program=program, created_at__gte=start, created_at__lt=end)
    return rows, {
        "agenda_mentor": Count("pk", filter=Q(side="mentor")),
        "agenda_mentee": Count("pk", filter=Q(side="mentee")),
    }


def agenda_figures(program, date_range):
    rows, counts = _agenda(program, *date_range.bounds())
    return rows.aggregate(**counts)


def _live_pairs(program):
    """Live pairs and how many have goals set (a goal's text is never read)."""
    with_goals = Exists(Goal.objects.filter(pair=OuterRef("pk")))
    return Pair.objects.filter(program=program, status__in=Pair.LIVE), {
        "live_pairs": Count("pk"),
        "pairs_with_goals": Count("pk", filter=with_goals),
    }


def _goals(program, start, end):
    """Goals by side, goals reached (all time, and within the range)."""
    # count(side) (never null), not count(id): read from the goal_program index alone.
    reached = Q(status=Goal.Status.REACHED)
    return Goal.objects.filter(program=program), {
        "goals": Count("side"),
        "goals_mentor": Count("side", filter=Q(side="mentor")),
        "goals_mentee": Count("side", filter=Q(side="mentee")),
        "reached": Count("side", filter=reached),
        "reached_in_range": Count(
            "side", filter=reached & Q(reached_at__gte=start, reached_at__lt=end)
        ),
    }


def goal_figures(program, date_range):
    rows, counts = _live_pairs(program)
    row = rows.aggregate(**counts)
    rows, counts = _goals(program, *date_range.bounds())
    row.update(rows.aggregate(**counts))
    return _with_goals_ratio(row)


def _with_goals_ratio(row):
    row["with_goals_ratio"] = _ratio(row["pairs_with_goals"], row["live_pairs"])
    return row


def _in_range(field, date_range):
    start, end = date_range.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _count_came_due(program, date_range, today, weekly):
    """{bucket start: (came due, done)} and the due figures, from the actions' rows."""
    trunc = TruncWeek if weekly else TruncMonth
    status = NextAction.Status
    rows = (
        NextAction.objects.filter(
            program=program, due_on__gte=date_range.start, due_on__lte=date_range.end
        )
        .filter(Q(due_on__lte=today) | Q(status=status.DONE))
        .annotate(bucket=trunc("due_on"))
        .values("bucket", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )  # action_program_due
    figures, by_bucket = {"due": 0, "due_done": 0, "due_dropped": 0}, {}
    for row in rows:
        n, day = row["n"], as_local_date(row["bucket"])
        done = n if row["status"] == status.DONE else 0
        figures["due"] += n
        figures["due_done"] += done
        figures["due_dropped"] += n if row["status"] == status.DROPPED else 0
        due_before, done_before = by_bucket.get(day, (0, 0))
        by_bucket[day] = (due_before + n, done_before + done)
    return figures, by_bucket


def _count_done(program, when):
    """{owner: actions done} for the actions whose done_at matches `when`."""
    rows = (
        NextAction.objects.filter(when, program=program, status=NextAction.Status.DONE)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by()
    )  # action_program_done
    return {row["owner"]: row["n"] for row in rows}


def _open_actions(program, today):
    """Open and overdue actions now, counted from the rows: index-only over the program's
    open actions (action_program_open_pair)."""
    return NextAction.objects.filter(program=program, status=NextAction.Status.OPEN), {
        "open": Count("*"),
        "overdue": Count("due_on", filter=NextAction.overdue_q(today, program)),
    }


def _open_now(program, today):
    rows, counts = _open_actions(program, today)
    return rows.aggregate(**counts)


# On PostgreSQL, open actions are the due_open rollups over all the program's days (every
# action has a program and a due day; days folded and changes not yet folded), and overdue
# ones are read from the program's live pairs (NextAction.overdue_q), an index range each:
# most of a program's open actions are ended pairs', never overdue.


def _open_days(program):
    return ProgramDay.objects.filter(program=program), {"open": Coalesce(Sum("due_open"), 0)}


def _open_changes(program):
    changes = ProgramDayChange.objects.filter(program=program)
    return changes, {"open_changes": Coalesce(Sum("due_open"), 0)}


def _overdue(program, today):
    # count(*): index-only over (pair, status, due_on) for each live pair (3.5 -> 1.5 ms).
    return NextAction.objects.filter(NextAction.overdue_q(today, program)), {"overdue": Count("*")}


def _open_sections():
    if rollups.enabled():
        return {"open": _OPEN_DAYS, "open_changes": _OPEN_CHANGES, "overdue": _OVERDUE}
    return {"open_now": _OPEN_NOW}


def _open_from(row):
    if "open_now" in row:
        return row["open_now"]
    return {
        "open": row["open"]["open"] + row["open_changes"]["open_changes"],
        "overdue": row["overdue"]["overdue"],
    }


def open_now(program, today):
    """Open and overdue actions now: on PostgreSQL from the rollups, else from the rows."""
    return _open_from(one_row(_open_sections(), {"program": program.pk, "today": today}))


# --- The fixed figures in one statement -----------------------------------------------------
#
# The sections above as prepared queries (mentorship.prepared): compiled once per process,
# read in one SELECT of one-row subqueries, one round trip and no ORM to build and compile
# a dozen queries on every request (about 1 ms of CPU each).


def _prepared(section, *params):
    """section(*params), its values Params, as a prepared one-row query."""

    def build():
        rows, counts = section(*params)
        return aggregate_row(rows, **counts)

    build.__name__ = build.__qualname__ = section.__name__
    return prepared(build)


_PROGRAM = Param("program", BigIntegerField())
_START, _END = Param("start", DateTimeField()), Param("end", DateTimeField())
_TODAY = Param("today", DateField())
_OPEN_NOW = _prepared(_open_actions, _PROGRAM, _TODAY)
_OPEN_DAYS = _prepared(_open_days, _PROGRAM)
_OPEN_CHANGES = _prepared(_open_changes, _PROGRAM)
_OVERDUE = _prepared(_overdue, _PROGRAM, _TODAY)
_FIXED = {
    "participants": _prepared(_participants, _PROGRAM),
    "matched": _prepared(_matched, _PROGRAM),
    "pairs": _prepared(
        _pairs, _PROGRAM, Param("start_day", DateField()), Param("end_day", DateField()), _END
    ),
    "agenda": _prepared(_agenda, _PROGRAM, _START, _END),
    "live_pairs": _prepared(_live_pairs, _PROGRAM),
    "goals": _prepared(_goals, _PROGRAM, _START, _END),
}
_CHECKINS = _prepared(checkin_figures.due_checkins, _PROGRAM, _START, _END)


def _checkin_sections():
    # On PostgreSQL the due check-ins are read from the rollups, with the range's figures.
    return {} if rollups.enabled() else {"checkins": _CHECKINS}


def fixed_figures(program, date_range, today):
    """{participants, pairs, agenda, goals, open_now, and checkins but on PostgreSQL}: the
    figures that are one aggregate each, in one statement."""
    start, end = date_range.bounds()
    values = {
        "program": program.pk,
        "start": start,
        "end": end,
        "start_day": date_range.start,
        "end_day": date_range.end,
        "today": today,
    }
    row = one_row({**_FIXED, **_open_sections(), **_checkin_sections()}, values)
    return {
        "participants": _with_matched_ratio({**row["participants"], **row["matched"]}),
        "pairs": row["pairs"],
        "agenda": row["agenda"],
        "goals": _with_goals_ratio({**row["live_pairs"], **row["goals"]}),
        "open_now": _open_from(row),
        **{k: checkin_figures.with_shares(row[k]) for k in _checkin_sections()},
    }


def count_fixed(program, date_range, today):
    """fixed_figures from the same sections as plain ORM aggregates, one query each, and
    open actions from their rows (the tests' reference)."""
    start, end = date_range.bounds()
    return {
        "participants": participants_figures(program),
        "pairs": pair_figures(program, date_range),
        "agenda": agenda_figures(program, date_range),
        "goals": goal_figures(program, date_range),
        "checkins": checkin_figures.program_figures(program, start, end),
        "open_now": _open_now(program, today),
    }


def range_figures(program, date_range, today, open_actions=None):
    """(weekly, sessions, balance, actions, completion): everything the range decides.

    sessions: [(start, end, logged)]; balance: sides by role and what they brought;
    actions: due / due_done / due_dropped (came due in the range: due by today, or already
    done), open and overdue (now), done_mentor / done_mentee / done_both (done within the
    range, by owner); completion: [(start, end, came due, done)] by due date.
    open_actions: open_now's figures when the caller read them already.
    """
    if rollups.enabled():
        return _from_rollups(program, date_range, today, open_actions)[0]
    return recount(program, date_range, today, open_actions)


def range_and_checkins(program, date_range, today, open_actions=None, checkins=None):
    """(range_figures, checkins, checkin series): the check-ins due in the range (due_checkins'
    figures with their shares), and (start, end, average score, answers) per bucket of the
    scored answers given in it, average None where nobody answered. On PostgreSQL all from
    the rollups' two statements; elsewhere from the rows (`checkins`: fixed_figures')."""
    if rollups.enabled():
        return _from_rollups(program, date_range, today, open_actions)
    found = recount(program, date_range, today, open_actions)
    if checkins is None:
        checkins = checkin_figures.program_figures(program, *date_range.bounds())
    return found, checkins, count_checkin_series(program, date_range, found[0])


def recount(program, date_range, today, open_actions=None):
    """range_figures counted from the rows (any database; the rollups' reference)."""
    weekly, spans = buckets(date_range)
    logged = _count_sessions(program, weekly, _in_range("occurred_at", date_range))
    balance = _count_sides(program, _in_range("occurred_at", date_range))
    actions, by_bucket = _count_came_due(program, date_range, today, weekly)
    done = _count_done(program, _in_range("done_at", date_range))
    actions.update(open_actions or _open_now(program, today))
    return _assemble(spans, weekly, logged, balance, actions, by_bucket, done)


# The rollups' two aggregates (PostgreSQL), each over the day rows and the changes not
# folded yet. A UTC day's rollup goes to the bucket its start (a moment) falls in, found
# by width_bucket among the buckets' first moments (_edges: as a truncation of its local
# time would, without a time zone conversion per row); an action's due day goes to the
# bucket its week or month starts on.
_ROLLUP_COLUMNS = ", ".join(("program_id", "day", *COUNTS))
_ROLLUP_DAYS = f"""
SELECT {{bucket}} AS bucket, {{sums}} FROM (
    SELECT {_ROLLUP_COLUMNS} FROM {rollups.TABLE}
    UNION ALL SELECT {_ROLLUP_COLUMNS} FROM {rollups.CHANGES}
) d WHERE program_id = %(program)s AND day >= %(first)s AND day <= %(last)s
GROUP BY {{keys}}
"""  # noqa: S608 - built from constants only
# By bucket, the cut days grouped apart (a second key: one test per row, where a FILTER on
# each sum cost a ten-year range 30 ms, not 10, for a viewer off UTC): their sessions, sides
# and answers are counted from their rows; the range's totals (done actions, check-ins due)
# take them whole.
_BY_DAY_COUNTS = (
    "sessions",
    *SIDE_COUNTS,
    *ANSWER_COUNTS,
    *CHECKIN_COUNTS,
    *(f"done_{o}" for o in OWNERS),
)
_BY_DAY_SQL = _ROLLUP_DAYS.format(
    bucket="width_bucket(day::timestamptz, %(edges)s::timestamptz[]) - 1",
    sums=f"day = ANY(%(cut)s), {', '.join(f'sum({n})' for n in _BY_DAY_COUNTS)}",
    keys="1, 2",
)
# Due by today: every status came due; later only the done.
_BY_DUE_SQL = _ROLLUP_DAYS.format(
    bucket="DATE_TRUNC(%(unit)s, day)::date",
    sums="sum(due_done), sum(due_open) FILTER (WHERE day <= %(today)s),"
    " sum(due_dropped) FILTER (WHERE day <= %(today)s)",
    keys="1",
)


def _edges(spans):
    """The buckets' first moments: their first days' local midnights."""
    tz = timezone.get_current_timezone()
    return [datetime.datetime.combine(a, datetime.time.min, tzinfo=tz) for a, _ in spans]


def _from_rollups(program, date_range, today, open_actions=None):
    """range_and_checkins from the rollups: two aggregates over at most ten years of day
    rows and the changes not folded yet (UNION ALL), summed by bucket in the database, and
    the cut days from their rows. Plain SQL: the ORM took longer to build them than
    PostgreSQL to run them."""
    weekly, spans = buckets(date_range)
    days = _days(date_range, spans)
    start_utc = days.start.astimezone(datetime.UTC)  # whole UTC days: from the first
    first_full = (
        start_utc.date() if start_utc.time() == datetime.time.min else start_utc.date() + ONE_DAY
    )
    last_full = days.end.astimezone(datetime.UTC).date() - ONE_DAY  # its midnight ends a day
    params = {
        "program": program.pk,
        "unit": "week" if weekly else "month",
        "edges": _edges(spans),
        "cut": sorted(days.cut),
        "today": today,
    }
    with connection.cursor() as cursor:
        cursor.execute(_BY_DAY_SQL, {**params, "first": first_full, "last": last_full})
        by_day = cursor.fetchall()
        cursor.execute(_BY_DUE_SQL, {**params, "first": date_range.start, "last": date_range.end})
        by_due = cursor.fetchall()
    logged, balance = {}, dict.fromkeys(SIDE_COUNTS, 0)
    done, due_checkins = dict.fromkeys(OWNERS, 0), dict.fromkeys(CHECKIN_COUNTS, 0)
    answers = {}  # bucket start: (scored answers, their score sum)
    for i, cut, *sums in by_day:
        row = dict(zip(_BY_DAY_COUNTS, sums, strict=True))
        for owner in done:
            done[owner] += row[f"done_{owner}"]
        for name in due_checkins:
            due_checkins[name] += row[name]
        if cut:
            continue
        start = spans[i][0]
        logged[start] = logged.get(start, 0) + row["sessions"]
        for name in balance:
            balance[name] += row[name]
        _add_answers(answers, start, row["answers_scored"], row["answers_score_sum"])
    actions = {"due": 0, "due_done": 0, "due_dropped": 0}
    by_bucket = {}
    for start, done_n, open_n, dropped_n in by_due:
        done_n, open_n, dropped_n = done_n or 0, open_n or 0, dropped_n or 0
        came_due = done_n + open_n + dropped_n
        actions["due"] += came_due
        actions["due_done"] += done_n
        actions["due_dropped"] += dropped_n
        due_before, done_before = by_bucket.get(start, (0, 0))
        by_bucket[start] = (due_before + came_due, done_before + done_n)
    if days.cut:  # the UTC days a local midnight cuts: from their rows
        for start, n in _count_sessions(program, weekly, days.pieces("occurred_at")).items():
            logged[start] = logged.get(start, 0) + n
        for name, n in _count_sides(program, days.pieces("occurred_at")).items():
            balance[name] += n
        rows = _count_checkins(
            program, weekly, days.pieces("due_at", edges_only=True), days.pieces("answered_at")
        )
        for row in rows:
            for name in due_checkins:
                due_checkins[name] += row[name] or 0
            if row["answers"]:
                start = as_local_date(row["bucket"])
                _add_answers(answers, start, row["answers"], row["score_sum"])
    if days.edge_days:
        for owner, n in _count_done(program, days.pieces("done_at", edges_only=True)).items():
            done[owner] += n
    actions.update(open_actions or open_now(program, today))
    found = _assemble(spans, weekly, logged, balance, actions, by_bucket, done)
    series = [(a, b, *_answers_point(*answers.get(a, (0, 0)))) for a, b in spans]
    return found, _checkin_figures(due_checkins), series


def _add_answers(answers, start, n, total):
    if n:
        before_n, before_total = answers.get(start, (0, 0))
        answers[start] = (before_n + n, before_total + total)


def _answers_point(n, total):
    return (float(_numeric_avg(total, n)), n) if n else (None, 0)


def _checkin_figures(due):
    """due_checkins' figures (with shares) from the rollups' CHECKIN_COUNTS."""
    return checkin_figures.with_shares(
        {
            "invited": due["checkins_due"],
            "answered": due["checkins_answered"],
            "average": _numeric_avg(due["checkins_score_sum"], due["checkins_scored"]),
            "not_fit": due["checkins_not_fit"],
            "fit_answered": due["checkins_fit_answered"],
            "help": due["checkins_help"],
        }
    )


def _numeric_avg(total, n):
    """total / n as PostgreSQL's avg() of integers gives it (numeric division of the sum by
    the count), so an average from the rollups equals Avg's to the last bit (the float of
    the exact quotient differs in about one case in twenty): rounded half away from zero at
    the scale PostgreSQL's select_div_scale picks, 16 decimal digits past the quotient's
    estimated first base-10,000 digit. None when n is 0."""
    if not n:
        return None
    (w1, d1), (w2, d2) = _first_digit(total), _first_digit(n)
    scale = min(max(16 - 4 * (w1 - w2 - (d1 <= d2)), 0), 1000)
    q, r = divmod(total * 10**scale, n)
    return decimal.Decimal(f"{q + (2 * r >= n)}E-{scale}")


def _first_digit(n):
    """(weight, value) of a non-negative integer's first base-10,000 digit (PostgreSQL's
    numeric digits; (0, 0) for zero)."""
    weight = 0
    while n >= 10_000:
        n //= 10_000
        weight += 1
    return weight, n


def _count_checkins(program, weekly, due, answered):
    """Check-ins from their rows, in one query: by bucket of answered_at, the CHECKIN_COUNTS
    of those due when `due` (a filter on due_at) says, and the scored answers given when
    `answered` (a filter on answered_at) says, with their score sum."""
    trunc = TruncWeek if weekly else TruncMonth
    answered_due = due & checkin_figures.ANSWERED
    scored = Q(score__isnull=False)
    return (
        CheckIn.objects.filter(due | answered, program=program)
        .annotate(bucket=trunc("answered_at"))
        .values("bucket")
        .annotate(
            checkins_due=Count("pk", filter=due),
            checkins_answered=Count("pk", filter=answered_due),
            checkins_scored=Count("pk", filter=answered_due & scored),
            checkins_score_sum=Sum("score", filter=answered_due),
            checkins_not_fit=Count("pk", filter=answered_due & Q(good_fit=False)),
            checkins_fit_answered=Count("pk", filter=answered_due & Q(good_fit__isnull=False)),
            checkins_help=Count("pk", filter=answered_due & Q(wants_help=True)),
            answers=Count("pk", filter=answered & scored),
            score_sum=Sum("score", filter=answered & scored),
        )
        .order_by()
    )  # checkin_program_due, checkin_program_answered


def _assemble(spans, weekly, logged, balance, actions, by_bucket, done):
    for owner in ("mentor", "mentee", "both"):
        actions[f"done_{owner}"] = done.get(owner, 0)
    sessions = [(a, b, logged.get(a, 0)) for a, b in spans]
    completion = [(a, b, *by_bucket.get(a, (0, 0))) for a, b in spans]
    return weekly, sessions, balance, actions, completion


def count_checkin_series(program, date_range, weekly):
    """range_and_checkins' series by truncating each answer's local time (any database; the
    reference of the PostgreSQL statement)."""
    start, end = date_range.bounds()
    by_bucket = {
        as_local_date(k): v
        for k, v in checkin_figures.score_series(program, start, end, weekly).items()
    }
    _, spans = buckets(date_range)
    return [(a, b, *by_bucket.get(a, (None, 0))) for a, b in spans]


@dataclasses.dataclass
class Health:
    program: object
    date_range: DateRange
    participants: dict
    pairs: dict
    weekly: bool
    sessions: list  # (start, end, logged)
    sessions_total: int
    sessions_per_pair_month: float | None
    expected_per_pair_month: float
    actions: dict
    completion: list  # (start, end, due, done)
    completion_ratio: float | None
    balance: dict
    goals: dict
    stalled: list
    stalled_count: int
    nudged: set
    computed_at: datetime.datetime | None = None
    # Check-ins (checkins.figures): counts and averages only, never text.
    checkins: dict = dataclasses.field(default_factory=dict)
    checkin_scores: list = dataclasses.field(default_factory=list)  # (start, end, avg, n)

    @property
    def pace_ratio(self):
        return _ratio(self.sessions_per_pair_month or 0, self.expected_per_pair_month)

    @property
    def pace_ok(self):
        return self.pace_ratio is not None and self.pace_ratio >= 0.75

    @property
    def empty(self):
        return not self.pairs["total"] and not self.participants["active"]


def cache_seconds():
    return getattr(settings, "HEALTH_CACHE_SECONDS", 60)


def cached_program_health(program, date_range, now=None):
    """program_health, shared for a minute by every admin asking for the same range.

    The figures are aggregates over the whole program: recomputing them on every
    request of every admin would cost the database the same work over and over. Only
    which stalled pairs were nudged today is always read fresh (one query).
    """
    now = now or timezone.now()
    seconds = cache_seconds()
    if seconds <= 0:
        return program_health(program, date_range, now)
    key = ":".join(
        str(part)
        for part in (
            "health:v2",
            program.pk,
            program.cadence_days,
            date_range.start,
            date_range.end,
            timezone.get_current_timezone_name(),
            timezone.localdate(now),
        )
    )
    try:
        result = cache.get(key)
    except Exception:  # a dead cache server must not break the page: compute instead
        log.warning("Health cache unavailable; computing the figures", exc_info=True)
        result, seconds = None, 0
    if result is None:
        result = program_health(program, date_range, now, with_nudged=False)
        if seconds:
            try:
                cache.set(key, result, seconds)
            except Exception:
                log.warning("Health cache unavailable; figures not kept", exc_info=True)
    result.nudged = nudged_today(result.stalled, timezone.localdate(now))
    return result


def program_health(program, date_range, now=None, with_nudged=True):
    """Everything the dashboard shows: a fixed number of queries (on PostgreSQL: one for
    the fixed figures, two from the rollups, a few more when the viewer's midnight cuts UTC
    days), and one more if any pair is stalled."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    fixed = fixed_figures(program, date_range, today)
    participants, pairs, goals = fixed["participants"], fixed["pairs"], fixed["goals"]
    found, checkins, checkin_scores = range_and_checkins(
        program, date_range, today, fixed["open_now"], fixed.get("checkins")
    )
    weekly, sessions, balance, actions, completion = found
    total = sum(n for _, _, n in sessions)
    pair_months = pairs["overlapping"] * date_range.months
    balance = {**balance, **fixed["agenda"]}
    stalled = stalled_pairs(program, now)
    shown = stalled[:STALLED_SHOWN]
    return Health(
        program=program,
        date_range=date_range,
        participants=participants,
        pairs=pairs,
        weekly=weekly,
        sessions=sessions,
        sessions_total=total,
        sessions_per_pair_month=(total / pair_months) if pair_months else None,
        expected_per_pair_month=DAYS_PER_MONTH / program.cadence_days,
        actions=actions,
        completion=completion,
        completion_ratio=_ratio(actions["due_done"], actions["due"]),
        balance=balance,
        goals=goals,
        stalled=shown,
        stalled_count=len(stalled),
        nudged=nudged_today(shown, today) if with_nudged else set(),
        computed_at=now,
        checkins=checkins,
        checkin_scores=checkin_scores,
    )


def active_pair_or_none(program, pair_id):
    """The pair if it belongs to the program and is active (nudging makes sense)."""
    return (
        Pair.objects.filter(program=program, pk=pair_id, status=Pair.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .first()
    )
