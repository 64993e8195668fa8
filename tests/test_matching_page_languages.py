"""The matching review keeps some words per language and process (score labels, the score
tag's literals, the settings form's HTML): a page in one language right after another shows
what it shows when rendered first, with nothing cached. And the shortcuts that write a row's
parts in Python give what the tags they replaced give."""

import re

import pytest
from django.utils import translation
from django.utils.html import format_html
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.templatetags.people import avatar, colour, initials
from pairs import score_labels, views
from pairs.forms import MatchingSettingsForm
from pairs.models import Exclusion, MatchRun, Suggestion
from pairs.templatetags import scores
from tests.factories import make_participant, make_user

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "de", "en", "es"]


def forget():
    """Empty every cache the page keeps across requests."""
    score_labels._words_in.cache_clear()
    scores._fixed_words.cache_clear()
    scores._label_html.cache_clear()
    scores._escaped.cache_clear()
    views._SETTINGS_HTML.clear()


def page(client, world, language):
    """The review page in `language` (the admin's own), CSRF tokens left out."""
    world.admin.language = language
    world.admin.save(update_fields=["language"])
    response = client.get(f"/programs/{world.program.slug}/matching/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    return re.sub(r"(csrfmiddlewaretoken\" value=\"|X-CSRFToken\": \")[^\"]+", r"\1X", html)


@pytest.fixture
def review(world):
    """A run with a score of every part and reasons, a draft that cannot be accepted (its
    mentee withdrew; an apostrophe in French) and an exclusion."""
    run = MatchRun.objects.create(program=world.program, status=MatchRun.Status.DONE)
    gone = make_participant(world.program, make_user(display_name="Gus <Gone>"), status="withdrawn")
    breakdown = {"teach": 1.0, "learn": 0.3, "goals": 0.1, "availability": 0.4}
    reasons = [{"code": "goals", "goals": ["Lead"]}, {"code": "overlap", "hours": 2.5}]
    Suggestion.objects.create(
        run=run, mentor=world.mentor, mentee=world.other, score=1.8,
        breakdown={**breakdown, "overlap_hours": 2.5}, reasons=reasons,
    )  # fmt: skip
    Suggestion.objects.create(
        run=run, mentor=world.mentor, mentee=gone, score=0.3, breakdown={"teach": 0.3}
    )
    Exclusion.objects.create(
        program=world.program, first=world.mentee, second=world.other, reason="team <lead>"
    )
    return world


def test_each_language_after_another_shows_what_it_shows_first(client, review):
    client.force_login(review.admin)
    first = {}
    for language in LANGUAGES:
        forget()
        first[language] = page(client, review, language)
    assert "Pourquoi ce score" in first["fr"] and "Warum diese Punktzahl" in first["de"]
    assert "Gus &lt;Gone&gt; n&#x27;est plus actif" in first["fr"]
    assert len(set(first.values())) == len(LANGUAGES)
    forget()
    for language in ["fr", "de", "fr", "en", "es", "de", "en"]:
        assert page(client, review, language) == first[language], language


def test_the_settings_forms_html_is_the_forms_for_its_values_and_language(world):
    program = world.program
    forget()
    for language in ["de", "en", "de"]:
        with translation.override(language):
            for weight in [1.0, 0.6, 1.0]:
                program.weight_teach = weight
                expected = MatchingSettingsForm(instance=program).as_p()
                assert views._settings_form_html(program) == expected
    with translation.override("de"):
        program.weight_teach = 1  # an int writes "1", a float "1,0": not one cache entry
        assert views._settings_form_html(program) == MatchingSettingsForm(instance=program).as_p()


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=12) | st.sampled_from(["Théo <b>&", 'O\'Neil "Q"', "-", ""]))
def test_a_rows_avatar_is_the_avatar_tags(name):
    reference = format_html(
        '<span class="avatar avatar-{}{}" aria-hidden="true">{}</span>',
        colour(name),
        " avatar-small",
        initials(name),
    )
    assert avatar(name, "small") == reference
