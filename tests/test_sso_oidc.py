"""Single sign-on with OpenID Connect against a real provider on loopback
(django-oauth-toolkit, tests/idp/oidc_server.py, started once for this module).

Just-in-time accounts and program joining by email domain, linking an existing account,
and each refusal (unverified email, disabled account, an ID token for another audience,
expired, or signed with a key the provider does not publish), each with a clear page and a
log line. One journey runs in Chromium."""

import logging
import re
from html import unescape

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp

from mentorship.models import Participant, Program, User
from tests.factories import make_user
from tests.idp.run import control, serve
from tests.sso_helpers import free_port, refusal, start_button

pytestmark = [pytest.mark.django_db(transaction=True)]

PROVIDER_ID = "testidp"
CLIENT_ID, SECRET = "mentorship-test-client", "mentorship-test-secret"
LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"


@pytest.fixture(scope="module")
def idp(live_server):
    callback = f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/"
    port = free_port()
    with serve(
        "oidc_server.py",
        port,
        CLIENT_ID,
        SECRET,
        callback,
        ready_path="/o/.well-known/openid-configuration",
    ) as base:
        yield base


@pytest.fixture
def app(idp):
    control(idp, mode="", email_verified=True)
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id=PROVIDER_ID,
        name="Acme SSO",
        client_id=CLIENT_ID,
        secret=SECRET,
        settings={"server_url": idp + "/o"},
    )


def sign_in(live_server, email):
    """The whole journey over HTTP: our button, the provider's form, back to us."""
    session, page = start_button(live_server.url, LOGIN)
    assert "Test OIDC provider" in page.text, page.text[:500]
    response = session.post(page.url, data={"email": email, "next": _next(page.text)}, timeout=30)
    return session, response


def _next(html):
    return unescape(re.search(r'name="next" value="([^"]*)"', html).group(1))


def test_new_person_gets_an_account_and_joins_programs_open_to_their_domain(
    live_server, app, caplog
):
    open_program = Program.objects.create(name="Open", slug="open", sso_email_domains="acme.test")
    Program.objects.create(name="Other", slug="other", sso_email_domains="elsewhere.test")
    with caplog.at_level(logging.INFO, logger="mentorship"):
        session, response = sign_in(live_server, "New.Person@Acme.test")
    assert response.status_code == 200
    user = User.objects.get(email="new.person@acme.test")
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified
    assert SocialAccount.objects.get(user=user).provider == PROVIDER_ID
    assert list(Participant.objects.filter(user=user).values_list("program", "status")) == [
        (open_program.pk, Participant.Status.ACTIVE)
    ]
    assert response.url.rstrip("/") == live_server.url  # the dashboard, signed in
    assert "sso account made" in caplog.text and "sso joined" in caplog.text

    # Signing in again is the same account, not a second one.
    sign_in(live_server, "new.person@acme.test")
    assert User.objects.filter(email__iexact="new.person@acme.test").count() == 1


def test_no_program_for_the_domain_lands_on_ask_your_program_admin(live_server, app):
    _session, response = sign_in(live_server, "lonely@nowhere.test")
    assert response.url.endswith("/accounts/sso/no-program/")
    assert "Ask your program admin" in response.text


def test_existing_account_is_linked_not_duplicated(live_server, app):
    existing = make_user("ana@acme.test", display_name="Ana")
    _session, response = sign_in(live_server, "ANA@acme.test")
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="ana@acme.test").count() == 1
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == existing
    existing.refresh_from_db()
    assert existing.has_usable_password()  # the password still works too


def test_unverified_email_is_never_linked_nor_made(live_server, app, idp, caplog):
    existing = make_user("bob@acme.test")
    control(idp, email_verified=False)
    with caplog.at_level(logging.WARNING, logger="mentorship.sso"):
        _s, response = sign_in(live_server, "bob@acme.test")
        _s, response_new = sign_in(live_server, "someone-new@acme.test")
    assert response.status_code == 403
    code, message = refusal(response)
    assert code == "unverified_email"
    assert "has not verified your email address" in message
    assert not SocialAccount.objects.filter(user=existing).exists()
    assert refusal(response_new)[0] == "unverified_email"
    assert not User.objects.filter(email="someone-new@acme.test").exists()
    assert "sso refused: unverified_email provider=Acme SSO domain=acme.test" in caplog.text


def test_disabled_account_is_refused(live_server, app, caplog):
    make_user("gone@acme.test", is_active=False)
    with caplog.at_level(logging.WARNING, logger="mentorship.sso"):
        _s, response = sign_in(live_server, "gone@acme.test")
    assert response.status_code == 403
    assert refusal(response)[0] == "disabled"
    assert "deactivated" in refusal(response)[1]
    assert "sso refused: disabled" in caplog.text


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("wrong_audience", "issued for another application"),
        ("expired", "has expired"),
        ("wrong_key", "signature does not match"),
    ],
)
def test_bad_id_tokens_are_refused(live_server, app, idp, caplog, mode, words):
    control(idp, mode=mode)
    with caplog.at_level(logging.WARNING, logger="mentorship.sso"):
        _s, response = sign_in(live_server, f"{mode}@acme.test")
    assert response.status_code == 400
    code, message = refusal(response)
    assert code == "invalid_response"
    assert words in message
    assert not User.objects.filter(email=f"{mode}@acme.test").exists()
    assert "sso refused: invalid_response provider=Acme SSO" in caplog.text


@pytest.mark.browser
def test_sign_in_journey_in_the_browser(page, live_server, app):
    program = Program.objects.create(
        name="Acme mentoring", slug="acme", sso_email_domains="acme.test"
    )
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Acme SSO").click()
    page.get_by_label("Work email").fill("carla@acme.test")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/")
    assert Participant.objects.filter(program=program, user__email="carla@acme.test").exists()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
