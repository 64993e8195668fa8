"""{% site_header %} and {% site_footer %} (mentorship/templatetags/site_chrome.py) give the
HTML of base.html's header and footer they replaced, for anonymous people, members and
superusers, with and without the dev outbox, a CSRF token and the home page, for any name
and address, in every language: that template text, as it stood before, is the reference."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.models import User
from tests.test_score_tag import NAMES, same

# base.html's <header> and <footer> before the tags.
HEADER = """{% load i18n %}
  <header class="site-header">
    <nav class="nav" aria-label="{% translate 'Main' %}">
      <a class="brand" href="{% url 'home' %}">Mentorship</a>
      {# On a phone the links fold behind "Menu" (a checkbox and its label: no JavaScript). #}
      <input type="checkbox" id="nav-toggle" class="nav-toggle">
      <label for="nav-toggle" class="nav-toggle-label">{% translate "Menu" %}</label>
      <ul class="nav-links">
        {% if user.is_authenticated %}
          {# {% url … as %} stays empty while a feature's URL does not exist yet. #}
          <li><a href="{% url 'home' %}"{% if request.resolver_match.url_name == 'home' %} aria-current="page"{% endif %}>{% translate "Dashboard" %}</a></li>
          {% url 'programs:list' as programs_url %}{% if programs_url %}<li><a href="{{ programs_url }}">{% translate "Programs" %}</a></li>{% endif %}
          {% url 'health:growth' as growth_url %}{% if growth_url %}<li><a href="{{ growth_url }}">{% translate "My growth" %}</a></li>{% endif %}
          {% url 'emails:preferences' as prefs_url %}{% if prefs_url %}<li><a href="{{ prefs_url }}">{% translate "Email preferences" %}</a></li>{% endif %}
          {% if user.is_superuser %}<li><a href="{% url 'admin:index' %}">{% translate "Site admin" %}</a></li>{% endif %}
          {% if DEV_OUTBOX %}<li><a href="{% url 'dev_outbox' %}">{% translate "Outbox" %}</a></li>{% endif %}
          <li><a href="{% url 'password_change' %}">{{ user.name }}</a></li>
          <li>
            <form method="post" action="{% url 'logout' %}" class="inline">
              {% csrf_token %}
              <button type="submit" class="link-button">{% translate "Sign out" %}</button>
            </form>
          </li>
        {% else %}
          {% if DEV_OUTBOX %}<li><a href="{% url 'dev_outbox' %}">{% translate "Outbox" %}</a></li>{% endif %}
          <li><a href="{% url 'login' %}">{% translate "Sign in" %}</a></li>
        {% endif %}
      </ul>
    </nav>
  </header>"""  # noqa: E501 - the template as it was
FOOTER = """{% load i18n %}
  <footer class="site-footer">
    <p>{% translate "Mentorship: both people teach, both people learn." %}</p>
    <form class="language-switch" method="post" action="{% url 'set_language' %}">{% csrf_token %}
      <input type="hidden" name="next" value="{{ request.get_full_path }}">
      <label for="language-choice">{% translate "Language" %}</label>
      <select id="language-choice" name="language">
        {% get_current_language as current %}{% get_available_languages as languages %}
        {% for code, name in languages %}<option value="{{ code }}" lang="{{ code }}"{% if code == current %} selected{% endif %}>{{ name }}</option>{% endfor %}
      </select>
      <button type="submit" class="secondary">{% translate "Change" %}</button>
    </form>
  </footer>"""  # noqa: E501 - the template as it was
TAGS = "{% load site_chrome %}{% site_header %}\n{% site_footer %}"
PATHS = ["/", "/pairs/12/", "/growth/?a=1&b=<x>", '/programs/q-1/health/?preset="30"']


def render(source, context):
    return engines["django"].from_string(source).render(context)


@settings(max_examples=300, deadline=None)
@given(
    who=st.sampled_from(["anonymous", "member", "superuser"]),
    name=NAMES,
    email=st.sampled_from(["maya@example.com", "o'neil+<x>&y@example.com"]),
    outbox=st.booleans(),
    token=st.sampled_from(["", "NOTPROVIDED", "abc123XYZ", 'a<b>&"c']),
    path=st.sampled_from(PATHS),
    resolved=st.booleans(),
    language=st.sampled_from(["en", "de", "fr", "es"]),
)
def test_the_tags_give_the_templates_html(
    who, name, email, outbox, token, path, resolved, language
):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(request.path) if resolved else None
    user = AnonymousUser()
    if who != "anonymous":
        user = User(pk=7, email=email, display_name=name, is_superuser=who == "superuser")
    context = {"user": user, "request": request, "DEV_OUTBOX": outbox}
    if token:
        context["csrf_token"] = token
    with translation.override(language):
        expected = render(HEADER + FOOTER, context)
        got = render(TAGS, context)
    assert same(got) == same(expected)


def test_without_a_request_or_user_the_footer_links_back_to_nothing():
    """A template rendered outside a request (no request, no user): as the template did,
    the sign-in link and an empty "next"."""
    assert same(render(TAGS, {})) == same(render(HEADER + FOOTER, {}))


@pytest.mark.django_db
def test_every_page_still_has_the_chrome(client):
    """The tags run in base.html: a page shows the sign-in link and the language switch."""
    html = client.get("/accounts/login/").content.decode()
    assert 'class="site-header"' in html and 'name="language"' in html
