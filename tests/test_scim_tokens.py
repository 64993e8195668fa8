"""Provisioning token pages: an admin makes a token (shown once, stored as a digest) and
revokes it after a confirmation; bounds and who may."""

import hashlib

import pytest
from django.urls import reverse

from mentorship import scim_tokens
from mentorship.models import ScimToken
from tests.factories import make_program, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_program(client):
    admin = make_user()
    program = make_program(admins=[admin])
    client.force_login(admin)
    return admin, program


def test_a_new_token_is_shown_once_and_stored_only_as_its_digest(client, admin_program):
    _admin, program = admin_program
    url = reverse("programs:provisioning", args=[program.slug])
    response = client.post(url, {"name": "Okta production"})
    page = response.content.decode()
    token = ScimToken.objects.get(program=program)
    raw = page.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith("mscim_") and len(raw) > 40
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.digest, token.prefix, token.name}
    assert "no-store" in response["Cache-Control"]
    assert scim_tokens.authenticate(f"Bearer {raw}")[0] == token
    # Never again: the list shows the name and the first characters only.
    again = client.get(url).content.decode()
    assert raw not in again and token.prefix in again and "Okta production" in again


def test_revoking_asks_first_then_the_token_stops_working(client, admin_program):
    admin, program = admin_program
    token, raw = scim_tokens.create(program, "Okta", admin)
    url = reverse("programs:provisioning_revoke", args=[program.slug, token.pk])
    confirm = client.get(url)
    assert "Revoke “Okta”?" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # GET changes nothing
    assert client.post(url).status_code == 302
    assert scim_tokens.authenticate(f"Bearer {raw}") == (None, "revoked")
    listed = client.get(reverse("programs:provisioning", args=[program.slug])).content.decode()
    assert "No active tokens." in listed


def test_a_token_of_another_program_is_not_found(client, admin_program):
    _admin, _program = admin_program
    other_admin = make_user()
    other = make_program(admins=[other_admin])
    token, _raw = scim_tokens.create(other, "Theirs", other_admin)
    url = reverse("programs:provisioning_revoke", args=[_program.slug, token.pk])
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_names_are_required_and_bounded_and_tokens_are_capped(client, admin_program):
    admin, program = admin_program
    url = reverse("programs:provisioning", args=[program.slug])
    assert "This field is required" in client.post(url, {"name": ""}).content.decode()
    assert "at most 80" in client.post(url, {"name": "x" * 81}).content.decode()
    for i in range(scim_tokens.MAX_ACTIVE):
        scim_tokens.create(program, f"t{i}", admin)
    assert "revoke one first" in client.post(url, {"name": "one more"}).content.decode()
    assert ScimToken.objects.filter(program=program).count() == scim_tokens.MAX_ACTIVE


def test_a_site_token_stops_working_when_its_maker_is_no_longer_staff():
    staff = make_user(is_staff=True)
    _token, raw = scim_tokens.create(None, "Entra", staff)
    assert scim_tokens.authenticate(f"Bearer {raw}")[1] is None
    staff.is_staff = False
    staff.save()
    assert scim_tokens.authenticate(f"Bearer {raw}") == (None, "maker_not_staff")


def test_site_tokens_are_for_staff(client):
    staff = make_user(is_staff=True)
    client.force_login(make_user())
    assert client.get(reverse("site_provisioning")).status_code == 403
    client.force_login(staff)
    client.post(reverse("site_provisioning"), {"name": "Entra"})
    token = ScimToken.objects.get()
    assert token.program is None
    assert token.created_by == staff
