"""Single sign-on with SAML 2.0 against a real identity provider on loopback (pysaml2's IdP,
tests/idp/saml_server.py, started once for this module).

Just-in-time accounts, linking, and each refusal: an assertion for another audience, an
expired one, one signed with a key we do not trust (forged), a replayed one, an unverified
email and a disabled account, each with a clear page and a log line. One journey runs in
Chromium."""

import json
import logging
import urllib.request

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp

from mentorship.config import SAML_ATTRIBUTES
from mentorship.models import Participant, Program, User
from tests.factories import make_user
from tests.idp.run import control, serve
from tests.sso_helpers import form_action, free_port, hidden_fields, refusal, start_button

pytestmark = [pytest.mark.django_db(transaction=True)]

ORG = "acme"
LOGIN = f"/accounts/saml/{ORG}/login/"


@pytest.fixture(scope="module")
def idp():
    with serve("saml_server.py", free_port(), ready_path="/cert.pem") as base:
        yield base


@pytest.fixture
def app(idp, live_server):
    control(idp, mode="", email_verified="true")
    cert = urllib.request.urlopen(idp + "/cert.pem", timeout=5).read().decode()
    return SocialApp.objects.create(
        provider="saml",
        provider_id="saml",
        name="Acme SAML",
        client_id=ORG,
        settings={
            "idp": {
                "entity_id": idp + "/metadata",
                "sso_url": idp + "/sso/redirect",
                "x509cert": cert,
            },
            "sp": {"entity_id": f"{live_server.url}/accounts/saml/{ORG}/metadata/"},
            "attribute_mapping": SAML_ATTRIBUTES,
            # The live server is http://localhost:…, a single-label host name.
            "advanced": {"allow_single_label_domains": True},
        },
    )


def sign_in(live_server, email):
    session, page = start_button(live_server.url, LOGIN)
    assert "Test SAML IdP" in page.text, page.text[:500]
    answer = session.post(
        page.url.split("/sso/")[0] + "/sso/login",
        data={**hidden_fields(page.text), "email": email},
        timeout=30,
    )
    response = session.post(form_action(answer.text), data=hidden_fields(answer.text), timeout=30)
    return session, response


def test_new_person_gets_an_account_and_joins_their_domains_programs(live_server, app):
    program = Program.objects.create(name="Open", slug="open", sso_email_domains="acme.test")
    _s, response = sign_in(live_server, "Dee@Acme.test")
    assert response.status_code == 200
    assert response.url.rstrip("/") == live_server.url
    user = User.objects.get(email="dee@acme.test")
    assert user.display_name == "Saml Person"
    assert SocialAccount.objects.get(user=user).provider == "saml"
    assert Participant.objects.get(user=user).program == program


def test_existing_account_is_linked_not_duplicated(live_server, app):
    existing = make_user("eve@acme.test")
    _s, response = sign_in(live_server, "eve@acme.test")
    assert response.url.endswith("/accounts/sso/no-program/")
    assert User.objects.filter(email="eve@acme.test").count() == 1
    assert SocialAccount.objects.get(provider="saml").user == existing


def test_unverified_email_is_never_linked(live_server, app, idp, caplog):
    existing = make_user("fay@acme.test")
    control(idp, email_verified="false")
    with caplog.at_level(logging.WARNING, logger="mentorship.sso"):
        _s, response = sign_in(live_server, "fay@acme.test")
    assert response.status_code == 403
    assert refusal(response)[0] == "unverified_email"
    assert not SocialAccount.objects.filter(user=existing).exists()
    assert "sso refused: unverified_email provider=Acme SAML" in caplog.text


def test_email_trusted_by_the_deployment_when_the_idp_sends_no_verified_flag(live_server, app, idp):
    control(idp, email_verified="")
    _s, response = sign_in(live_server, "gil@acme.test")
    assert refusal(response)[0] == "unverified_email"  # not trusted by default
    app.settings["verified_email"] = True  # SSO_SAML_TRUST_EMAIL=true
    app.save()
    _s, response = sign_in(live_server, "gil@acme.test")
    assert User.objects.filter(email="gil@acme.test").exists()


def test_disabled_account_is_refused(live_server, app, caplog):
    make_user("hal@acme.test", is_active=False)
    with caplog.at_level(logging.WARNING, logger="mentorship.sso"):
        _s, response = sign_in(live_server, "hal@acme.test")
    assert response.status_code == 403
    assert refusal(response)[0] == "disabled"
    assert "sso refused: disabled" in caplog.text


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("wrong_audience", "issued for another application"),
        ("expired", "has expired"),
        ("forged", "signature does not match"),
    ],
)
def test_bad_assertions_are_refused(live_server, app, idp, caplog, mode, words):
    control(idp, mode=mode)
    with caplog.at_level(logging.WARNING):
        _s, response = sign_in(live_server, f"{mode}@acme.test")
    assert response.status_code == 400
    code, message = refusal(response)
    assert (code, words in message) == ("invalid_response", True), message
    assert not User.objects.filter(email=f"{mode}@acme.test").exists()
    assert "sso refused: invalid_response provider=Acme SAML" in caplog.text


def test_replayed_assertion_is_refused(live_server, app, idp, caplog):
    session, response = sign_in(live_server, "ivy@acme.test")
    assert response.status_code == 200
    last = json.loads(urllib.request.urlopen(idp + "/control/last", timeout=5).read())
    data = {"SAMLResponse": last["SAMLResponse"], "RelayState": last["RelayState"]}
    # Again in the same browser (the sign-in it answered is used up), and from another one.
    with caplog.at_level(logging.WARNING):
        again = session.post(last["acs"], data=data, timeout=30)
        stranger = requests.Session().post(last["acs"], data=data, timeout=30)
    for replay in (again, stranger):
        assert replay.status_code == 403
        assert refusal(replay)[0] == "replayed"
    assert "sso refused: saml response matches no sign-in started here" in caplog.text
    assert SocialAccount.objects.filter(provider="saml").count() == 1


@pytest.mark.browser
def test_sign_in_journey_in_the_browser(page, live_server, app):
    program = Program.objects.create(name="Acme", slug="acme", sso_email_domains="acme.test")
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Acme SAML").click()
    page.get_by_label("Work email").fill("jo@acme.test")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/")
    assert Participant.objects.filter(program=program, user__email="jo@acme.test").exists()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
