import datetime
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def all_time_zones():
    return sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


@lru_cache(maxsize=1)
def known_time_zones():
    """The names of all_time_zones, for membership tests."""
    return frozenset(all_time_zones())


def zone(name, fallback="UTC"):
    """The time zone of that name; the fallback zone (or None) when empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(name or fallback)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return zoneinfo.ZoneInfo(fallback) if fallback else None


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in all_time_zones()]


def validate_time_zone(value):
    if value not in known_time_zones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def zone_of(who):
    """The tzinfo of a user (their time_zone), a zone name, or a tzinfo; UTC when unknown."""
    if isinstance(who, datetime.tzinfo):
        return who
    return zone(getattr(who, "time_zone", who))


def local_date(moment, who):
    """The calendar date of an aware datetime where `who` (user, zone name or tzinfo) is."""
    return moment.astimezone(zone_of(who)).date()


def local_today(who, now=None):
    """Today where `who` is. Every date a person sees or a rule compares ("overdue", "days
    since") uses the person's own today, never the server's UTC date.

    A program has no time zone of its own: its pages use the viewer's today (the request
    runs in the viewer's zone), its emails the recipient's.
    """
    return local_date(now or timezone.now(), who)


def as_local_date(value):
    """A date from a database truncation: datetimes (aware) become the current zone's date."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value
