"""Stalled pairs: which active pairs have had no session for twice their cadence, and
the nudge an admin sends them (through the outbox, at most once per person per day).
"""

import dataclasses
import datetime

from django.db import connection
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from mentorship.models import User
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
    (sessions.cadence's rule; days on `who`'s calendar, else the viewer's). On PostgreSQL
    one plain statement (STALLED_SQL), else count_stalled, its tested reference."""
    now = now or timezone.now()
    threshold, threshold_day = cadence.stalled_threshold(program, now, who)
    if connection.vendor != "postgresql":
        return count_stalled(program, threshold, threshold_day)
    with connection.cursor() as cursor:
        cursor.execute(
            STALLED_SQL,
            {
                "program": program.pk,
                "active": Pair.Status.ACTIVE,
                "logged": Session.Status.LOGGED,
                "done": NextAction.Status.DONE,
                "threshold": threshold,
                "day": threshold_day,
            },
        )
        return _stalled_rows(cursor.fetchall())


# stalled_pairs as one statement: the ORM took longer to build and compile it (its last
# session subquery four times over) than PostgreSQL to run it. The last session is read
# once per active pair (LATERAL); the stalled ones (cadence.stalled_filter's condition)
# are found first, so only they are joined to their people and their last action done.
STALLED_SQL = """
WITH stalled AS MATERIALIZED (
    SELECT p.id, p.mentor_id, p.mentee_id, p.started_on, p.created_at, s.last_session
    FROM pairs_pair p
    LEFT JOIN LATERAL (
        SELECT x.occurred_at AS last_session FROM session_logs_session x
        WHERE x.pair_id = p.id AND x.status = %(logged)s ORDER BY x.occurred_at DESC LIMIT 1
    ) s ON true
    WHERE p.program_id = %(program)s AND p.status = %(active)s AND (
        s.last_session < %(threshold)s
        OR (s.last_session IS NULL AND p.started_on < %(day)s)
        OR (s.last_session IS NULL AND p.started_on IS NULL AND p.created_at < %(threshold)s))
)
SELECT p.id, mu.display_name, mu.email, m.user_id, eu.display_name, eu.email, e.user_id,
    p.started_on, p.created_at, p.last_session,
    (SELECT a.done_at FROM session_logs_nextaction a WHERE a.pair_id = p.id
     AND a.status = %(done)s ORDER BY a.done_at DESC LIMIT 1)
FROM stalled p
JOIN mentorship_participant m ON m.id = p.mentor_id
JOIN mentorship_user mu ON mu.id = m.user_id
JOIN mentorship_participant e ON e.id = p.mentee_id
JOIN mentorship_user eu ON eu.id = e.user_id
ORDER BY p.last_session ASC NULLS FIRST, p.started_on ASC, p.id ASC
"""


def count_stalled(program, threshold, threshold_day):
    """stalled_pairs through the ORM (any database; the statement's reference)."""
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
    rows = (
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
    return _stalled_rows(rows)


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
