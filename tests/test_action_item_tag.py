"""{% action_item %} (sessions/templatetags/action_items.py) gives the HTML of the template
partial it replaced, for every kind of action, person, language and state: that partial,
as it stood in the dashboard before, is the reference here."""

import datetime
import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairs.models import Pair
from sessions.dashboard import flag_due
from sessions.models import NextAction
from sessions.timeline import label_action

pytestmark = pytest.mark.django_db

# The partial of templates/sessions/dashboard.html before the tag (commit 368ea84).
REFERENCE = """{% load i18n %}
<li class="action-item{% if action.is_overdue and action.status == 'open' %} action-overdue{% endif %}" id="action-{{ action.pk }}">
  {% if action.status == "open" %}
    <span class="action-text">{{ action.text }}</span>
    <span class="small muted">
      · {{ action.pair.mentor.user.name }} ↔ {{ action.pair.mentee.user.name }}
      · {% if action.owner == "both" %}{% translate "both of you" %}{% else %}{{ action.owner_label }}{% endif %}
    </span>
    {% if action.is_overdue %}
      <span class="badge badge-danger overdue">{% blocktranslate with date=action.due_on|date:"DATE_FORMAT" %}Overdue since {{ date }}{% endblocktranslate %}</span>
    {% elif action.is_due_soon %}
      <span class="badge badge-warn">{% blocktranslate with date=action.due_on|date:"DATE_FORMAT" %}Due {{ date }}{% endblocktranslate %}</span>
    {% else %}
      <span class="badge">{% blocktranslate with date=action.due_on|date:"DATE_FORMAT" %}Due {{ date }}{% endblocktranslate %}</span>
    {% endif %}
    {% if can_write %}
    {% url 'sessions:action_done' action.pk as done_url %}
    <form method="post" action="{{ done_url }}" class="inline"
          hx-post="{{ done_url }}" hx-target="#action-{{ action.pk }}" hx-swap="outerHTML">
      {% csrf_token %}
      <input type="hidden" name="version" value="{{ action.version }}">
      <input type="hidden" name="next" value="{{ request.get_full_path }}">
      <button type="submit" class="button-small secondary">{% translate "Mark done" %}<span class="sr-only">: {{ action.text }}</span></button>
    </form>
    {% endif %}
  {% elif action.status == "done" %}
    <span class="action-text done-text">{{ action.text }}</span>
    <span class="badge badge-ok">{% translate "Done" %}</span>
  {% else %}
    <span class="action-text">{{ action.text }}</span>
    <span class="badge">{% translate "Dropped" %}</span>
  {% endif %}
  {% if error %}<p class="errorlist" role="alert">{{ error }}</p>{% endif %}
  {% if just_done %}<span class="sr-only" role="status">{% blocktranslate with text=action.text %}Marked done: {{ text }}{% endblocktranslate %}</span>{% endif %}
</li>"""  # noqa: E501 - the template as it was
TAG = (
    "{% load action_items %}"
    "{% action_item action can_write=can_write error=error just_done=just_done %}"
)
TODAY = datetime.date(2026, 12, 3)


def _same(html):
    """As a browser reads it: runs of whitespace are one space; between tags none, but
    where it shows (between inline elements: the text, the badges, the form)."""
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"</span> <(span|form)", "</span>\x00<\\1", html)
    return re.sub(r">\s+<", "><", html).replace("\x00", " ").strip()


def _render(source, action, request, **state):
    context = {"action": action, "csrf_token": "TOKEN<&>", **state}
    return engines["django"].from_string(source).render(context, request)


@pytest.fixture
def pair(world):
    return Pair.objects.select_related("mentor__user", "mentee__user", "program").get(
        pk=world.pair.pk
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    status=st.sampled_from(["open", "done", "dropped"]),
    owner=st.sampled_from(["mentor", "mentee", "both"]),
    due_in=st.integers(-40, 40),
    pk=st.integers(1, 10**12),
    version=st.integers(1, 10**6),
    text=st.text(max_size=60),
    can_write=st.booleans(),
    error=st.sampled_from([None, "", "Someone marked it first: <reload> & try again."]),
    just_done=st.booleans(),
    language=st.sampled_from(["en", "de", "fr", "es"]),
    path=st.sampled_from(["/", "/?page=2&x=<y>", "/pairs/5/"]),
    pair_status=st.sampled_from(["active", "paused", "completed"]),
)
def test_the_tag_gives_the_partials_html(pair, status, owner, due_in, pk, version, text,
                                         can_write, error, just_done, language, path,
                                         pair_status):  # fmt: skip
    pair.status = pair_status
    action = NextAction(
        pk=pk, pair=pair, text=text, owner=owner, status=status, version=version,
        due_on=TODAY + datetime.timedelta(days=due_in),
    )  # fmt: skip
    request = RequestFactory().get(path)
    state = {"can_write": can_write, "error": error, "just_done": just_done}
    with translation.override(language):
        flag_due(label_action(action), TODAY)
        expected = _render(REFERENCE, action, request, **state)
        got = _render(TAG, action, request, **state)
    assert _same(got) == _same(expected)


def test_the_dashboard_shows_every_action_through_the_tag(client, world):
    from tests.factories import make_action

    for i in range(3):
        make_action(world.pair, text=f"MINE-{i}", owner="mentee")
        make_action(world.pair, text=f"THEIRS-{i}", owner="mentor")
    client.force_login(world.mentee.user)
    html = client.get("/").content.decode()
    assert html.count('class="action-item') == 6
    mine = html[html.index('id="my-actions"') : html.index('id="partner-actions"')]
    assert mine.count("<form") == 3 and "MINE-2" in mine  # mine: with the form
    theirs = html[html.index('id="partner-actions"') :]
    assert "THEIRS-0" in theirs and 'hx-post="/actions/' not in theirs.split("</ul>")[0]
