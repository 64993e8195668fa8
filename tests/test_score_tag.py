"""{% match_score %} (pairs/templatetags/scores.py) gives the HTML of the inclusion template
it replaced, pairs/_score.html, for any score, breakdown, reasons and language: that
template, as it stood before (commit ca6d32c), is the reference here."""

import re
import types

from django.template import engines
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from pairs import score_labels

# templates/pairs/_score.html before the tag was written in Python.
REFERENCE = """{% load i18n scores %}<span class="score"><strong class="score-label">{{ s.label|capfirst }}</strong> · {{ s.points }} / 100</span>
{% if s.parts or reasons %}<details class="score-details">
  <summary class="small">{% translate "Why this score" %}</summary>
  {% if s.parts %}<dl class="score-parts small">
    {% for p in s.parts %}<div><dt>{{ p.label }}</dt><dd>{{ p.text }}</dd></div>{% endfor %}
    {% if overlap is not None %}<div><dt>{% translate "Weekly overlap" %}</dt><dd>{% blocktranslate with h=overlap|floatformat:"-1" %}{{ h }} h{% endblocktranslate %}</dd></div>{% endif %}
  </dl>{% endif %}
  {% if reasons %}<ul class="small">{% for r in reasons %}<li>{{ r|reason_text }}</li>{% endfor %}</ul>{% endif %}
</details>{% endif %}
"""  # noqa: E501 - the template as it was
TAG = "{% load scores %}{% match_score score program breakdown reasons %}"
PROGRAM = types.SimpleNamespace(
    weight_teach=1.0, weight_learn=0.6, weight_goals=0.3, weight_availability=0.4
)
NAMES = st.sampled_from(["Maya", "Théo <b>&", 'O\'Neil "Q"', ""])
REASONS = st.one_of(
    st.builds(
        lambda code, a, b, skills, keys: {"code": code, "mentor": a, "mentee": b,
                                          "skills": skills, "mentor_key": keys[0],
                                          "mentee_key": keys[1]},
        st.sampled_from(["teach", "learn", "teaches_nothing"]), NAMES, NAMES,
        st.lists(st.sampled_from(["SQL", "R&D", "<script>"]), max_size=3),
        st.sampled_from([(1, 2), (2, 1)]),
    ),
    st.builds(lambda goals: {"code": "goals", "goals": goals},
              st.lists(st.sampled_from(["Lead", "a < b"]), max_size=2)),
    st.just({"code": "no_availability"}),
    st.builds(lambda h: {"code": "overlap", "hours": h},
              st.floats(0, 80, allow_nan=False)),
    st.sampled_from(["stored as words <i>", "", {"code": "unknown"}]),
)  # fmt: skip
BREAKDOWNS = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["teach", "learn", "goals", "availability", "overlap_hours"]),
        st.one_of(st.floats(-1, 3, allow_nan=False), st.integers(0, 2)),
    ),
)


def same(html):
    """As a browser reads it: each run of whitespace is one space."""
    return re.sub(r"\s+", " ", html).strip()


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@settings(max_examples=300, deadline=None)
@given(
    score=st.one_of(st.none(), st.floats(-1, 5, allow_nan=False), st.integers(0, 3)),
    breakdown=BREAKDOWNS,
    reasons=st.one_of(st.none(), st.lists(REASONS, max_size=4)),
    language=st.sampled_from(["en", "de", "fr", "es"]),
)
def test_the_tag_gives_the_templates_html(score, breakdown, reasons, language):
    with translation.override(language):
        expected = render(
            "{% load i18n scores %}" + REFERENCE,
            s=score_labels.describe(score, PROGRAM, breakdown),
            overlap=(breakdown or {}).get("overlap_hours"),
            reasons=reasons or [],
        )
        got = render(TAG, score=score, program=PROGRAM, breakdown=breakdown, reasons=reasons)
    assert same(got) == same(expected)


def test_a_difference_fails_the_comparison():
    """The comparison itself can fail: a missing space is not the same HTML."""
    assert same("<b>a</b> · 5") != same("<b>a</b>· 5")
