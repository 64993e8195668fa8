"""Cadence: how a pair keeps up with its program's rhythm. The one home of three rules
that the dashboard, the weekly nudge, program health and the admin digest all use.

- days since the last session: whole local days from the last logged session (else from
  the pair's start, else its creation) to the person's today;
- behind: an active pair with no session scheduled ahead and more days since its last
  session than the program's cadence (the dashboard's and the nudge's "time to meet");
- stalled: an active pair with no logged session in twice the cadence, measured to the
  moment (program health, the digest and the CSV export).
"""

import datetime

from django.db.models import BigIntegerField, DateTimeField, Max, Min, Q
from django.utils import timezone

from mentorship.prepared import Param, any_of, prepared
from mentorship.timezones import local_date, zone_of
from pairs.models import Pair
from sessions.models import Session

STALLED_CADENCES = 2


def days_since(last_session, started_on, created_at, today, who):
    """Local days from the last logged session (else the start, else creation) to `today`;
    `who` (a user, zone name or tzinfo) says whose calendar the days are counted on."""
    if last_session is not None:
        since = local_date(last_session, who)
    elif started_on is not None:
        since = started_on
    else:
        since = local_date(created_at, who)
    return (today - since).days


def is_behind(pair, days, has_upcoming):
    return (
        pair.status == Pair.Status.ACTIVE and not has_upcoming and days > pair.program.cadence_days
    )


def stalled_threshold(program, now, who=None):
    """(moment, day): a pair whose last session (or start) is before these is stalled.
    The day is on `who`'s calendar: a recipient's, else the current (viewer's) zone."""
    threshold = now - datetime.timedelta(days=STALLED_CADENCES * program.cadence_days)
    tz = zone_of(who) if who is not None else timezone.get_current_timezone()
    return threshold, threshold.astimezone(tz).date()


def is_stalled(status, last_session, started_on, created_at, threshold, threshold_day):
    """The stalled rule for one row (stalled_filter is the same rule as a query)."""
    if status != Pair.Status.ACTIVE:
        return False
    if last_session is not None:
        return last_session < threshold
    if started_on is not None:
        return started_on < threshold_day
    return created_at < threshold


def stalled_filter(threshold, threshold_day, last_session="last_session"):
    """is_stalled as a filter on active pairs annotated with their last session's time."""
    last = last_session
    return (
        Q(**{f"{last}__lt": threshold})
        | Q(**{f"{last}__isnull": True, "started_on__lt": threshold_day})
        | Q(**{f"{last}__isnull": True, "started_on__isnull": True, "created_at__lt": threshold})
    )


def last_logged(pair_ids, now):
    """{pair id: the moment of its last logged session up to `now`} (one query)."""
    return dict(
        Session.objects.filter(
            pair_id__in=pair_ids, status=Session.Status.LOGGED, occurred_at__lte=now
        )
        .values("pair_id")
        .annotate(last=Max("occurred_at"))
        .values_list("pair_id", "last")
    )


def next_scheduled(pair_ids, now):
    """{pair id: its next scheduled session from `now` on} (one query): "has upcoming"."""
    return dict(
        Session.objects.filter(
            pair_id__in=pair_ids, status=Session.Status.SCHEDULED, occurred_at__gte=now
        )
        .values("pair_id")
        .annotate(next=Min("occurred_at"))
        .values_list("pair_id", "next")
    )


@prepared  # on every dashboard: compiled once (mentorship.prepared)
def _last_and_next_rows():
    now = Param("now", DateTimeField())
    logged = Q(status=Session.Status.LOGGED, occurred_at__lte=now)
    scheduled = Q(status=Session.Status.SCHEDULED, occurred_at__gte=now)
    return (
        Session.objects.filter(logged | scheduled)
        .filter(any_of("pair_id", Param("pairs", BigIntegerField(), many=True)))
        .values("pair_id")
        .annotate(last=Max("occurred_at", filter=logged), next=Min("occurred_at", filter=scheduled))
        .values_list("pair_id", "last", "next")
        .order_by()
    )


def last_and_next(pair_ids, now):
    """({pair id: last logged up to `now`}, {pair id: next scheduled from `now`}): what
    last_logged and next_scheduled return, in one query (the dashboard's)."""
    rows = _last_and_next_rows(pairs=list(pair_ids), now=now)
    last, upcoming = {}, {}
    for pair_id, last_at, next_at in rows:
        if last_at is not None:
            last[pair_id] = last_at
        if next_at is not None:
            upcoming[pair_id] = next_at
    return last, upcoming


def behind_filter(program, today, who, last="last_session", upcoming="next_session"):
    """is_behind as a filter on a program's pairs annotated with their last logged and
    next scheduled session: days_since > cadence <=> the last day counted is before
    today - cadence on `who`'s calendar."""
    day = today - datetime.timedelta(days=program.cadence_days)
    moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone_of(who))
    return Q(status=Pair.Status.ACTIVE, **{f"{upcoming}__isnull": True}) & (
        Q(**{f"{last}__lt": moment})
        | Q(**{f"{last}__isnull": True, "started_on__lt": day})
        | Q(**{f"{last}__isnull": True, "started_on__isnull": True, "created_at__lt": moment})
    )
