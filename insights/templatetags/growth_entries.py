"""{% growth_entries entries %}: the list items of a "My growth" list, each a date and what
was written.

Written in Python rather than as the loop of health/_growth_list.html: the page lists
everything a person recorded across their pairs (about 400 entries for a member of the
x10 set), and each entry's {{ when|date }} and {{ text|linebreaksbr }} through the engine
cost more than the rest of the page. A date is written once per day and language (a
session's learning, teaching and questions share it, and many entries share a day).
tests/test_growth_entries_tag.py renders the loop this replaced beside it and requires the
same HTML.
"""

import datetime
import functools

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

from mentorship.template_text import date

register = template.Library()


@functools.lru_cache(maxsize=4096)
def _day_text(day, language):
    """{{ day|date:"DATE_FORMAT" }} in `language` (the active one: part of the key)."""
    return date(day)


@register.simple_tag
def growth_entries(entries):
    language = get_language()
    items = []
    for entry in entries:
        when = entry.when
        # {{ when|date:"DATE_FORMAT" }}: a moment is shown on its day in the viewer's zone.
        if isinstance(when, datetime.datetime):
            when = template_localtime(when).date()
        items.append(
            f'<li><span class="small muted">{_day_text(when, language)}</span>'
            f'<div class="growth-text">{linebreaksbr(entry.text, autoescape=True)}</div></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 - date() and linebreaksbr escape
