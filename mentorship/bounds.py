"""The dates people may enter, in one place for every form and service that takes one.

A date outside its range is refused with a message and never stored: years such as 0001
or 9999 overflow time-zone arithmetic (SQLite: a 500) and PostgreSQL's timestamp range
(a row that breaks every page showing it), and a date decades off is always a typo.

Each check raises DateOutOfRange (a ValueError whose text is for the person); forms turn
it into a field error (`form_check`), services into their own error.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = datetime.date(2000, 1, 1)  # nothing a person records here happened earlier
PLAN_DAYS_AHEAD = 366  # scheduled sessions and action due dates: within a year
PROGRAM_YEARS_AHEAD = 5  # a program may be planned this far ahead
PROGRAM_LONGEST_YEARS = 10  # and run this long
RANGE_DAYS_AHEAD = 366  # a health range may look this far ahead (planned sessions)


class DateOutOfRange(ValueError):
    """A date outside what the field accepts; str() is the message for the person."""


def _years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _local_date(value):
    """The calendar date a person typed, without time-zone arithmetic (it can overflow)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def check(value, earliest, latest):
    """Raise DateOutOfRange unless earliest <= value's date <= latest."""
    day = _local_date(value)
    if day < earliest:
        raise DateOutOfRange(
            _("Choose a date on or after %(date)s.") % {"date": earliest.isoformat()}
        )
    if day > latest:
        raise DateOutOfRange(
            _("Choose a date on or before %(date)s.") % {"date": latest.isoformat()}
        )
    return value


def today():
    return timezone.localdate()


def session_time(when, now=None):
    """When a logged session happened: since EARLIEST, not beyond a year ahead (the service
    refuses any future time itself; this bound only keeps arithmetic safe)."""
    now = now or timezone.now()
    return check(when, EARLIEST, timezone.localdate(now) + datetime.timedelta(PLAN_DAYS_AHEAD))


def planned_time(when, now=None):
    """A scheduled session: in the future, within a year."""
    now = now or timezone.now()
    today, day = timezone.localdate(now), _local_date(when)
    # Calendar dates first: comparing aware datetimes in year 1 or 9999 can overflow.
    if day < today - datetime.timedelta(days=1):
        raise DateOutOfRange(_("Schedule the next session in the future."))
    if day > today + datetime.timedelta(days=PLAN_DAYS_AHEAD + 1):
        raise DateOutOfRange(_("Schedule the next session within a year."))
    if when <= now:
        raise DateOutOfRange(_("Schedule the next session in the future."))
    if when > now + datetime.timedelta(days=PLAN_DAYS_AHEAD):
        raise DateOutOfRange(_("Schedule the next session within a year."))
    return when


def due_date(day, on=None):
    """An action's due date: from today, within a year."""
    on = on or today()
    if day < on:
        raise DateOutOfRange(_("The due date is in the past."))
    if day > on + datetime.timedelta(days=PLAN_DAYS_AHEAD):
        raise DateOutOfRange(_("The due date is more than a year away."))
    return day


GOAL_DAYS_AHEAD = 2 * 366  # a goal for a partnership: within two years


def goal_target(day, on=None):
    """A goal's target date: from today, within two years."""
    on = on or today()
    if day < on:
        raise DateOutOfRange(_("The target date is in the past. Choose today or a later day."))
    if day > on + datetime.timedelta(days=GOAL_DAYS_AHEAD):
        raise DateOutOfRange(_("Choose a target date within two years."))
    return day


def program_start(day, on=None):
    on = on or today()
    return check(day, EARLIEST, _years_after(on, PROGRAM_YEARS_AHEAD))


def program_end(day, start, on=None):
    """A program's end: not before its start, at most PROGRAM_LONGEST_YEARS after it."""
    if day < start:
        raise DateOutOfRange(_("The end date must be on or after the start date."))
    return check(day, EARLIEST, _years_after(max(start, EARLIEST), PROGRAM_LONGEST_YEARS))


def range_day(day, on=None):
    """A day of a date range an admin picks to look at (health, exports)."""
    on = on or today()
    return check(day, EARLIEST, on + datetime.timedelta(days=RANGE_DAYS_AHEAD))


def form_check(rule, value, *args, **kwargs):
    """rule(value, ...) for a form: DateOutOfRange becomes a ValidationError."""
    try:
        return rule(value, *args, **kwargs)
    except DateOutOfRange as exc:
        raise forms.ValidationError(str(exc)) from exc


# --- Ids and versions from forms and query strings ------------------------------------------

MAX_INT = 2**31 - 1  # ids and versions beyond this never exist (and overflow databases)


def small_int(raw):
    """A non-negative int that a database column can hold, or None (never an exception)."""
    raw = str(raw if raw is not None else "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if value <= MAX_INT else None
