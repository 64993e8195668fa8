"""{% participant_row %} (mentorship/templatetags/participant_rows.py) gives the HTML of the
participants list's loop body it replaced, for every role, status, skill list, department,
match, name and language: that loop body, as it stood before (commit 620da98), is the
reference here."""

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.models import Participant, Program, Skill, User
from tests.factories import make_pair, make_participant, make_user
from tests.test_score_tag import NAMES, same

# The body of {% for p in page.object_list %} in templates/programs/participants.html
# before the tag.
REFERENCE = """{% load i18n people %}
        <tr role="row">
          <td role="cell" class="full" data-label="{% translate 'Name' %}"><span class="person">{% avatar p.user.name "small" %}<a href="{% url 'programs:person' program.slug p.pk %}">{{ p.user.name }}</a></span><br><span class="muted small wrap-anywhere">{{ p.user.email }}</span></td>
          <td role="cell" data-label="{% translate 'Role' %}">{{ p.get_role_display }}</td>
          <td role="cell" data-label="{% translate 'Status' %}"><span class="badge{% if p.status == 'active' %} badge-ok{% elif p.status == 'invited' %} badge-warn{% else %} badge-danger{% endif %}">{{ p.get_status_display }}</span></td>
          <td role="cell" data-label="{% translate 'Can teach' %}">{% if p.teaches.all %}<ul class="chips">{% for s in p.teaches.all %}<li class="chip">{{ s.name }}</li>{% endfor %}</ul>{% else %}<span class="muted">—</span>{% endif %}</td>
          <td role="cell" data-label="{% translate 'Wants to learn' %}">{% if p.learns.all %}<ul class="chips">{% for s in p.learns.all %}<li class="chip">{{ s.name }}</li>{% endfor %}</ul>{% else %}<span class="muted">—</span>{% endif %}</td>
          <td role="cell" data-label="{% translate 'Department' %}">{{ p.department|default:"—" }}</td>
          <td role="cell" data-label="{% translate 'Matched' %}">{% if p.is_matched %}{% translate "Yes" %}{% else %}<span class="muted">{% translate "No" %}</span>{% endif %}</td>
        </tr>
"""  # noqa: E501 - the template as it was
TAG = "{% load participant_rows %}{% participant_row p %}"
SKILLS = st.lists(st.sampled_from(["SQL", "R&D", "<script>", 'Café "Q"']), max_size=3)
MISSING = object()  # no is_matched annotation (no pairs app to provide it)


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def prefetched(participant, **relations):
    """As prefetch_related leaves a participant: each relation's queryset with its rows read."""
    participant._prefetched_objects_cache = {}
    for relation, names in relations.items():
        qs = getattr(participant, relation).all()
        qs._result_cache = [Skill(pk=i, name=name) for i, name in enumerate(names, 1)]
        qs._prefetch_done = True
        participant._prefetched_objects_cache[relation] = qs
    return participant


@settings(max_examples=300, deadline=None)
@given(
    pk=st.integers(1, 10**12),
    name=NAMES,
    email=st.sampled_from(["maya@example.com", "o'neil+<x>&y@example.com", "théo@exämple.fr"]),
    role=st.sampled_from([*Participant.Role.values, "retired <b>"]),
    status=st.sampled_from([*Participant.Status.values, ""]),
    teaches=SKILLS,
    learns=SKILLS,
    department=st.sampled_from(["", "Data", "R&D <Ops>", "0"]),
    matched=st.sampled_from([True, False, MISSING]),
    slug=st.sampled_from(["main", "scale-0", "a_b-9"]),
    language=st.sampled_from(["en", "de", "fr", "es"]),
)  # fmt: skip
def test_the_tag_gives_the_loop_bodys_html(
    pk, name, email, role, status, teaches, learns, department, matched, slug, language
):
    program = Program(pk=1, slug=slug, name="P")
    user = User(pk=pk, email=email, display_name=name)
    p = Participant(
        pk=pk, program=program, user=user, role=role, status=status, department=department
    )
    prefetched(p, teaches=teaches, learns=learns)
    if matched is not MISSING:
        p.is_matched = matched
    with translation.override(language):
        expected = render(REFERENCE, p=p, program=program)
        got = render(TAG, p=p, program=program)
    assert same(got) == same(expected)


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
def test_the_page_shows_its_rows_through_the_tag(client, world, language):
    """The real page, as the program admin: a row for each participant, each the reference's
    HTML for the page's own participants (skills prefetched, is_matched annotated), and
    the page's queries as before the tag (see test_programs_participants.py)."""

    make_participant(
        world.program, make_user("bo@example.com", display_name="Bo <b>& Both"),
        role="both", status="invited", teaches=["R&D", "Go"], department="R&D <Ops>",
    )  # fmt: skip
    gone = make_participant(
        world.program, make_user("wes@example.com", display_name=""), status="withdrawn"
    )
    make_pair(world.mentor, gone, status="paused")
    client.force_login(world.admin)
    url = f"/programs/{world.program.slug}/participants/"
    with translation.override(language), CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    # session, user, program, admin check, skill choices, count, page, teaches, learns
    assert len(queries) == 9
    html = response.content.decode()
    assert html.count('<tr role="row">') == 1 + 5  # the header's and one a participant
    for shown in ["Bo &lt;b&gt;&amp; Both", "wes", "Maya Mentor", "Olga Other", "R&amp;D"]:
        assert shown in html
    assert f'href="/programs/main/participants/{gone.pk}/"' in html
    rows = response.context["page"].object_list
    with translation.override(language), CaptureQueriesContext(connection) as queries:
        for p in rows:
            context = {"p": p, "program": world.program}
            expected = render(REFERENCE, **context)
            assert same(render(TAG, **context)) == same(expected)
            assert same(expected) in same(html)
    assert not queries.captured_queries  # the rows' skills were prefetched
    matched = {p.user.email for p in rows if p.is_matched}
    assert matched == {"wes@example.com", "mentor@example.com", "mentee@example.com"}
