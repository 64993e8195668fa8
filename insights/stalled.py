"""Stalled pairs: which active pairs have had no session for twice their cadence, and
the nudge an admin sends them (through the outbox, at most once per person per day).
"""

import dataclasses
import datetime

from django.db.models import BigIntegerField, DateField, DateTimeField, F, OuterRef, Subquery
from django.utils import timezone

from mentorship.models import User
from mentorship.prepared import Param, prepared
from notifications import outbox
from notifications.emails import absolute_url
from notifications.models import SentEmail
from notifications.registry import Rendered
from pairs.models import Pair
from sessions import cadence
from sessions.models import NextAction, Session

NUDGE_KIND = "stalled_nudge"


@dataclasses.dataclass
class StalledPair:
    """A stalled pair as the dashboard shows it: plain values, cheap to cache."""

    pk: int
    mentor_name: str
    mentee_name: str
    mentor_user_id: int
    mentee_user_id: int
    started_on: datetime.date | None
    created_at: datetime.datetime
    last_session: datetime.datetime | None
    last_done: datetime.datetime | None


def stalled_pairs(program, now=None, who=None):
    """Active pairs with no logged session within twice the cadence, oldest activity first
    (sessions.cadence's rule; days on `who`'s calendar, else the viewer's)."""
    now = now or timezone.now()
    threshold, threshold_day = cadence.stalled_threshold(program, now, who)
    return _stalled_rows(_STALLED(program=program.pk, threshold=threshold, day=threshold_day))


def _stalled(program, threshold, threshold_day):
    """The stalled pairs' rows (with Params: _STALLED, compiled once; with values:
    count_stalled, the tests' reference)."""
    last_session = (
        Session.objects.filter(pair=OuterRef("pk"), status=Session.Status.LOGGED)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    last_done = (
        NextAction.objects.filter(pair=OuterRef("pk"), status=NextAction.Status.DONE)
        .order_by("-done_at")
        .values("done_at")[:1]
    )
    return (
        Pair.objects.filter(program=program, status=Pair.Status.ACTIVE)
        .annotate(last_session=Subquery(last_session), last_done=Subquery(last_done))
        .filter(cadence.stalled_filter(threshold, threshold_day))
        .order_by(F("last_session").asc(nulls_first=True), "started_on", "pk")
        .values_list(
            "pk", "mentor__user__display_name", "mentor__user__email", "mentor__user_id",
            "mentee__user__display_name", "mentee__user__email", "mentee__user_id",
            "started_on", "created_at", "last_session", "last_done",
        )
    )  # fmt: skip


_STALLED = prepared(
    lambda: _stalled(
        Param("program", BigIntegerField()),
        Param("threshold", DateTimeField()),
        Param("day", DateField()),
    )
)


def count_stalled(program, threshold, threshold_day):
    """stalled_pairs through the plain ORM (compiled on each call; the tests' reference)."""
    return _stalled_rows(_stalled(program, threshold, threshold_day))


def _stalled_rows(rows):
    return [
        StalledPair(
            pk=pk,
            mentor_name=User.name_of(mentor_display, mentor_email),
            mentee_name=User.name_of(mentee_display, mentee_email),
            mentor_user_id=mentor_id,
            mentee_user_id=mentee_id,
            started_on=started_on,
            created_at=created_at,
            last_session=last,
            last_done=done,
        )
        for (
            pk, mentor_display, mentor_email, mentor_id, mentee_display, mentee_email, mentee_id,
            started_on, created_at, last, done,
        ) in rows
    ]  # fmt: skip


def nudged_today(pairs, today=None):
    """{pair_id} of the given pairs whose members were nudged today (one query)."""
    today = today or timezone.localdate()
    keys = {}
    for pair in pairs:
        for user_id in (pair.mentor_user_id, pair.mentee_user_id):
            keys[nudge_key(pair.pk, user_id, today)] = pair.pk
    if not keys:
        return set()
    sent = SentEmail.objects.filter(kind=NUDGE_KIND, key__in=list(keys)).values_list(
        "key", flat=True
    )
    return {keys[k] for k in sent}


def nudge_key(pair_id, user_id, day):
    return f"{pair_id}:{user_id}:{day.isoformat()}"


# --- Nudging a stalled pair -----------------------------------------------------------------


def nudge_pair(pair, by, now=None):
    """Record one email to each member of the pair; at most one per person per day.

    Returns how many were recorded (0 when both were already nudged today). The rows go
    through the outbox (notifications.outbox): delivered once the transaction commits, or,
    if the broker is down, by the next delivery sweep, with its retries and backoff when
    the mail server fails.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = 0
    for member in (pair.mentor, pair.mentee):
        key = nudge_key(pair.pk, member.user_id, today)
        context = {"pair_id": pair.pk, "by_id": by.pk}
        if outbox.queue(NUDGE_KIND, key, member.user, context, now=now):
            queued += 1
    return queued


def render_nudge(row):
    """The nudge email for one outbox row, or why it no longer applies."""
    pair = (
        Pair.objects.select_related("program", "mentor__user", "mentee__user")
        .filter(pk=row.context.get("pair_id"))
        .first()
    )
    if pair is None:
        return "The pair no longer exists."
    if pair.status != Pair.Status.ACTIVE:
        return f"The pair is {pair.status}."
    partner = pair.partner_of(row.user)
    if partner is None:
        return "The recipient is not in this pair."
    last = (
        Session.objects.filter(pair=pair, status=Session.Status.LOGGED)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return Rendered(
        template=NUDGE_KIND,
        context={
            "name": row.user.name,
            "partner_name": partner.user.name,
            "program_name": pair.program.name,
            "cadence_days": pair.program.cadence_days,
            "last_session": last,
            "pair_url": absolute_url(pair.get_absolute_url()),
        },
    )
