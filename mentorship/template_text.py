"""What a few template tags write, in Python, for the rows a view builds once per page.

Through the template engine a {% blocktranslate %} or a {{ value|date }} costs 10-40 µs; in
a list it runs for every row, several times. A view can build those strings here instead
(the same msgids, the same localisation and escaping) and the row template only writes
them out. tests/test_template_text.py compares each function with the tag it replaces.
"""

import html

from django.conf import settings
from django.template.base import render_value_in_context
from django.template.context import Context
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.safestring import SafeData, SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext

# What a template's {{ value }} writes: localised, in the current time zone, escaped.
_OUTPUT = Context(autoescape=True)


def text(value):
    """{{ value }}."""
    kind = type(value)
    if kind is str:  # django.utils.html.escape without its lazy-argument wrapper
        return SafeString(html.escape(value))
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize() writes for an int without grouping
    if isinstance(value, SafeData):
        return value
    return render_value_in_context(value, _OUTPUT)


def csrf_input(context):
    """{% csrf_token %}: the hidden input with the context's token (none without one)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return SafeString(f'<input type="hidden" name="csrfmiddlewaretoken" value="{text(token)}">')


def url_pattern(name, *args):
    """{% url name *args id %} for every row: reverse() once with a placeholder id (20 µs a
    call), then `pattern.format(row_id)`."""
    return reverse(name, args=[*args, 999999999]).replace("999999999", "{}")


def date(value, format="DATE_FORMAT"):
    """{{ value|date:format }}: a datetime is shown in the current time zone."""
    return text(date_filter(template_localtime(value), format))


def blocktranslate(message, **values):
    """{% blocktranslate with k=v %}…{% endblocktranslate %}; message is its msgid."""
    return fill(gettext(message), **values)


def fill(translated, **values):
    """blocktranslate with the message already translated (once for a page's rows)."""
    return SafeString(translated % {k: text(v) for k, v in values.items()})


def blocktranslate_count(singular, plural, count, **values):
    """{% blocktranslate count n=count %}…{% plural %}…{% endblocktranslate %}; `values`
    holds the counter too (under its own name, as the msgids use it)."""
    return SafeString(ngettext(singular, plural, count) % {k: text(v) for k, v in values.items()})


_LABELS = {}  # (choices class, language) -> {value: label}


def choice_labels(choices):
    """{value: label} of a TextChoices in the active language, translated once per language
    and process: get_FOO_display rebuilds its dict on each call, and a lazy label
    translates again each time a page writes it (hundreds of times on the pair page)."""
    key = (choices, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(label) for value, label in choices.choices}
    return labels
