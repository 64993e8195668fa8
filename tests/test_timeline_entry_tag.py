"""{% timeline_entry %} and {% session_side %} (sessions/templatetags/timeline_entries.py)
give the HTML of the templates they replaced: the pair page's timeline entry and
sessions/_side.html, as they stood before (commit ca6d32c), are the references here. The
cases cover the private-note rule (the note shows to its author only), members and admins
(who read no content), every action status, text with markup and line breaks, and four
languages."""

import datetime
import re
import types

import pytest
from django.template import engines
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorship.models import User
from sessions.models import NextAction, Session, SessionSide
from sessions.timeline import (
    TimelineEntry,
    _day_texts,
    _write_entries,
    label_action,
    label_session,
    side_labels,
)
from tests.test_score_tag import same

# templates/sessions/_side.html before the tag (its comment line left out).
SIDE = """<div class="session-side">
  <h4>{{ who.name }}</h4>
  {% if side %}
    {% if side.learned %}<h5>{{ side_labels.learned }}</h5><p class="side-learned">{{ side.learned|linebreaksbr }}</p>{% endif %}
    {% if side.shared %}<h5>{{ side_labels.shared }}</h5><p>{{ side.shared|linebreaksbr }}</p>{% endif %}
    {% if side.questions %}<h5>{{ side_labels.questions }}</h5><p class="side-questions">{{ side.questions|linebreaksbr }}</p>{% endif %}
    {% if side.unsure %}<h5>{{ side_labels.unsure }}</h5><p>{{ side.unsure|linebreaksbr }}</p>{% endif %}
    {% if side.private_note and side.author_id == user.pk %}
      <h5>{{ side_labels.private_note }} <span class="badge">{{ side_labels.only_you }}</span></h5>
      <p class="private-note">{{ side.private_note|linebreaksbr }}</p>
    {% endif %}
  {% else %}
    <p class="empty">{{ side_labels.not_added }}</p>
  {% endif %}
</div>
"""  # noqa: E501 - the template as it was
# The pair page's timeline entry before the tag, after the labels the page translated
# before its loop; its include of _side.html is written in place below (an include without
# `only` renders with the loop's context: the same HTML).
LABELS = """{% load i18n %}{% translate "Topics" as t_topics %}{% translate "Next actions agreed" as t_agreed %}{% translate "Reviewed" as t_reviewed %}{% translate "Edit my side" as t_edit_side %}{% translate "Add my side" as t_add_side %}{% translate "Mentor's side added" as t_mentor_added %}{% translate "Mentor's side missing" as t_mentor_missing %}{% translate "Mentee's side added" as t_mentee_added %}{% translate "Mentee's side missing" as t_mentee_missing %}"""  # noqa: E501 - the template as it was
BODY = """    <article class="card session-entry" id="session-{{ entry.session.pk }}">
      <h3>{{ entry.session.when_text }}
        <span class="small muted">· {{ entry.session.duration_minutes }} min · {{ entry.session.format_label }}</span></h3>
      {% if access.can_read_content %}
        {% if entry.session.topics %}<p><strong>{{ t_topics }}</strong> · {{ entry.session.topics }}</p>{% endif %}
        {% if entry.session.shared_notes %}<p class="shared-notes">{{ entry.session.shared_notes|linebreaksbr }}</p>{% endif %}
        <div class="grid grid-2 sides">
          {% for who, side in entry.sides %}
            {# One template decides what of a side shows, the private-note rule included. #}
            {% include "sessions/_side.html" %}
          {% endfor %}
        </div>
        {% if entry.created %}
          <h4>{{ t_agreed }}</h4>
          <ul>{% for a in entry.created %}<li>{{ a.text }} <span class="small muted">· {{ a.owner_label }} · {{ a.due_text }}</span> <span class="badge{% if a.status == 'done' %} badge-ok{% endif %}">{{ a.status_label }}</span></li>{% endfor %}</ul>
        {% endif %}
        {% if entry.reviewed %}
          <h4>{{ t_reviewed }}</h4>
          <ul>{% for a in entry.reviewed %}<li>{{ a.text }} <span class="badge">{% if a.status == "open" %}{{ a.carried_text }}{% else %}{{ a.status_label }}{% endif %}</span>{% if a.dropped_reason %} <span class="small muted">— {{ a.dropped_reason }}</span>{% endif %}</li>{% endfor %}</ul>
        {% endif %}
        <p class="actions-row"><a class="button button-small secondary" href="{{ entry.side_url }}">{% if access.role == "mentor" and entry.mentor_side or access.role == "mentee" and entry.mentee_side %}{{ t_edit_side }}{% else %}{{ t_add_side }}{% endif %}</a></p>
      {% else %}
        <p class="small">
          {% if entry.mentor_side %}{{ t_mentor_added }}{% else %}{{ t_mentor_missing }}{% endif %}
          · {% if entry.mentee_side %}{{ t_mentee_added }}{% else %}{{ t_mentee_missing }}{% endif %}
          · {% blocktranslate count n=entry.created|length %}{{ n }} action agreed{% plural %}{{ n }} actions agreed{% endblocktranslate %}
          · {% blocktranslate count n=entry.reviewed|length %}{{ n }} action reviewed{% plural %}{{ n }} actions reviewed{% endblocktranslate %}
        </p>
      {% endif %}
    </article>
"""  # noqa: E501 - the template as it was
ENTRY = LABELS + BODY.replace('{% include "sessions/_side.html" %}', SIDE)
ENTRY_TAG = "{% load timeline_entries %}{% timeline_entry entry %}"
SIDE_TAG = "{% load timeline_entries %}{% session_side side who %}"
VIEWER, PARTNER = 7, 8
WRITTEN = st.sampled_from(["", "One line", "two\nlines <b>&amp; more", " spaced\r\nout ", "é"])


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def _side(draw, author_id, role):
    if not draw(st.booleans()):
        return None
    return SessionSide(
        author_id=author_id, side=role,
        **{name: draw(WRITTEN) for name in ("learned", "shared", "questions", "unsure",
                                              "private_note")},
    )  # fmt: skip


def _action(draw, pk):
    action = NextAction(
        pk=pk, text=draw(WRITTEN) or "Do <it>",
        owner=draw(st.sampled_from(["mentor", "mentee", "both"])),
        status=draw(st.sampled_from(["open", "done", "dropped"])),
        due_on=datetime.date(2026, 12, 1) + datetime.timedelta(days=draw(st.integers(-30, 30))),
        dropped_reason=draw(st.sampled_from(["", "No longer <needed>"])),
    )  # fmt: skip
    return label_action(action)


@st.composite
def entries(draw):
    mentor = User(pk=VIEWER, display_name=draw(st.sampled_from(["Maya", "Théo <b>&"])))
    mentee = User(pk=PARTNER, display_name="", email="o.neil@example.com")
    if draw(st.booleans()):
        mentor, mentee = mentee, mentor  # the viewer is the mentee
    session = label_session(Session(
        pk=draw(st.integers(1, 10**9)),
        occurred_at=datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC),
        duration_minutes=draw(st.integers(5, 600)),
        format=draw(st.sampled_from(["video", "in_person", "phone", "chat"])),
        topics=draw(WRITTEN), shared_notes=draw(WRITTEN),
    ))  # fmt: skip
    entry = TimelineEntry(
        session=session,
        mentor_side=_side(draw, mentor.pk, "mentor"),
        mentee_side=_side(draw, mentee.pk, "mentee"),
        created=[_action(draw, i) for i in range(draw(st.integers(0, 3)))],
        reviewed=[_action(draw, 10 + i) for i in range(draw(st.integers(0, 3)))],
    )
    entry.sides = [(mentor, entry.mentor_side), (mentee, entry.mentee_side)]
    return Drawn(entry)


class Drawn:
    """A drawn entry, shown by its parts when a case fails (a Session without a pair has
    no str())."""

    def __init__(self, entry):
        self.entry = entry

    def __repr__(self):
        e, s = self.entry, self.entry.session
        sides = [(who.pk, side and vars(side)) for who, side in e.sides]
        return (
            f"entry(topics={s.topics!r}, notes={s.shared_notes!r}, sides={sides!r}, "
            f"created={[(a.text, a.status) for a in e.created]!r}, "
            f"reviewed={[(a.text, a.status, a.dropped_reason) for a in e.reviewed]!r})"
        )


@pytest.mark.django_db
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entry=entries(),
    can_read=st.booleans(),
    role=st.sampled_from(["mentor", "mentee", None]),
    viewer=st.sampled_from([VIEWER, PARTNER, None]),
    language=st.sampled_from(["en", "de", "fr", "es"]),
)
def test_the_entry_tag_gives_the_templates_html(entry, can_read, role, viewer, language):
    entry = entry.entry
    access = types.SimpleNamespace(can_read_content=can_read, role=role)
    user = types.SimpleNamespace(pk=viewer)
    with translation.override(language):
        _write_entries([entry], _day_texts())
        context = {"entry": entry, "access": access, "user": user, "side_labels": side_labels()}
        expected = render(ENTRY, **context)
        got = render(ENTRY_TAG, **context)
    assert same(got) == same(expected)


@given(
    entry=entries(),
    viewer=st.sampled_from([VIEWER, PARTNER, None]),
    language=st.sampled_from(["en", "de", "fr", "es"]),
)
@settings(max_examples=200, deadline=None)
def test_the_side_tag_gives_the_templates_html(entry, viewer, language):
    entry = entry.entry
    with translation.override(language):
        for who, side in entry.sides:
            context = {"side": side, "who": who, "user": types.SimpleNamespace(pk=viewer),
                       "side_labels": side_labels()}  # fmt: skip
            assert same(render(SIDE_TAG, **context)) == same(render(SIDE, **context))


def test_a_private_note_shows_to_its_author_only():
    side = SessionSide(author_id=VIEWER, side="mentor", private_note="MY <SECRET>")
    who = User(pk=VIEWER, display_name="Maya")
    mine = render(SIDE_TAG, side=side, who=who, user=types.SimpleNamespace(pk=VIEWER),
                  side_labels=side_labels())  # fmt: skip
    theirs = render(SIDE_TAG, side=side, who=who, user=types.SimpleNamespace(pk=PARTNER),
                    side_labels=side_labels())  # fmt: skip
    assert "MY &lt;SECRET&gt;" in mine and "SECRET" not in theirs
    assert re.search(r'class="private-note"', mine) and "private-note" not in theirs
