"""SCIM 2.0 Users (django-scim2) with a real HTTP client against the live server: create,
update, deactivate, and who may do it (tokens made, revoked and scoped by admins).

A deactivated person cannot sign in any more and is withdrawn from programs; what they wrote
(here: a pair and a session log) is kept."""

import logging

import pytest
import requests

from mentorship import scim_tokens
from mentorship.models import Participant, ScimToken, User
from pairs.models import Pair
from sessions.models import Session
from tests.factories import (
    PASSWORD,
    make_pair,
    make_participant,
    make_program,
    make_session,
    make_user,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

SCIM_JSON = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def world():
    admin = make_user("admin@acme.test")
    program = make_program("Acme", admins=[admin])
    other = make_program("Other")
    _token, raw = scim_tokens.create(program, "Okta", admin)
    return admin, program, other, raw


class Scim:
    def __init__(self, base, raw):
        self.base = base + "/scim/v2"
        self.headers = {"Authorization": f"Bearer {raw}", "Content-Type": SCIM_JSON}

    def __getattr__(self, method):
        def call(path, body=None, **kwargs):
            return requests.request(
                method.upper(),
                self.base + path,
                json=body,
                headers=self.headers,
                timeout=20,
                **kwargs,
            )

        return call


def new_user(email="kim@acme.test", **extra):
    return {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "name": {"givenName": "Kim", "familyName": "Lee"},
        "emails": [{"value": email, "primary": True, "type": "work"}],
        "externalId": "00u-kim",
        "active": True,
        **extra,
    }


def patch(*operations):
    return {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}


def test_create_update_and_deactivate_through_scim(live_server, world):
    _admin, program, _other, raw = world
    scim = Scim(live_server.url, raw)

    created = scim.post("/Users", new_user("Kim@Acme.test"))
    assert created.status_code == 201, created.text
    body = created.json()
    user = User.objects.get(pk=body["id"])
    assert (user.email, user.display_name, user.scim_external_id) == (
        "kim@acme.test",
        "Kim Lee",
        "00u-kim",
    )
    assert not user.has_usable_password()
    assert Participant.objects.get(user=user, program=program).status == "invited"
    assert body["userName"] == "kim@acme.test" and body["active"] is True
    assert created.headers["Location"].endswith(f"/scim/v2/Users/{user.pk}")

    found = scim.get("/Users", params={"filter": 'userName eq "kim@acme.test"'}).json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == str(user.pk)

    replaced = scim.put(f"/Users/{user.pk}", new_user("kim.lee@acme.test", displayName="Kim L."))
    assert replaced.status_code == 200, replaced.text
    user.refresh_from_db()
    assert (user.email, user.display_name) == ("kim.lee@acme.test", "Kim L.")

    renamed = scim.patch(
        f"/Users/{user.pk}", patch({"op": "replace", "path": "displayName", "value": "Kimberly"})
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["displayName"] == "Kimberly"

    # Some history to keep: they onboarded, were paired and logged a session.
    Participant.objects.filter(user=user).update(status="active")
    me = Participant.objects.get(user=user)
    partner = make_participant(program, role="mentor")
    pair = make_pair(partner, me)
    make_session(pair, author=user)

    # Microsoft Entra ID deactivates with the string "False".
    off = scim.patch(
        f"/Users/{user.pk}", patch({"op": "Replace", "path": "active", "value": "False"})
    )
    assert off.status_code == 200, off.text
    assert off.json()["active"] is False
    user.refresh_from_db()
    assert not user.is_active
    assert Participant.objects.get(user=user).status == "withdrawn"
    assert Pair.objects.filter(pk=pair.pk).exists() and Session.objects.filter(pair=pair).exists()

    # Back on: the account works again and they are back in the program, invited.
    on = scim.patch(f"/Users/{user.pk}", patch({"op": "replace", "value": {"active": True}}))
    assert on.json()["active"] is True
    assert Participant.objects.get(user=user).status == "invited"


def test_a_deactivated_person_cannot_sign_in_with_a_password(live_server, world):
    _admin, program, _other, raw = world
    person = make_participant(program, user=make_user("lou@acme.test")).user
    session = requests.Session()
    session.get(live_server.url + "/accounts/login/", timeout=10)

    def sign_in():
        return session.post(
            live_server.url + "/accounts/login/",
            data={
                "username": "lou@acme.test",
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            timeout=10,
        )

    assert sign_in().url.rstrip("/") == live_server.url  # signed in
    gone = Scim(live_server.url, raw).delete(f"/Users/{person.pk}")
    assert gone.status_code == 204
    person.refresh_from_db()
    assert not person.is_active and User.objects.filter(pk=person.pk).exists()
    # The open session no longer works, and neither does the password.
    assert session.get(live_server.url + "/", timeout=10).url.endswith("/accounts/login/?next=/")
    assert "Please enter a correct" in sign_in().text


def test_a_program_token_reaches_only_its_program(live_server, world):
    admin, program, other, raw = world
    scim = Scim(live_server.url, raw)
    outsider = make_participant(other).user
    both = make_user("both@acme.test")
    make_participant(program, user=both)
    make_participant(other, user=both)

    assert scim.get(f"/Users/{outsider.pk}").status_code == 404
    assert (
        scim.patch(
            f"/Users/{outsider.pk}", patch({"op": "replace", "path": "active", "value": False})
        ).status_code
        == 404
    )
    listed = scim.get("/Users").json()
    assert {r["userName"] for r in listed["Resources"]} == {"both@acme.test"}

    # Deactivated by this program only: withdrawn here, still active (and in the other one).
    scim.patch(f"/Users/{both.pk}", patch({"op": "replace", "path": "active", "value": False}))
    both.refresh_from_db()
    assert both.is_active
    assert dict(both.participations.values_list("program", "status")) == {
        program.pk: "withdrawn",
        other.pk: "active",
    }


def test_a_site_token_deactivates_everywhere(live_server, world):
    _admin, program, other, _raw = world
    staff = make_user("it@acme.test", is_staff=True)
    _t, raw = scim_tokens.create(None, "Entra", staff)
    person = make_participant(program).user
    make_participant(other, user=person)
    Scim(live_server.url, raw).patch(
        f"/Users/{person.pk}", patch({"op": "replace", "path": "active", "value": False})
    )
    person.refresh_from_db()
    assert not person.is_active
    assert set(person.participations.values_list("status", flat=True)) == {"withdrawn"}


@pytest.mark.parametrize(
    ("header", "reason"),
    [(None, "missing"), ("Bearer mscim_not-a-real-token", "unknown"), ("Basic abc", "missing")],
)
def test_requests_without_a_valid_token_are_refused(live_server, world, caplog, header, reason):
    headers = {"Authorization": header} if header else {}
    with caplog.at_level(logging.WARNING, logger="mentorship.scim"):
        response = requests.get(live_server.url + "/scim/v2/Users", headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert f"scim refused: {reason} token" in caplog.text


def test_a_revoked_token_is_refused(live_server, world, caplog):
    admin, program, _other, raw = world
    scim = Scim(live_server.url, raw)
    assert scim.get("/Users").status_code == 200
    scim_tokens.revoke(ScimToken.objects.get(program=program), admin)
    with caplog.at_level(logging.WARNING, logger="mentorship.scim"):
        refused = scim.post("/Users", new_user())
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert "scim refused: revoked token, POST /scim/v2/Users" in caplog.text
    assert not User.objects.filter(email="kim@acme.test").exists()


def test_a_token_stops_working_when_its_maker_stops_running_the_program(live_server, world):
    admin, program, _other, raw = world
    program.admins.remove(admin)
    assert Scim(live_server.url, raw).get("/Users").status_code == 401


def test_a_signed_in_browser_session_is_not_a_token(live_server, world):
    session = requests.Session()
    session.get(live_server.url + "/accounts/login/", timeout=10)
    session.post(
        live_server.url + "/accounts/login/",
        data={
            "username": "admin@acme.test",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
    )
    assert session.get(live_server.url + "/scim/v2/Users", timeout=10).status_code == 401


def test_bad_input_gets_scim_errors_not_500s(live_server, world):
    _admin, program, _other, raw = world
    scim = Scim(live_server.url, raw)
    assert scim.post("/Users", new_user("not-an-email")).status_code == 400
    assert scim.post("/Users", {"schemas": [USER_SCHEMA]}).status_code == 400
    assert scim.post("/Users", new_user(active="yes-please")).status_code == 400
    assert scim.post("/Users", new_user()).status_code == 201
    assert scim.post("/Users", new_user()).status_code == 409  # already here
    assert scim.get("/Users/abc").status_code == 404
    assert scim.get("/Users/999999").status_code == 404
    assert scim.get("/Groups").status_code == 501
    assert scim.get("/ServiceProviderConfig").status_code == 200


def test_an_account_elsewhere_on_the_site_is_adopted_not_duplicated(live_server, world):
    _admin, program, other, raw = world
    elsewhere = make_participant(other, user=make_user("max@acme.test")).user
    created = Scim(live_server.url, raw).post("/Users", new_user("max@acme.test"))
    assert created.status_code == 201
    assert created.json()["id"] == str(elsewhere.pk)
    assert User.objects.filter(email="max@acme.test").count() == 1
    assert Participant.objects.filter(user=elsewhere, program=program).exists()
