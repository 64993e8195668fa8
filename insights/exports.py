"""CSV exports of a program for its admins: metadata only, streamed.

No export reads a note, a topic, an action's text or a reason: rows carry dates,
durations, formats, statuses, owners and counts. Rows come from values_list() with
iterator(), so memory stays flat however large the program is; every cell goes through
mentorship.csvutil (formula-injection safe).
"""

import datetime

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from checkins.models import CheckIn, HelpRequest
from mentorship.csvutil import streaming_csv_response
from pairs.models import Pair
from sessions.cadence import is_stalled, stalled_threshold
from sessions.models import AgendaItem, Agreement, Goal, NextAction, Session

CHUNK = 2000  # rows fetched from the database at a time
KINDS = ("pairs", "sessions", "actions")


class _UtcText(Func):
    """A timestamp as ISO 8601 UTC text, formatted by PostgreSQL (cheaper than in Python)."""

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    output_field = CharField()


def _utc_field(name):
    """Select a timestamp column for _utc(): as text on PostgreSQL, as-is elsewhere."""
    return _UtcText(F(name)) if connection.vendor == "postgresql" else F(name)


def _utc(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value):
    return value.isoformat() if value else ""


def _yes(value):
    return "yes" if value else "no"


def _count(queryset):
    """A correlated COUNT(*) subquery: one index lookup per row, no join explosion."""
    counted = queryset.order_by().values("pair").annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def pair_rows(program, now=None):
    now = now or timezone.now()
    threshold, threshold_day = stalled_threshold(program, now)
    today = timezone.localdate(now)
    sessions = Session.objects.filter(pair=OuterRef("pk"), status=Session.Status.LOGGED)
    actions = NextAction.objects.filter(pair=OuterRef("pk"))
    last_session = sessions.order_by("-occurred_at").values("occurred_at")[:1]
    goals = Goal.objects.filter(pair=OuterRef("pk"))
    agenda = AgendaItem.objects.filter(pair=OuterRef("pk"))
    agreed = Agreement.objects.filter(
        pair=OuterRef("pk"), mentor_confirmed_at__isnull=False, mentee_confirmed_at__isnull=False
    )
    rows = (
        Pair.objects.filter(program=program)
        .annotate(
            logged=_count(sessions),
            last_session=Subquery(last_session),
            open_=_count(actions.filter(status=NextAction.Status.OPEN)),
            done=_count(actions.filter(status=NextAction.Status.DONE)),
            dropped=_count(actions.filter(status=NextAction.Status.DROPPED)),
            overdue=_count(actions.overdue(today)),
            goals_mentor=_count(goals.filter(side="mentor")),
            goals_mentee=_count(goals.filter(side="mentee")),
            goals_reached=_count(goals.filter(status=Goal.Status.REACHED)),
            agenda_mentor=_count(agenda.filter(side="mentor")),
            agenda_mentee=_count(agenda.filter(side="mentee")),
            agreed=Exists(agreed),
            **checkin_columns(),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "status",
            "source",
            "mentor__user__display_name",
            "mentor__user__email",
            "mentee__user__display_name",
            "mentee__user__email",
            "started_on",
            "ended_on",
            "created_at",
            "logged",
            "last_session",
            "open_",
            "done",
            "dropped",
            "overdue",
            "goals_mentor",
            "goals_mentee",
            "goals_reached",
            "agenda_mentor",
            "agenda_mentee",
            "agreed",
            "checkins_answered",
            "checkin_score",
            "checkins_not_fit",
            "help_open",
        )
    )
    for (
        pk, status, source, mentor, mentor_email, mentee, mentee_email, started_on, ended_on,
        created_at, logged, last, open_, done, dropped, overdue, goals_mentor, goals_mentee,
        goals_reached, agenda_mentor, agenda_mentee, agreed, answered, score, not_fit,
        help_open,
    ) in rows.iterator(chunk_size=CHUNK):  # fmt: skip
        stalled = is_stalled(status, last, started_on, created_at, threshold, threshold_day)
        yield [
            pk, status, source, mentor, mentor_email, mentee, mentee_email, _day(started_on),
            _day(ended_on), logged, _utc(last), open_, done, dropped, overdue, _yes(stalled),
            goals_mentor, goals_mentee, goals_reached, agenda_mentor, agenda_mentee, _yes(agreed),
            answered, f"{score:.2f}" if score is not None else "", not_fit, _yes(help_open),
        ]  # fmt: skip


def checkin_columns():
    """Per pair: answered check-ins, their average score, "not a good fit" answers and
    whether someone's request for help is open. Numbers only: no check-in text is read."""
    answered = CheckIn.objects.filter(pair=OuterRef("pk"), answered_at__isnull=False)
    average = answered.order_by().values("pair").annotate(a=Avg("score")).values("a")
    return {
        "checkins_answered": _count(answered),
        "checkin_score": Subquery(average, output_field=FloatField()),
        "checkins_not_fit": _count(answered.filter(good_fit=False)),
        "help_open": _count(HelpRequest.objects.filter(pair=OuterRef("pk"), resolved_at=None)),
    }


PAIR_HEADER = [
    "pair_id", "status", "source", "mentor", "mentor_email", "mentee", "mentee_email",
    "started_on", "ended_on", "logged_sessions", "last_session_utc", "actions_open",
    "actions_done", "actions_dropped", "actions_overdue", "stalled", "goals_mentor",
    "goals_mentee", "goals_reached", "agenda_questions_mentor", "agenda_questions_mentee",
    "agreement_confirmed_by_both", "checkins_answered", "checkin_score_avg",
    "checkins_not_good_fit", "asking_for_help",
]  # fmt: skip


def session_rows(program):
    filled = {}
    for field in ("questions", "learned", "shared"):
        filled[f"with_{field}"] = Count("sides", filter=~Q(**{f"sides__{field}": ""}))
    created = NextAction.objects.filter(created_in=OuterRef("pk"))
    created = created.order_by().values("created_in").annotate(c=Count("pk")).values("c")
    rows = (
        Session.objects.filter(program=program)
        .annotate(
            mentor_side=Count("sides", filter=Q(sides__side="mentor")),
            mentee_side=Count("sides", filter=Q(sides__side="mentee")),
            actions_created=Coalesce(Subquery(created, output_field=IntegerField()), Value(0)),
            occurred_utc=_utc_field("occurred_at"),
            logged_utc=_utc_field("created_at"),
            **filled,
        )
        .order_by("occurred_at", "pk")
        .values_list(
            "pk",
            "pair_id",
            "occurred_utc",
            "duration_minutes",
            "format",
            "status",
            "mentor_side",
            "mentee_side",
            "with_questions",
            "with_learned",
            "with_shared",
            "actions_created",
            "logged_utc",
        )
    )
    for (
        pk, pair_id, occurred_at, duration, format_, status, mentor_side, mentee_side,
        questions, learned, shared, actions_created, created_at,
    ) in rows.iterator(chunk_size=CHUNK):  # fmt: skip
        yield [
            pk, pair_id, _utc(occurred_at), duration, format_, status, _yes(mentor_side),
            _yes(mentee_side), questions, learned, shared, actions_created, _utc(created_at),
        ]  # fmt: skip


SESSION_HEADER = [
    "session_id", "pair_id", "occurred_at_utc", "duration_minutes", "format", "status",
    "mentor_side_logged", "mentee_side_logged", "sides_with_questions", "sides_with_learnings",
    "sides_with_teaching", "actions_created", "logged_at_utc",
]  # fmt: skip


def action_rows(program, now=None):
    today = timezone.localdate(now or timezone.now())
    rows = (
        NextAction.objects.filter(program=program)
        .order_by("pk")
        .annotate(created_utc=_utc_field("created_at"), done_utc=_utc_field("done_at"))
        .annotate(overdue=ExpressionWrapper(NextAction.overdue_q(today), BooleanField()))
        .values_list(
            "pk",
            "pair_id",
            "owner",
            "status",
            "due_on",
            "overdue",
            "created_utc",
            "done_utc",
            "created_in_id",
            "reviewed_in_id",
        )
    )
    for (
        pk,
        pair_id,
        owner,
        status,
        due_on,
        overdue,
        created_at,
        done_at,
        created_in,
        reviewed_in,
    ) in rows.iterator(chunk_size=CHUNK):
        yield [
            pk, pair_id, owner, status, _day(due_on), _utc(created_at), _utc(done_at),
            _yes(overdue), created_in or "", reviewed_in or "",
        ]  # fmt: skip


ACTION_HEADER = [
    "action_id", "pair_id", "owner", "status", "due_on", "created_at_utc", "done_at_utc",
    "overdue", "created_in_session_id", "reviewed_in_session_id",
]  # fmt: skip


def export_response(program, kind, now=None):
    """A StreamingHttpResponse with the CSV of one kind; KeyError for an unknown kind."""
    header, rows = {
        "pairs": lambda: (PAIR_HEADER, pair_rows(program, now)),
        "sessions": lambda: (SESSION_HEADER, session_rows(program)),
        "actions": lambda: (ACTION_HEADER, action_rows(program, now)),
    }[kind]()
    day = timezone.localdate(now or timezone.now()).isoformat()
    return streaming_csv_response(f"{program.slug}-{kind}-{day}.csv", header, rows)
