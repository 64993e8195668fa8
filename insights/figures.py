"""Program health: the figures behind the admin dashboard, and their shared cache.

Every figure comes from an aggregate query, so the dashboard costs the same fixed
number of queries whatever the size of the program. Nothing here reads the text of
a note: sides are only counted by whether a field is filled in.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from checkins import figures as checkin_figures
from insights.ranges import DAYS_PER_MONTH, DateRange, buckets
from insights.stalled import nudged_today, stalled_pairs
from mentorship.models import Participant
from mentorship.timezones import as_local_date
from pairs.models import Pair
from sessions.models import NextAction, Session, SessionSide

log = logging.getLogger(__name__)
STALLED_SHOWN = 50  # the dashboard lists this many stalled pairs, the export has them all
STARTED = Pair.STARTED


# --- The figures ----------------------------------------------------------------------------


def _ratio(part, whole):
    return part / whole if whole else None


def participants_figures(program):
    live = Pair.objects.filter(status__in=Pair.LIVE)
    in_live_pair = Exists(live.filter(mentor=OuterRef("pk"))) | Exists(
        live.filter(mentee=OuterRef("pk"))
    )
    active = Q(status=Participant.Status.ACTIVE)
    row = Participant.objects.filter(program=program).aggregate(
        active=Count("pk", filter=active),
        invited=Count("pk", filter=Q(status=Participant.Status.INVITED)),
        mentors=Count("pk", filter=active & Q(role__in=Participant.MENTOR_ROLES)),
        mentees=Count("pk", filter=active & Q(role__in=Participant.MENTEE_ROLES)),
        matched=Count("pk", filter=active & in_live_pair),
    )
    row["matched_ratio"] = _ratio(row["matched"], row["active"])
    return row


def pair_figures(program, date_range):
    _, end = date_range.bounds()
    overlapping = (
        Q(status__in=STARTED)
        & (Q(started_on__lte=date_range.end) | Q(started_on__isnull=True, created_at__lt=end))
        & (Q(ended_on__isnull=True) | Q(ended_on__gte=date_range.start))
    )
    counts = {f"status_{s}": Count("pk", filter=Q(status=s)) for s in Pair.Status.values}
    return Pair.objects.filter(program=program).aggregate(
        total=Count("pk"), overlapping=Count("pk", filter=overlapping), **counts
    )


def session_series(program, date_range):
    """Logged sessions per bucket; also (total, weekly, rows)."""
    weekly, spans = buckets(date_range)
    trunc = TruncWeek if weekly else TruncMonth
    start, end = date_range.bounds()
    rows = (
        Session.objects.filter(
            pair__program=program,
            status=Session.Status.LOGGED,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .annotate(bucket=trunc("occurred_at"))
        .values("bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_bucket = {as_local_date(r["bucket"]): r["n"] for r in rows}
    return weekly, [(a, b, by_bucket.get(a, 0)) for a, b in spans]


def action_stats(program, date_range, today):
    """(figures, series) of next actions in one pass over the program's actions.

    figures: due / due_done / due_dropped (actions that came due in the range: due by
    today, or already done), overdue and open (now), done_mentor / done_mentee /
    done_both (done within the range, by owner). series: per bucket of due dates,
    (start, end, came due, done).
    """
    weekly, spans = buckets(date_range)
    trunc = TruncWeek if weekly else TruncMonth
    start, end = date_range.bounds()
    status = NextAction.Status
    rows = (
        NextAction.objects.filter(pair__program=program)
        .annotate(
            bucket=Case(
                When(
                    Q(due_on__gte=date_range.start, due_on__lte=date_range.end)
                    & (Q(due_on__lte=today) | Q(status=status.DONE)),
                    then=trunc("due_on"),
                ),
                default=None,
                output_field=DateField(),
            ),
            late=Case(
                When(NextAction.overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            done_in=Case(
                When(status=status.DONE, done_at__gte=start, done_at__lt=end, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values("bucket", "status", "owner", "late", "done_in")
        .annotate(n=Count("pk"))
        .order_by()
    )
    figures = dict.fromkeys(
        ("due", "due_done", "due_dropped", "overdue", "open", "done_mentor", "done_mentee",
         "done_both"),
        0,
    )  # fmt: skip
    by_bucket = {}
    for row in rows:
        n = row["n"]
        if row["bucket"] is not None:
            figures["due"] += n
            due, done = by_bucket.get(as_local_date(row["bucket"]), (0, 0))
            if row["status"] == status.DONE:
                figures["due_done"] += n
                done += n
            elif row["status"] == status.DROPPED:
                figures["due_dropped"] += n
            by_bucket[as_local_date(row["bucket"])] = (due + n, done)
        if row["late"]:
            figures["overdue"] += n
        if row["status"] == status.OPEN:
            figures["open"] += n
        if row["done_in"]:
            figures[f"done_{row['owner']}"] += n
    series = [(a, b, *by_bucket.get(a, (0, 0))) for a, b in spans]
    return figures, series


def balance_figures(program, date_range):
    """How many sides by each role brought questions, recorded learnings or teaching."""
    start, end = date_range.bounds()
    counts = {}
    for side in ("mentor", "mentee"):
        by_side = Q(side=side)
        counts[f"questions_{side}"] = Count("pk", filter=by_side & ~Q(questions=""))
        counts[f"learned_{side}"] = Count("pk", filter=by_side & ~Q(learned=""))
        counts[f"shared_{side}"] = Count("pk", filter=by_side & ~Q(shared=""))
        counts[f"sides_{side}"] = Count("pk", filter=by_side)
    return SessionSide.objects.filter(
        session__pair__program=program,
        session__status=Session.Status.LOGGED,
        session__occurred_at__gte=start,
        session__occurred_at__lt=end,
    ).aggregate(**counts)


def checkin_stats(program, date_range, weekly):
    """(figures, series) of check-ins in the range: series is (start, end, average, n) per
    bucket, average None where nobody answered."""
    start, end = date_range.bounds()
    figures = checkin_figures.program_figures(program, start, end)
    by_bucket = {
        as_local_date(k): v
        for k, v in checkin_figures.score_series(program, start, end, weekly).items()
    }
    _, spans = buckets(date_range)
    return figures, [(a, b, *by_bucket.get(a, (None, 0))) for a, b in spans]


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
    """Everything the dashboard shows: six queries, and one more if any pair is stalled."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    participants = participants_figures(program)
    pairs = pair_figures(program, date_range)
    weekly, sessions = session_series(program, date_range)
    total = sum(n for _, _, n in sessions)
    pair_months = pairs["overlapping"] * date_range.months
    actions, completion = action_stats(program, date_range, today)
    balance = balance_figures(program, date_range)
    stalled = stalled_pairs(program, now)
    shown = stalled[:STALLED_SHOWN]
    checkins, checkin_scores = checkin_stats(program, date_range, weekly)
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
