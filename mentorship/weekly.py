"""The weekly moment: on which weekday, and when on it, a person's weekly email is due.

One rule for the weekly nudge (sessions.nudges) and the admin digest (insights.digests):
the person's own nudge day (their email preference), else their earliest program's
(by start date), else Monday; at 09:00 in their own time zone, daylight saving included.
"""

import datetime

from mentorship.timezones import zone

SEND_AT = datetime.time(9, 0)
MONDAY = 0


def weekday_for(preference, earliest_program_weekday):
    """The weekday (0 = Monday) of a person's weekly email."""
    if preference is not None and preference.nudge_weekday is not None:
        return preference.nudge_weekday
    if earliest_program_weekday is not None:
        return earliest_program_weekday
    return MONDAY


def weekly_slot(time_zone, weekday, now):
    """(week label, the moment of this ISO week's email in UTC) for a person."""
    tz = zone(time_zone)
    local_today = now.astimezone(tz).date()
    iso_year, iso_week, iso_day = local_today.isocalendar()
    day = local_today + datetime.timedelta(days=weekday - (iso_day - 1))
    moment = datetime.datetime.combine(day, SEND_AT, tzinfo=tz).astimezone(datetime.UTC)
    return f"{iso_year}-W{iso_week:02d}", moment


def due_now(time_zone, weekday, now):
    """(week label, due): due from 09:00 until the end of the person's weekday, this week.

    Only on that day: a first start, or a worker back after an outage, later in the week
    does not send last Monday's nudge on a Thursday (it would read as sent on the wrong day).
    """
    week, moment = weekly_slot(time_zone, weekday, now)
    tz = zone(time_zone)
    day_ends = datetime.datetime.combine(
        moment.astimezone(tz).date() + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
    )
    return week, moment <= now < day_ends
