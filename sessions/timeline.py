"""The pair page: a bounded timeline of sessions and actions, and the balance line.

Every function runs a fixed number of queries whatever the pair's history.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    DateTimeField,
    IntegerField,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Length, Replace, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentorship import template_text as text
from mentorship.prepared import Param, any_of, prepared
from mentorship.template_text import choice_labels
from mentorship.timezones import as_local_date
from sessions.models import AgendaItem, NextAction, Session, SessionSide

PAGE_SIZE = 10
BALANCE_MONTHS = 6
OPEN_ACTIONS_SHOWN = 50
# What an entry shows of an action (narrow rows: fewer columns to compile and build).
TIMELINE_ACTION_FIELDS = (
    "text", "owner", "due_on", "status", "dropped_reason", "created_in_id", "reviewed_in_id",
)  # fmt: skip


def label_action(action):
    """Display labels looked up once (get_FOO_display rebuilds its choices on every call)."""
    action.owner_label = choice_labels(NextAction.Owner).get(action.owner, action.owner)
    action.status_label = choice_labels(NextAction.Status).get(action.status, action.status)
    return action


def label_session(session):
    session.format_label = choice_labels(Session.Format).get(session.format, session.format)
    return session


def side_labels():
    """A session side's headings (sessions/templatetags/timeline_entries.py), translated
    once per page rather than for each side (up to 20 sides and 80 headings on the pair
    page)."""
    return {
        "learned": gettext("Learned"),
        "shared": gettext("Shared or taught"),
        "questions": gettext("Questions"),
        "unsure": gettext("Unsure about"),
        "private_note": gettext("My private note"),
        "only_you": gettext("only you"),
        "not_added": gettext("Not added yet."),
    }


def _day_texts():
    """text.date for one page, each day written once: many of a pair's actions share a due
    date (and a request has one language and time zone)."""
    memo = {}

    def write(day):
        if day not in memo:
            memo[day] = text.date(day)
        return memo[day]

    return write


def _write_entries(entries, day_text):
    """The timeline's dates, sentences and links written here, once per page: through the
    template engine each |date, {% blocktranslate %} and {% url %} costs 10-40 µs, several
    per entry (the same output: tests/test_template_text.py)."""
    side_url = text.url_pattern("sessions:side")
    carried = gettext("carried over to %(d)s")
    for entry in entries:
        session = entry.session
        session.when_text = text.date(session.occurred_at, "DATETIME_FORMAT")
        entry.side_url = side_url.format(session.pk)
        for action in entry.created:
            action.due_text = day_text(action.due_on)
        for action in entry.reviewed:
            if action.status == NextAction.Status.OPEN:
                action.carried_text = text.fill(carried, d=day_text(action.due_on))


@dataclass
class TimelineEntry:
    session: Session
    mentor_side: SessionSide | None = None
    mentee_side: SessionSide | None = None
    created: list = field(default_factory=list)
    reviewed: list = field(default_factory=list)
    sides: list = field(default_factory=list)  # [(person, their side or None)], mentor first


@dataclass
class Timeline:
    entries: list
    page: int
    has_older: bool
    upcoming: list = field(default_factory=list)  # the next scheduled sessions
    open_actions: list = field(default_factory=list)  # with_open_actions only


def timeline(pair, page=1, *, now=None, with_open_actions=False):
    """Logged sessions, newest first, PAGE_SIZE per page, with sides and actions; the next
    scheduled sessions (`upcoming`) and, with_open_actions, the open actions (5 queries,
    each compiled once: the first page's sessions, the upcoming ones, the sides, the
    entries' actions, the open actions; a later page's sessions are built per request)."""
    page = max(1, page)
    now = now or timezone.now()
    if page == 1:
        sessions = _first_page(pair=pair.pk)
    else:  # an OFFSET per page: not one compiled shape
        start = (page - 1) * PAGE_SIZE
        sessions = list(_logged(pair)[start : start + PAGE_SIZE + 1])
    coming = _upcoming_rows(pair=pair.pk, now=now)
    has_older = len(sessions) > PAGE_SIZE
    sessions = sessions[:PAGE_SIZE]
    entries = {s.pk: TimelineEntry(session=s) for s in sessions}
    for s in sessions:
        s.pair = pair
        label_session(s)
    if entries:
        ids = list(entries)
        for side in _sides(sessions=ids):
            entry = entries[side.session_id]
            if side.side == "mentor":
                entry.mentor_side = side
            else:
                entry.mentee_side = side
        # NextAction's own order (due date, then pk), as each entry lists them.
        created_or_reviewed = _entry_actions(pair=pair.pk, sessions=ids)
        for action in sorted(created_or_reviewed, key=lambda a: (a.due_on, a.pk)):
            label_action(action)
            if action.created_in_id in entries:
                entries[action.created_in_id].created.append(action)
            if action.reviewed_in_id in entries:
                entries[action.reviewed_in_id].reviewed.append(action)
    shown = [label_action(a) for a in _open_rows(pair=pair.pk)] if with_open_actions else []
    for entry in entries.values():
        entry.sides = [
            (pair.mentor.user, entry.mentor_side),
            (pair.mentee.user, entry.mentee_side),
        ]
    day_text = _day_texts()
    _write_entries(entries.values(), day_text)
    return Timeline(
        entries=list(entries.values()),
        page=page,
        has_older=has_older,
        upcoming=_write_upcoming(pair, coming),
        open_actions=_with_due_text(shown, day_text),
    )


def _logged(pair):
    return Session.objects.filter(pair=pair, status=Session.Status.LOGGED).order_by(
        "-occurred_at", "-pk"
    )


def _open_actions(pair):
    return NextAction.objects.filter(pair=pair, status=NextAction.Status.OPEN).order_by(
        "due_on", "pk"
    )[:OPEN_ACTIONS_SHOWN]


def _upcoming(pair, now):
    return Session.objects.filter(
        pair=pair, status=Session.Status.SCHEDULED, occurred_at__gte=now
    ).order_by("occurred_at")[:3]


# The pair page's timeline queries, compiled once (mentorship.prepared): building and
# compiling them was a third of timeline()'s CPU.
_ID = BigIntegerField()


@prepared
def _first_page():
    return _logged(Param("pair", _ID))[: PAGE_SIZE + 1]


@prepared
def _upcoming_rows():
    return _upcoming(Param("pair", _ID), Param("now", DateTimeField()))


@prepared
def _sides():
    return SessionSide.objects.filter(any_of("session_id", Param("sessions", _ID, many=True)))


@prepared
def _entry_actions():
    sessions = Param("sessions", _ID, many=True)
    made_or_reviewed = Q(any_of("created_in_id", sessions)) | Q(any_of("reviewed_in_id", sessions))
    return (
        NextAction.objects.filter(pair=Param("pair", _ID))
        .filter(made_or_reviewed)
        .only(*TIMELINE_ACTION_FIELDS)
        .order_by()
    )


@prepared
def _open_rows():
    return _open_actions(Param("pair", _ID)).only(*TIMELINE_ACTION_FIELDS)


def _write_upcoming(pair, sessions):
    ics_url, log_url = text.url_pattern("sessions:ics"), reverse("sessions:log", args=[pair.pk])
    for s in sessions:
        label_session(s)
        s.when_text = text.date(s.occurred_at, "DATETIME_FORMAT")
        s.ics_url = ics_url.format(s.pk)
        s.log_url = f"{log_url}?scheduled={s.pk}"
    return sessions


def open_actions(pair):
    return [label_action(a) for a in _open_actions(pair)]


def _with_due_text(actions, day_text):
    """The pair page's open actions with their due dates written once (see _write_entries)."""
    for action in actions:
        action.due_text = day_text(action.due_on)
    return actions


def counts(pair, today=None):
    """Dates, counts and statuses: what a program admin may see (1 query: the sessions' and
    the actions' counts as one UNION ALL).

    `today` is the viewer's (the request runs in their zone)."""
    today = today or timezone.localdate()
    out = {
        "sessions": {"logged": 0, "scheduled": 0},
        "actions": {"open": 0, "overdue": 0, "done": 0, "dropped": 0},
        "today": today,
    }
    for row in _count_rows(pair=pair.pk, today=today):  # a part without rows returns none
        if row["kind"] == _SESSIONS:
            out["sessions"] = {"logged": row["a"], "scheduled": row["b"]}
        else:
            names = ("open", "overdue", "done", "dropped")
            out["actions"] = {name: row[k] for name, k in zip(names, "abcd", strict=True)}
    return out


_SESSIONS, _ACTIONS = 1, 2  # which part of counts()' union a row comes from


@prepared
def _count_rows():
    pair, today = Param("pair", BigIntegerField()), Param("today", DateField())
    zero = Value(0)
    sessions = (
        Session.objects.filter(pair=pair)
        .values("pair")
        .annotate(
            a=Count("pk", filter=Q(status=Session.Status.LOGGED)),
            b=Count("pk", filter=Q(status=Session.Status.SCHEDULED)),
            c=zero,
            d=zero,
            kind=Value(_SESSIONS),
        )
        .order_by()
    )
    actions = (
        NextAction.objects.filter(pair=pair)
        .values("pair")
        .annotate(
            a=Count("pk", filter=Q(status="open")),
            b=Count("pk", filter=NextAction.overdue_q(today)),
            c=Count("pk", filter=Q(status="done")),
            d=Count("pk", filter=Q(status="dropped")),
            kind=Value(_ACTIONS),
        )
        .order_by()
    )
    return sessions.union(actions, all=True)


def _lines(name):
    """How many lines a text field holds (0 when empty), computed in the database."""
    text = Coalesce(name, Value(""))
    return Sum(
        Length(text) - Length(Replace(text, Value("\n"), Value(""))) + 1,
        filter=~Q(**{name: ""}),
        output_field=IntegerField(),
    )


def _month_starts(today, months):
    first = today.replace(day=1)
    out = []
    for _i in range(months):
        out.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return list(reversed(out))


_SIDES, _DONE, _AGENDA = 1, 2, 3  # which part of balance()'s union a row comes from


@prepared
def _balance_rows():
    """Each part: (month, side or owner, kind, a, b); the union takes the first part's
    names. Months on the viewer's calendar, as on the health page (the request's zone,
    which prepared queries are compiled for)."""
    pair, since = Param("pair", BigIntegerField()), Param("since", DateTimeField())
    tz = timezone.get_current_timezone()
    sides = (
        SessionSide.objects.filter(
            session__pair=pair,
            session__status=Session.Status.LOGGED,
            session__occurred_at__gte=since,
        )
        .annotate(month=TruncMonth("session__occurred_at", tzinfo=tz))
        .values("month", "side")
        .annotate(kind=Value(_SIDES), a=_lines("questions"), b=_lines("learned"))
        .order_by()
    )
    done = (
        NextAction.objects.filter(pair=pair, status=NextAction.Status.DONE, done_at__gte=since)
        .annotate(month=TruncMonth("done_at", tzinfo=tz))
        .values("month", "owner")
        .annotate(kind=Value(_DONE), a=Count("pk"), b=Value(0))
        .order_by()
    )
    agenda = (
        AgendaItem.objects.filter(pair=pair, created_at__gte=since)
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values("month", "side")
        .annotate(kind=Value(_AGENDA), a=Count("pk"), b=Value(0))
        .order_by()
    )
    return sides.union(done, agenda, all=True)


@dataclass
class BalanceRow:
    month: datetime.date
    mentor_questions: int = 0
    mentee_questions: int = 0
    mentor_agenda: int = 0  # questions brought before the session (the agenda)
    mentee_agenda: int = 0
    mentor_learned: int = 0
    mentee_learned: int = 0
    mentor_done: int = 0
    mentee_done: int = 0


def balance(pair, today=None, months=BALANCE_MONTHS):
    """Per month and person: questions brought before (agenda) and during sessions, learnings
    recorded, actions completed (1 query: the three counts as one UNION ALL)."""
    today = today or timezone.localdate()
    starts = _month_starts(today, months)
    rows = {m: BalanceRow(month=m) for m in starts}
    # Months on the viewer's calendar, as on the health page (the request's zone).
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(starts[0], datetime.time.min, tzinfo=tz)
    for item in _balance_rows(pair=pair.pk, since=since):
        row = rows.get(as_local_date(item["month"]))
        if row is None:
            continue
        who, kind = item["side"], item["kind"]
        if kind == _SIDES:
            setattr(row, f"{who}_questions", item["a"] or 0)
            setattr(row, f"{who}_learned", item["b"] or 0)
        elif kind == _AGENDA:
            setattr(row, f"{who}_agenda", item["a"])
        else:
            for role in ("mentor", "mentee"):
                if who in NextAction.owners_of_role(role):
                    setattr(row, f"{role}_done", getattr(row, f"{role}_done") + item["a"])
    return [rows[m] for m in starts]


METRICS = (
    ("agenda", _("Questions brought before (agenda)")),
    ("questions", _("Questions asked in sessions")),
    ("learned", _("Learnings recorded")),
    ("done", _("Actions completed")),
)


def balance_sparklines(rows, width=300, height=120, left=28, right=10, top=12, bottom=26):
    """Two lines per metric (mentor, mentee) over the months, with axes: a small SVG drawn
    on the server. Its viewBox is about the size a phone draws it, so the 12-unit axis
    labels (the top count, 0, and the first, middle and last month) stay 12 px."""
    charts = []
    n = len(rows)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(n - 1, 1)
    baseline = top + plot_h
    ticks = sorted({0, n // 2, n - 1}) if n else []
    months = [
        {"x": f"{left + i * step:.1f}", "label": date_format(rows[i].month, "M")} for i in ticks
    ]
    # The drawing's coordinates as text, written once: the template would localize each
    # number of each chart again (a hundred number_format calls a page).
    layout = {
        "width": str(width),
        "height": str(height),
        "baseline": str(baseline),
        "top_y": str(top),
        "left": str(left),
        "right": str(width - right),
        "month_y": str(height - 8),
        "label_x": str(left - 5),
        "top_label_y": str(top + 4),
        "zero_label_y": str(baseline + 4),
    }
    for key, label in METRICS:
        mentor = [getattr(r, f"mentor_{key}") for r in rows]
        mentee = [getattr(r, f"mentee_{key}") for r in rows]
        top_value = max([*mentor, *mentee, 1])

        def points(values, top_value=top_value):
            return " ".join(
                f"{left + i * step:.1f},{baseline - (v / top_value) * plot_h:.1f}"
                for i, v in enumerate(values)
            )

        charts.append(
            {
                "key": key,
                "label": label,
                "mentor_points": points(mentor),
                "mentee_points": points(mentee),
                "mentor_total": sum(mentor),
                "mentee_total": sum(mentee),
                "top": top_value,
                "months": months,
                **layout,
            }
        )
    return charts
