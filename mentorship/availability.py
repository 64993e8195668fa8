"""Weekly availability windows: [{"day": 0-6, "start": "HH:MM", "end": "HH:MM"}, …].

Stored in the participant's own time zone (the user's time_zone), as they typed them.
"""

import datetime
import re

from django.utils.translation import gettext as _

from mentorship.models.programs import Weekday

MAX_WINDOWS = 14
DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WINDOW = re.compile(
    r"^\s*(?P<day>[A-Za-z]{3})[A-Za-z]*\.?\s+(?P<start>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


class AvailabilityError(ValueError):
    pass


def _time(text):
    try:
        return datetime.time.fromisoformat(text.zfill(5))
    except ValueError:
        raise AvailabilityError(_("%(time)s is not a time (use HH:MM).") % {"time": text})


def window(day, start, end):
    """One validated window; start and end are datetime.time or "HH:MM"."""
    if isinstance(start, str):
        start = _time(start)
    if isinstance(end, str):
        end = _time(end)
    if day not in range(7):
        raise AvailabilityError(_("Choose a day of the week."))
    if end <= start:
        raise AvailabilityError(
            _("%(day)s: the end time must be after the start time.") % {"day": Weekday(day).label}
        )
    return {"day": day, "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}


def normalise(windows):
    """Sorted, without duplicates; raises AvailabilityError on too many or overlapping."""
    unique = {(w["day"], w["start"], w["end"]): w for w in windows}
    result = sorted(unique.values(), key=lambda w: (w["day"], w["start"]))
    if len(result) > MAX_WINDOWS:
        raise AvailabilityError(_("At most %(n)d windows a week.") % {"n": MAX_WINDOWS})
    for a, b in zip(result, result[1:], strict=False):
        if a["day"] == b["day"] and b["start"] < a["end"]:
            raise AvailabilityError(
                _("%(day)s: two windows overlap.") % {"day": Weekday(a["day"]).label}
            )
    return result


def parse_text(text):
    """'Mon 09:00-11:00; Wed 14:00-15:30' → windows. Raises AvailabilityError."""
    windows = []
    for part in re.split(r"[;\n]", text or ""):
        if not part.strip():
            continue
        m = _WINDOW.match(part)
        if not m or m["day"].lower() not in DAY_NAMES:
            raise AvailabilityError(
                _("“%(part)s” is not a window like “Mon 09:00-11:00”.") % {"part": part.strip()}
            )
        windows.append(window(DAY_NAMES.index(m["day"].lower()), m["start"], m["end"]))
    return normalise(windows)


def to_text(windows):
    return "; ".join(
        f"{DAY_NAMES[w['day']].title()} {w['start']}-{w['end']}" for w in windows or []
    )


def describe(windows):
    """Human labels, e.g. ["Monday 09:00–11:00"]."""
    return [f"{Weekday(w['day']).label} {w['start']}–{w['end']}" for w in windows or []]
