"""{% growth_entries %} (insights/templatetags/growth_entries.py) gives the HTML of the loop of
health/_growth_list.html it replaced, as that loop stood before (commit 92beb7a): for any
entries, times, texts with markup and line breaks, languages and viewers' time zones."""

import datetime
import zoneinfo

from django.template import engines
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from insights.growth import Entry
from tests.factories import make_session
from tests.test_score_tag import same

REFERENCE = (
    '{% for e in entries %}<li><span class="small muted">{{ e.when|date:"DATE_FORMAT" }}</span>'
    '<div class="growth-text">{{ e.text|linebreaksbr }}</div></li>{% endfor %}'
)
TAG = "{% load growth_entries %}{% growth_entries entries %}"
MOMENTS = st.datetimes(
    min_value=datetime.datetime(2016, 1, 1),
    max_value=datetime.datetime(2027, 12, 31),
    timezones=st.just(datetime.UTC),
)
TEXTS = st.sampled_from(["", "A thing", "two\nlines <b>&amp;", "x\r\ny", "é «»"])


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@settings(max_examples=300, deadline=None)
@given(
    entries=st.lists(st.builds(Entry, MOMENTS, TEXTS), max_size=8),
    repeat=st.booleans(),
    language=st.sampled_from(["en", "de", "fr", "es"]),
    zone=st.sampled_from(["UTC", "Europe/Lisbon", "America/Los_Angeles", "Asia/Kolkata"]),
)
def test_the_tag_gives_the_loops_html(entries, repeat, language, zone):
    if repeat and entries:  # a session's learning, teaching and questions share its moment
        entries = entries + [Entry(entries[0].when, "again")]
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        assert same(render(TAG, entries=entries)) == same(render(REFERENCE, entries=entries))


def test_the_growth_page_lists_the_entries(client, world):
    session = make_session(world.pair, author=world.mentee.user)
    session.sides.create(author=world.mentee.user, side="mentee", learned="LEARNED <it>")
    client.force_login(world.mentee.user)
    html = client.get("/growth/").content.decode()
    assert '<div class="growth-text">LEARNED &lt;it&gt;</div>' in html
