"""{% suggestion_row %} (pairs/templatetags/suggestion_rows.py) gives the HTML of the
matching review's row partial it replaced, for every status, problem, warning, reason, name
and language: that partial, as it stood before (commit ca6d32c), is the reference here."""

from django.template import engines
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.templatetags.people import avatar
from pairs.models import MatchRun, Suggestion
from pairs.views import _row_words
from tests.factories import make_participant, make_user
from tests.test_score_tag import NAMES, PROGRAM, REASONS, same

# The suggestion-row partial of templates/pairs/matching.html before the tag.
REFERENCE = """{% load i18n scores %}<tr id="suggestion-{{ s.pk }}" role="row">
  <td role="cell" class="pick-cell full">{% if s.status == "draft" %}<label class="sr-only" for="pick-{{ s.pk }}">{{ s.select_label }}</label><input type="checkbox" id="pick-{{ s.pk }}" name="ids" value="{{ s.pk }}" form="bulk-form" class="pick"><span class="phone-only small muted" aria-hidden="true">{{ words.select }}</span>{% endif %}</td>
  <td role="cell" data-label="{{ words.mentor }}"><span class="person">{{ s.mentor_avatar }}<span>{{ s.mentor }}</span></span></td>
  <td role="cell" data-label="{{ words.mentee }}"><span class="person">{{ s.mentee_avatar }}<span>{{ s.mentee }}</span></span></td>
  <td role="cell" class="full" data-label="{{ words.score }}">{% match_score s.score program s.breakdown %}</td>
  <td role="cell" class="small full" data-label="{{ words.why }}">{{ s.reasons|reasons_line }}
    {% for w in s.warnings %}<br><span class="badge badge-warn">{{ w }}</span>{% endfor %}
    {% if s.status == "draft" %}{% for p in s.problems %}<br><span class="badge badge-danger">{{ words.cannot }} {{ p }}</span>{% endfor %}{% endif %}
    {% if row_error %}<p class="badge badge-danger" role="alert">{{ row_error }}</p>{% endif %}
  </td>
  <td role="cell" class="decision-cell full" data-label="{{ words.decision }}">
    {% if s.status == "draft" %}
      <div class="actions-row">
        <form method="post" action="{{ s.decide_url }}" hx-post="{{ s.decide_url }}" hx-target="#suggestion-{{ s.pk }}" hx-swap="outerHTML" class="inline">
          {% csrf_token %}
          {% if not s.problems %}<button type="submit" name="action" value="accept" class="button-small">{{ words.accept }}</button>{% endif %}
          <button type="submit" name="action" value="reject" class="button-small button-secondary">{{ words.reject }}</button>
        </form>
        <a class="small" href="{{ s.swap_url }}">{{ words.swap }}</a>
      </div>
    {% elif s.status == "accepted" %}<span class="badge badge-ok">{{ words.accepted }}</span>
    {% else %}<span class="badge">{{ words.rejected }}</span>{% endif %}
  </td>
</tr>
"""  # noqa: E501 - the template as it was
TAG = "{% load suggestion_rows %}{% suggestion_row s %}"
# All of a page's rows in one tag, as the review writes them, and the loop it replaced (of
# the one-row tag, itself the partial's HTML above): the same bytes.
ROWS_TAG = "{% load suggestion_rows %}{% suggestion_rows rows %}"
ROWS_LOOP = "{% load suggestion_rows %}{% for s in rows %}{% suggestion_row s %}{% endfor %}"


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@settings(max_examples=300, deadline=None)
@given(
    pk=st.integers(1, 10**12),
    status=st.sampled_from(["draft", "accepted", "rejected"]),
    mentor=NAMES,
    mentee=NAMES,
    score=st.one_of(st.none(), st.floats(0, 3, allow_nan=False)),
    breakdown=st.one_of(st.none(), st.fixed_dictionaries(
        {"teach": st.floats(0, 1), "learn": st.floats(0, 1)},
        optional={"overlap_hours": st.floats(0, 40), "warnings": st.lists(NAMES, max_size=2)},
    )),
    reasons=st.lists(REASONS, max_size=3),
    problems=st.lists(st.sampled_from(["Maya is full", "<b>paired</b> & gone"]), max_size=2),
    row_error=st.sampled_from([None, "", "Someone decided first: <reload> & retry."]),
    token=st.sampled_from([None, "NOTPROVIDED", "TOKEN<&>"]),
    language=st.sampled_from(["en", "de", "fr", "es"]),
)  # fmt: skip
def test_the_tag_gives_the_partials_html(
    pk, status, mentor, mentee, score, breakdown, reasons, problems, row_error, token, language
):
    with translation.override(language):
        s = row(pk, status, mentor, mentee, score, breakdown, reasons, problems)
        context = {"s": s, "words": _row_words(), "program": PROGRAM, "row_error": row_error}
        if token is not None:
            context["csrf_token"] = token
        expected = render(REFERENCE, **context)
        got = render(TAG, **context)
    assert same(got) == same(expected)


def test_the_rows_escape_the_pages_words_as_the_partial_did():
    """A translation with <, & or quotes is escaped in every row, as {{ words.x }} was."""
    words = {k: f"{v} <&\"'>" for k, v in _row_words().items()}
    s = row(7, "draft", "Maya", "Olga", 1.0, {"teach": 0.5}, [], ["gone"])
    context = {"s": s, "rows": [s, s], "words": words, "program": PROGRAM, "row_error": None}
    expected = render(REFERENCE, **context)
    assert "&lt;&amp;&quot;&#x27;&gt;" in expected
    assert same(render(TAG, **context)) == same(expected)
    assert render(ROWS_TAG, **context) == render(ROWS_LOOP, **context)


def row(pk, status, mentor, mentee, score, breakdown, reasons, problems):
    """A row as pairs/views.py's _review_rows makes it."""
    return {
        "pk": pk, "status": status, "score": score, "breakdown": breakdown,
        "reasons": reasons, "warnings": (breakdown or {}).get("warnings", ()),
        "problems": problems, "mentor": mentor, "mentee": mentee,
        "mentor_avatar": avatar(mentor, "small"), "mentee_avatar": avatar(mentee, "small"),
        "decide_url": f"/programs/p/matching/suggestions/{pk}/?a=<b>",
        "swap_url": f"/programs/p/matching/suggestions/{pk}/swap/",
        "select_label": mark_safe(f"Select {escape(mentor)} and {escape(mentee)}"),
    }  # fmt: skip


ROWS = st.lists(
    st.builds(
        row,
        pk=st.integers(1, 10**6),
        status=st.sampled_from(["draft", "accepted", "rejected"]),
        mentor=NAMES,
        mentee=NAMES,
        score=st.floats(0, 3, allow_nan=False),
        breakdown=st.one_of(st.none(), st.fixed_dictionaries(
            {"teach": st.floats(0, 1)}, optional={"warnings": st.lists(NAMES, max_size=1)}
        )),
        reasons=st.lists(REASONS, max_size=2),
        problems=st.lists(st.sampled_from(["Maya is full", "<b>gone</b>"]), max_size=1),
    ),
    max_size=4,
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(
    rows=ROWS,
    row_error=st.sampled_from([None, "Someone decided first: <reload>."]),
    token=st.sampled_from([None, "TOKEN<&>"]),
    language=st.sampled_from(["en", "de", "fr", "es"]),
)
def test_the_rows_tag_gives_the_loop_of_the_row_tag(rows, row_error, token, language):
    with translation.override(language):
        context = {"rows": rows, "words": _row_words(), "program": PROGRAM}
        context["row_error"] = row_error
        if token is not None:
            context["csrf_token"] = token
        expected = render(ROWS_LOOP, **context)
        got = render(ROWS_TAG, **context)
    assert got == expected


def test_the_review_and_a_decisions_row_show_the_rows(client, world):
    """The page lists its rows through the tag, and a decision sent with htmx gets its row
    back through the partial (a one-line wrapper of the tag)."""

    run = MatchRun.objects.create(program=world.program, status=MatchRun.Status.DONE)
    other = make_participant(world.program, make_user("zed@example.com", display_name="Zed"))
    suggestion = Suggestion.objects.create(
        run=run, mentor=world.mentor, mentee=other, score=1.5, breakdown={"teach": 1.0}
    )
    client.force_login(world.admin)
    page = client.get(f"/programs/{world.program.slug}/matching/").content.decode()
    assert page.count('id="suggestion-') == 1 and "Zed" in page and "Why this score" in page
    response = client.post(
        f"/programs/{world.program.slug}/matching/suggestions/{suggestion.pk}/",
        {"action": "reject"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="suggestion-{suggestion.pk}"'), html[:200]
    assert "badge" in html and "Zed" in html
