"""Program health: the figures behind the admin dashboard.

Every figure comes from an aggregate query, so the dashboard costs the same fixed
number of queries whatever the size of the program. Nothing here reads the text of
a note: sides are only counted by whether a field is filled in.
"""

import dataclasses
import datetime
import logging

from django import forms
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.models import Participant
from pairs.models import Pair
from sessions import delivery
from sessions.models import NextAction, Session, SessionSide
from sessions.reminders import pair_url

log = logging.getLogger(__name__)
DAYS_PER_MONTH = 30.44
STALLED_SHOWN = 50  # the dashboard lists this many stalled pairs, the export has them all
NUDGE_KIND = "stalled_nudge"
WEEKLY_UP_TO_DAYS = 120  # longer ranges are charted by month
# Pairs that have had a life (not merely proposed or declined).
STARTED = (Pair.Status.ACTIVE, Pair.Status.PAUSED, Pair.Status.COMPLETED, Pair.Status.ENDED)


# --- The date range ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DateRange:
    start: datetime.date
    end: datetime.date  # inclusive
    preset: str = "custom"

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def months(self):
        return self.days / DAYS_PER_MONTH

    def bounds(self):
        """[start, end) as aware datetimes in the current time zone."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return start, end

    def query(self):
        """The query string that selects this range again (for export links)."""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"


PRESETS = (
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("all", _("Whole program")),
    ("custom", _("Custom dates")),
)
DEFAULT_PRESET = "90"
EARLIEST = datetime.date(2000, 1, 1)
LONGEST_DAYS = 366 * 10


class RangeForm(forms.Form):
    preset = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, program, today=None, **kwargs):
        self.program = program
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def preset_range(self, preset):
        if preset == "all":
            start = min(self.program.start_date, self.today)
            return DateRange(start, self.today, "all")
        days = int(preset if preset in ("30", "90") else DEFAULT_PRESET)
        return DateRange(self.today - datetime.timedelta(days=days - 1), self.today, preset)

    def clean(self):
        data = super().clean()
        preset = data.get("preset") or ""
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if preset in ("30", "90", "all") or (preset == "" and not start and not end):
            data["range"] = self.preset_range(preset or DEFAULT_PRESET)
            return data
        if not start or not end:
            raise forms.ValidationError(_("Give both a start and an end date, or choose a period."))
        if end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        if start < EARLIEST:
            raise forms.ValidationError(
                _("Choose a start date after %(date)s.") % {"date": EARLIEST.isoformat()}
            )
        if (end - start).days > LONGEST_DAYS:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        data["range"] = DateRange(start, end, "custom")
        return data


def range_from_request(params, program, today=None):
    """(form, DateRange): an invalid request falls back to the default range."""
    params = {k: v for k, v in (params or {}).items() if k in RangeForm.base_fields}
    form = RangeForm(params or None, program=program, today=today)
    if params and form.is_valid():
        return form, form.cleaned_data["range"]
    default = form.preset_range(DEFAULT_PRESET)
    if not params:  # the form shows what the page shows
        form.initial = {"preset": DEFAULT_PRESET, "start": default.start, "end": default.end}
    return form, default


# --- Buckets for the charts ---------------------------------------------------------------


def _week_start(day):
    return day - datetime.timedelta(days=day.weekday())


def _next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def buckets(date_range):
    """[(bucket_start, bucket_end_inclusive)] covering the range; weeks or months."""
    weekly = date_range.days <= WEEKLY_UP_TO_DAYS
    out = []
    cursor = _week_start(date_range.start) if weekly else date_range.start.replace(day=1)
    while cursor <= date_range.end:
        following = cursor + datetime.timedelta(days=7) if weekly else _next_month(cursor)
        out.append((cursor, following - datetime.timedelta(days=1)))
        cursor = following
    return weekly, out


def _as_date(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


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
        mentors=Count("pk", filter=active & Q(role__in=("mentor", "both"))),
        mentees=Count("pk", filter=active & Q(role__in=("mentee", "both"))),
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
    by_bucket = {_as_date(r["bucket"]): r["n"] for r in rows}
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
                When(status=status.OPEN, due_on__lt=today, then=Value(True)),
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
            due, done = by_bucket.get(_as_date(row["bucket"]), (0, 0))
            if row["status"] == status.DONE:
                figures["due_done"] += n
                done += n
            elif row["status"] == status.DROPPED:
                figures["due_dropped"] += n
            by_bucket[_as_date(row["bucket"])] = (due + n, done)
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


def stalled_threshold(program, now):
    """(moment, day): a pair whose last session (or start) is before these is stalled."""
    threshold = now - datetime.timedelta(days=2 * program.cadence_days)
    return threshold, timezone.localdate(threshold)


def is_stalled(status, last_session, started_on, created_at, threshold, threshold_day):
    """The stalled rule for one row (the query in stalled_pairs is the same rule)."""
    if status != Pair.Status.ACTIVE:
        return False
    if last_session is not None:
        return last_session < threshold
    if started_on is not None:
        return started_on < threshold_day
    return created_at < threshold


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


def _name(display_name, email):
    return display_name or email.split("@")[0]  # as User.name


def stalled_pairs(program, now=None):
    """Active pairs with no logged session within twice the cadence, oldest activity first."""
    now = now or timezone.now()
    threshold, threshold_day = stalled_threshold(program, now)
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
        .filter(
            Q(last_session__lt=threshold)
            | Q(last_session__isnull=True, started_on__lt=threshold_day)
            | Q(last_session__isnull=True, started_on__isnull=True, created_at__lt=threshold)
        )
        .order_by(F("last_session").asc(nulls_first=True), "started_on", "pk")
        .values_list(
            "pk", "mentor__user__display_name", "mentor__user__email", "mentor__user_id",
            "mentee__user__display_name", "mentee__user__email", "mentee__user_id",
            "started_on", "created_at", "last_session", "last_done",
        )
    )  # fmt: skip
    return [
        StalledPair(
            pk=pk,
            mentor_name=_name(mentor_display, mentor_email),
            mentee_name=_name(mentee_display, mentee_email),
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
    from sessions.models import SentEmail

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
    from django.conf import settings

    return getattr(settings, "HEALTH_CACHE_SECONDS", 60)


def cached_program_health(program, date_range, now=None):
    """program_health, shared for a minute by every admin asking for the same range.

    The figures are aggregates over the whole program: recomputing them on every
    request of every admin would cost the database the same work over and over. Only
    which stalled pairs were nudged today is always read fresh (one query).
    """
    from django.core.cache import cache

    now = now or timezone.now()
    seconds = cache_seconds()
    if seconds <= 0:
        return program_health(program, date_range, now)
    key = ":".join(
        str(part)
        for part in (
            "health:v1",
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
    )


def active_pair_or_none(program, pair_id):
    """The pair if it belongs to the program and is active (nudging makes sense)."""
    return (
        Pair.objects.filter(program=program, pk=pair_id, status=Pair.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .first()
    )


# --- Nudging a stalled pair -----------------------------------------------------------------


def nudge_pair(pair, by, now=None):
    """Record one email to each member of the pair; at most one per person per day.

    Returns how many were recorded (0 when both were already nudged today). The rows go
    through the delivery outbox (sessions.delivery): delivered by id once the transaction
    commits, or, if the broker is down, by the next delivery sweep, with its retries and
    backoff when the mail server fails.
    """
    from mentorship.queue import enqueue
    from sessions.tasks import deliver_email

    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = 0
    for member in (pair.mentor, pair.mentee):
        key = nudge_key(pair.pk, member.user_id, today)
        context = {"pair_id": pair.pk, "by_id": by.pk}
        row_id = delivery.record(NUDGE_KIND, key, member.user, context, now=now)
        if row_id:
            enqueue(deliver_email, row_id)
            queued += 1
    return queued


@delivery.renderer(NUDGE_KIND)
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
    return delivery.Rendered(
        template=NUDGE_KIND,
        context={
            "name": row.user.name,
            "partner_name": partner.user.name,
            "program_name": pair.program.name,
            "cadence_days": pair.program.cadence_days,
            "last_session": last,
            "pair_url": pair_url(pair.pk),
        },
    )
