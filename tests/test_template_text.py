"""mentorship.template_text writes what the template tags it stands in for write."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from mentorship import template_text as text
from pairs.models import Pair

LANGUAGES = ["en", "de", "fr", "es"]
ZONES = ["UTC", "Pacific/Kiritimati", "America/Los_Angeles"]
MOMENT = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC)
VALUES = [
    "O'Brien <script>&",
    mark_safe("<b>safe</b>"),
    0,
    1,
    12345,
    2.5,
    Decimal("1.25"),
    None,
    datetime.date(2026, 3, 4),
    MOMENT,
]


def engine(source, **context):
    return engines["django"].from_string("{% load i18n %}" + source).render(context)


@pytest.fixture(params=[(lang, zone) for lang in LANGUAGES for zone in ZONES])
def locale(request):
    lang, zone = request.param
    with translation.override(lang), timezone.override(zoneinfo.ZoneInfo(zone)):
        yield


def test_text_is_a_variable(locale):
    for value in VALUES:
        assert text.text(value) == engine("{{ v }}", v=value)


def test_date_is_the_date_filter(locale):
    for value in (datetime.date(2026, 3, 4), MOMENT, None, ""):
        for fmt in ("DATE_FORMAT", "SHORT_DATE_FORMAT", "j F Y"):
            assert text.date(value, fmt) == engine("{{ v|date:f }}", v=value, f=fmt)
    for fmt in ("DATETIME_FORMAT", "Y-m-d H:i"):  # the day can change with the zone
        assert text.date(MOMENT, fmt) == engine("{{ v|date:f }}", v=MOMENT, f=fmt)


def test_blocktranslate_is_the_tag(locale):
    for mentor in VALUES:
        got = text.blocktranslate("%(mentor)s and %(mentee)s", mentor=mentor, mentee="Bo & Al")
        want = engine(
            "{% blocktranslate %}{{ mentor }} and {{ mentee }}{% endblocktranslate %}",
            mentor=mentor,
            mentee="Bo & Al",
        )
        assert got == want


def test_blocktranslate_count_is_the_tag(locale):
    for n in (0, 1, 2, 5, 21, 1000):
        got = text.blocktranslate_count("%(n)s day ago", "%(n)s days ago", n, n=n)
        want = engine(
            "{% blocktranslate count n=n %}{{ n }} day ago{% plural %}"
            "{{ n }} days ago{% endblocktranslate %}",
            n=n,
        )
        assert got == want


def test_choice_labels_are_the_display_labels_in_the_active_language():
    for lang in LANGUAGES:
        with translation.override(lang):
            labels = text.choice_labels(Pair.Status)
            for value, label in Pair.Status.choices:
                assert labels[value] == str(label) == Pair(status=value).get_status_display()
    with translation.override("de"):
        german = text.choice_labels(Pair.Status)["active"]
    with translation.override("en"):
        assert text.choice_labels(Pair.Status)["active"] == "Active" != german


@pytest.mark.parametrize(
    "name, args",
    [("sessions:action_done", []), ("sessions:side", []), ("sessions:ics", []),
     ("pairs:request_respond", [])],
)  # fmt: skip
@pytest.mark.parametrize("row_id", [1, 42, 999999999, 10**15])
def test_url_pattern_is_the_url_tag(name, args, row_id):
    expected = engine(f"{{% url '{name}' {' '.join(map(str, args))} row_id %}}", row_id=row_id)
    assert text.url_pattern(name, *args).format(row_id) == expected


@pytest.mark.parametrize("token", [None, "", "NOTPROVIDED", "abc123", "<&\"'>"])
def test_csrf_input_is_the_csrf_token_tag(token):
    context = {} if token is None else {"csrf_token": token}
    assert text.csrf_input(context) == engine("{% csrf_token %}", **context)
