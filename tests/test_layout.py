"""The base layout: navigation, messages, skip link, htmx without a CDN, CSRF on <body>."""

import re
import zoneinfo

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from mentorship.middleware import UserTimezoneMiddleware

pytestmark = pytest.mark.django_db


def test_base_layout_parts(client, user):
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="nav" aria-label="Main">' in html
    assert 'id="messages"' in html and 'aria-live="polite"' in html
    token = re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'>", html)
    assert token and len(token.group(1)) >= 32
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any(src.startswith("/static/django_htmx/htmx") for src in scripts)
    assert all(src.startswith("/static/") for src in scripts), scripts  # no CDN
    assert "http" not in "".join(scripts)


def test_htmx_and_stylesheet_are_served_locally():
    assert finders.find("django_htmx/htmx-2.min.js")
    css = finders.find("css/site.css")
    with open(css) as f:
        assert "@media" in f.read()  # adapts to a phone


def test_htmx_middleware_marks_htmx_requests(client, user):
    client.force_login(user)
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.wsgi_request.htmx
    assert not client.get(reverse("home")).wsgi_request.htmx


def test_times_are_shown_in_the_users_time_zone(make_user):
    seen = {}

    def view(request):
        seen["tz"] = timezone.get_current_timezone_name()
        return None

    request = RequestFactory().get("/")
    request.user = make_user("tokyo@example.com", time_zone="Asia/Tokyo")
    UserTimezoneMiddleware(view)(request)
    assert seen["tz"] == "Asia/Tokyo"
    # And UTC again once the request is over.
    assert timezone.get_current_timezone() == zoneinfo.ZoneInfo("UTC")
