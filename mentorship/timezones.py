import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
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
