"""{% pair_row %} (insights/templatetags/pair_rows.py) gives the HTML of the Pairs page's
loop body it replaced, for every status, name, date, language and CSRF token: that loop body
(templates/health/pairs.html before the tag, commit 620da98) is the reference here."""

import datetime

import pytest
from django.template import engines
from django.template.defaultfilters import floatformat
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship import template_text as text
from mentorship.templatetags.people import avatar
from pairs.models import Pair
from tests.factories import make_pair
from tests.test_score_tag import NAMES, same

# The row labels and the loop body of templates/health/pairs.html before the tag.
REFERENCE = """{% load i18n %}{% translate "Mentor" as t_mentor %}{% translate "Mentee" as t_mentee %}{% translate "Started" as t_started %}{% translate "Last session" as t_last %}{% translate "Next session" as t_next %}{% translate "Sessions a month" as t_per_month %}{% translate "Actions" as t_actions %}{% translate "Sides added" as t_sides %}{% translate "none yet" as t_none_yet %}{% translate "not scheduled" as t_not_scheduled %}{% translate "Behind" as t_behind %}{% translate "Pause" as t_pause %}{% translate "Resume" as t_resume %}{% translate "End early" as t_end_early %}{% translate "Why does the pairing end? (both members see this)" as t_end_why %}{% translate "End the pairing" as t_end %}
    <li class="card pair-row" id="pair-{{ row.pk }}">
      <h3 class="pair-row-title">
        <span class="avatar-pair">{{ row.avatars }}</span>
        <a href="{{ row.url }}">{{ row.title }}</a>
        <span class="badge {% if row.status == 'active' %}badge-ok{% elif row.status == 'paused' or row.status == 'proposed' %}badge-warn{% elif row.status == 'ended' or row.status == 'declined' %}badge-danger{% endif %}">{{ row.status_label }}</span>
        {% if row.behind %}<span class="badge badge-warn">{{ t_behind }}</span>{% endif %}
      </h3>
      <dl class="facts small">
        <dt>{{ t_mentor }}</dt><dd><a href="{{ row.mentor_url }}">{{ row.mentor }}</a></dd>
        <dt>{{ t_mentee }}</dt><dd><a href="{{ row.mentee_url }}">{{ row.mentee }}</a></dd>
        <dt>{{ t_started }}</dt><dd>{{ row.started }}</dd>
        <dt>{{ t_last }}</dt><dd>{% if row.last_session %}{{ row.last_session }} <span class="muted">({{ row.days_ago }})</span>{% else %}{{ t_none_yet }}{% endif %}</dd>
        <dt>{{ t_next }}</dt><dd>{% if row.next_session %}{{ row.next_session }}{% else %}{{ t_not_scheduled }}{% endif %}</dd>
        <dt>{{ t_per_month }}</dt><dd>{{ row.per_month }}</dd>
        <dt>{{ t_actions }}</dt><dd>{{ row.actions }}</dd>
        <dt>{{ t_sides }}</dt><dd>{{ row.sides }}</dd>
      </dl>
      {% if row.status == "active" or row.status == "paused" %}
      <div class="actions-row">
        {% if row.status == "active" %}<form method="post" action="{{ row.status_url }}" class="inline">{% csrf_token %}<input type="hidden" name="next" value="{{ next_path }}"><button type="submit" name="action" value="pause" class="button-secondary button-small">{{ t_pause }}</button></form>{% endif %}
        {% if row.status == "paused" %}<form method="post" action="{{ row.status_url }}" class="inline">{% csrf_token %}<input type="hidden" name="next" value="{{ next_path }}"><button type="submit" name="action" value="resume" class="button-small">{{ t_resume }}</button></form>{% endif %}
        <details>
          <summary>{{ t_end_early }}</summary>
          <form method="post" action="{{ row.status_url }}">
            {% csrf_token %}
            <input type="hidden" name="action" value="end">
            <input type="hidden" name="next" value="{{ next_path }}">
            <p><label for="end-reason-{{ row.pk }}">{{ t_end_why }}</label>
              <textarea id="end-reason-{{ row.pk }}" name="reason" maxlength="2000" required rows="2"></textarea></p>
            <button type="submit" class="button-danger button-small">{{ t_end }}</button>
          </form>
        </details>
      </div>
      {% endif %}
    </li>
"""  # noqa: E501 - the template as it was
TAG = "{% load pair_rows %}{% pair_row row %}"
DATES = st.one_of(st.none(), st.just(""), st.dates(datetime.date(2020, 1, 1)))


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def _date(value):
    return value and text.date(value)


@settings(max_examples=300, deadline=None)
@given(
    pk=st.integers(1, 10**12),
    status=st.sampled_from(Pair.Status.values),
    behind=st.booleans(),
    mentor=NAMES,
    mentee=NAMES,
    started=st.one_of(st.none(), st.dates(datetime.date(2020, 1, 1))),
    last_session=DATES,
    next_session=DATES,
    days=st.integers(0, 400),
    counts=st.tuples(*[st.integers(0, 12)] * 4),
    rate=st.floats(0, 9, allow_nan=False),
    token=st.sampled_from([None, "NOTPROVIDED", "TOKEN<&>"]),
    next_path=st.sampled_from([None, "", "/programs/main/pairs/", "/programs/p/pairs/?q=<&>"]),
    language=st.sampled_from(["en", "de", "fr", "es"]),
)  # fmt: skip
def test_the_tag_gives_the_loop_bodys_html(
    pk, status, behind, mentor, mentee, started, last_session, next_session, days, counts,
    rate, token, next_path, language,
):  # fmt: skip
    with translation.override(language):
        # As insights.views._pair_rows builds a row.
        row = {
            "pk": pk, "status": status,
            "status_label": text.choice_labels(Pair.Status)[status],
            "avatars": avatar(mentor, "small") + avatar(mentee, "small"),
            "url": f"/pairs/{pk}/?a=<b>",
            "title": text.blocktranslate("%(mentor)s and %(mentee)s", mentor=mentor, mentee=mentee),
            "behind": behind,
            "mentor": mentor, "mentor_url": f"/programs/main/people/{pk}/",
            "mentee": mentee, "mentee_url": "/programs/main/people/1/&",
            "started": text.date(started) if started else "—",
            "last_session": _date(last_session),
            "days_ago": text.blocktranslate_count(
                "%(n)s day ago", "%(n)s days ago", days, n=days
            ),
            "next_session": _date(next_session),
            "per_month": text.blocktranslate(
                "%(n)s (cadence: %(e)s)", n=floatformat(rate, 1), e=floatformat(rate / 2, 1)
            ),
            "actions": text.blocktranslate(
                "%(open)s open, %(overdue)s overdue", open=counts[0], overdue=counts[1]
            ),
            "sides": text.blocktranslate("mentor %(m)s · mentee %(e)s", m=counts[2], e=counts[3]),
            "status_url": f"/pairs/{pk}/status/",
        }  # fmt: skip
        context = {"row": row}
        if token is not None:
            context["csrf_token"] = token
        if next_path is not None:
            context["next_path"] = next_path
        expected = render(REFERENCE, **context)
        got = render(TAG, **context)
    assert same(got) == same(expected)


@pytest.mark.django_db
def test_the_pairs_page_shows_every_row_through_the_tag(client, world):
    paused = make_pair(world.mentor, world.other, status="paused")
    ended = make_pair(world.other, world.mentee, status="ended")
    client.force_login(world.admin)
    url = f"/programs/{world.program.slug}/pairs/"
    for headers in ({}, {"HX-Request": "true"}):  # the page, and its results partial
        html = client.get(url, headers=headers).content.decode()
        assert html.count('<li class="card pair-row"') == 3
        for pair in (world.pair, paused, ended):
            assert f'id="pair-{pair.pk}"' in html
        row = html[html.index(f'id="pair-{world.pair.pk}"') :].split("</li>")[0]
        assert 'value="pause"' in row and 'name="csrfmiddlewaretoken"' in row
        assert f'<input type="hidden" name="next" value="{url}">' in row
        assert "Maya Mentor and Theo Mentee" in row and 'class="badge badge-ok"' in row
        row = html[html.index(f'id="pair-{paused.pk}"') :].split("</li>")[0]
        assert 'value="resume"' in row and f'id="end-reason-{paused.pk}"' in row
        row = html[html.index(f'id="pair-{ended.pk}"') :].split("</li>")[0]
        assert "<form" not in row and 'class="badge badge-danger"' in row
