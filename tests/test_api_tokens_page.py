"""The API tokens page: create (named, scoped, shown once), list, revoke after confirming."""

import re

import pytest
from django.urls import reverse

from api import tokens
from api.models import ApiToken
from tests.api_helpers import api_client

pytestmark = pytest.mark.django_db


def test_create_shows_the_token_once_and_stores_only_a_digest(client, world):
    client.force_login(world.mentee.user)
    response = client.post(reverse("api:tokens"), {"name": "HR sync", "scope": "read"})
    assert response.status_code == 200
    raw = re.search(r'value="(mtk_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=world.mentee.user)
    assert token.name == "HR sync" and token.scope == "read"
    assert token.digest == tokens.digest(raw) and raw not in token.digest
    again = client.get(reverse("api:tokens"))
    assert raw not in again.content.decode()
    assert "HR sync" in again.content.decode() and token.prefix in again.content.decode()
    assert api_client(raw).get(reverse("api:pairs")).status_code == 200


def test_a_nameless_or_badly_scoped_token_is_refused_with_a_message(client, world):
    client.force_login(world.mentee.user)
    response = client.post(reverse("api:tokens"), {"name": "  ", "scope": "admin"})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()
    assert 'role="alert"' in response.content.decode()


def test_revoke_asks_first_then_revokes(client, world):
    token, raw = tokens.create(world.mentee.user, "sync", "write")
    client.force_login(world.mentee.user)
    url = reverse("api:token_revoke", args=[token.pk])
    page = client.get(url)
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # GET never changes anything
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_client(raw).get(reverse("api:pairs")).status_code == 401
    assert token.prefix not in client.get(reverse("api:tokens")).content.decode()


def test_someone_elses_token_is_404(client, world):
    token, _raw = tokens.create(world.mentor.user, "sync", "write")
    client.force_login(world.mentee.user)
    url = reverse("api:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_per_person_are_bounded(client, world):
    for i in range(tokens.MAX_ACTIVE):
        tokens.create(world.mentee.user, f"t{i}", "read")
    client.force_login(world.mentee.user)
    response = client.post(reverse("api:tokens"), {"name": "one more", "scope": "read"})
    assert response.status_code == 422 and "revoke one first" in response.content.decode()
