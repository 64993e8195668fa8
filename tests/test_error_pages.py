"""403, 404 and 500 pages in the site's layout (the 500 page needs no context at all)."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import path, reverse

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]


def test_404_in_the_layout(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.mentee.user)
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html and 'class="site-header"' in html


def test_403_in_the_layout(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.mentor.user)  # a participant, not an admin, of the program
    response = client.get(reverse("programs:participants", args=[world.program.slug]))
    assert response.status_code == 403
    assert "This page is not open to you" in response.content.decode()


def test_a_csrf_refusal_explains_what_to_do(world, settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.mentor.user)
    response = client.post(reverse("pairs:status", args=[world.pair.pk]), {"action": "pause"})
    assert response.status_code == 403 and "reload the page" in response.content.decode()


def test_500_renders_without_context_and_a_crash_shows_it(settings):
    html = render_to_string("500.html")  # no request, no context processors
    assert "Something went wrong on our side" in html
    settings.DEBUG = False
    with override_settings(ROOT_URLCONF=__name__):
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
