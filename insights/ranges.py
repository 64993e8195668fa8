"""Program health: the date range an admin picks and the buckets charts group it in.

Days are the program's local days (the request's time zone), never UTC dates.
"""

import dataclasses
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship import bounds

DAYS_PER_MONTH = 30.44
WEEKLY_UP_TO_DAYS = 120  # longer ranges are charted by month


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
EARLIEST = bounds.EARLIEST
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
            # Bounded even for a start date stored before the form refused absurd ones.
            longest = self.today - datetime.timedelta(days=LONGEST_DAYS)
            start = min(max(self.program.start_date, EARLIEST, longest), self.today)
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
        for name, day in (("start", start), ("end", end)):
            try:
                bounds.range_day(day, self.today)
            except bounds.DateOutOfRange as exc:
                self.add_error(name, str(exc))
        if self.errors:
            return data
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
