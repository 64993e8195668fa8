"""The program admin's Pairs page: who is with whom and how they are doing.

Dates, counts and statuses only, never what people wrote. One query for the page (every
figure is a correlated subquery on the 25 pairs shown) and one for the count, whatever
the program's size or history.
"""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from insights.ranges import DAYS_PER_MONTH
from mentorship.programs import page_of
from pairs.models import Pair
from sessions import cadence
from sessions.models import NextAction, Session, SessionSide

RECENT_DAYS = 90  # "sessions per month" is measured over this window
ATTENTION = ("behind", "stalled", "overdue")
# The columns the page reads (not the match scores, reasons, goals or availability, whose
# JSON would be decoded for every row).
SHOWN = [
    "program_id", "status", "started_on", "created_at",
    "mentor__user__display_name", "mentor__user__email",
    "mentee__user__display_name", "mentee__user__email",
]  # fmt: skip


def _count(queryset):
    counted = queryset.order_by().values("pair").annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _count_sides(side):
    counted = (
        SessionSide.objects.filter(
            session__pair=OuterRef("pk"), session__status=Session.Status.LOGGED, side=side
        )
        .order_by()
        .values("session__pair")
        .annotate(c=Count("pk"))
        .values("c")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def pairs_for_admin(program, now=None, q="", status="", attention=""):
    """The program's pairs with what the Pairs page shows, newest first."""
    now = now or timezone.now()
    today = timezone.localdate(now)  # the viewing admin's (the request's zone)
    logged = Session.objects.filter(pair=OuterRef("pk"), status=Session.Status.LOGGED)
    scheduled = Session.objects.filter(
        pair=OuterRef("pk"), status=Session.Status.SCHEDULED, occurred_at__gte=now
    )
    recent_from = now - datetime.timedelta(days=RECENT_DAYS)
    pairs = (
        Pair.objects.filter(program=program)
        .select_related("mentor__user", "mentee__user")
        .only(*SHOWN)
        .annotate(
            last_session=Subquery(logged.order_by("-occurred_at").values("occurred_at")[:1]),
            next_session=Subquery(scheduled.order_by("occurred_at").values("occurred_at")[:1]),
            recent_sessions=_count(logged.filter(occurred_at__gte=recent_from)),
            overdue=_count(NextAction.objects.filter(pair=OuterRef("pk")).filter(
                NextAction.overdue_q(today)
            )),
            open_actions=_count(
                NextAction.objects.filter(pair=OuterRef("pk"), status=NextAction.Status.OPEN)
            ),
            mentor_sides=_count_sides("mentor"),
            mentee_sides=_count_sides("mentee"),
        )
        .order_by("-created_at", "-pk")
    )  # fmt: skip
    if q:
        pairs = pairs.filter(
            Q(mentor__user__display_name__icontains=q)
            | Q(mentor__user__email__icontains=q)
            | Q(mentee__user__display_name__icontains=q)
            | Q(mentee__user__email__icontains=q)
        )
    if status in Pair.Status.values:
        pairs = pairs.filter(status=status)
    if attention == "overdue":
        pairs = pairs.filter(overdue__gt=0)
    elif attention == "stalled":
        threshold, day = cadence.stalled_threshold(program, now)
        pairs = pairs.filter(status=Pair.Status.ACTIVE).filter(
            cadence.stalled_filter(threshold, day)
        )
    elif attention == "behind":
        viewer = timezone.get_current_timezone()
        pairs = pairs.filter(cadence.behind_filter(program, today, viewer))
    return pairs


def describe(pair, program, now=None):
    """The per-row figures the template shows, from one annotated pair."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    per_month = pair.recent_sessions / (RECENT_DAYS / DAYS_PER_MONTH)
    days = cadence.days_since(
        pair.last_session, pair.started_on, pair.created_at, today, timezone.get_current_timezone()
    )
    return {
        "per_month": per_month,
        "expected_per_month": DAYS_PER_MONTH / program.cadence_days,
        "days_since": days,
        "behind": cadence.is_behind(pair, days, pair.next_session is not None),
    }


def page(program, number, now=None, **filters):
    result = page_of(pairs_for_admin(program, now, **filters), number)
    for pair in result.object_list:
        pair.program = program
        pair.figures = describe(pair, program, now)
    return result
