"""Single sign-on settings: providers from the environment, a program's SSO email domains
(bounded and validated, edited by its admins), who joins on sign-in, the sign-in page's
buttons and CSP, and PASSWORD_SIGN_IN=false."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from mentorship import sso_join
from mentorship.config import ConfigError, sso_providers_from_env
from mentorship.email_domains import MAX_DOMAINS, parse
from mentorship.models import Participant
from mentorship.sso import SocialAccountAdapter
from tests.factories import PASSWORD, make_participant, make_program, make_user

OIDC = {
    "SSO_OIDC_SERVER_URL": "https://login.example.com",
    "SSO_OIDC_CLIENT_ID": "abc",
    "SSO_OIDC_CLIENT_SECRET": "s3cret",
}
SAML = {
    "SSO_SAML_IDP_ENTITY_ID": "https://idp.example.com/entity",
    "SSO_SAML_IDP_SSO_URL": "https://idp.example.com/sso",
    "SSO_SAML_IDP_X509_CERT": "MIIC...",
}


def test_no_variables_no_providers(monkeypatch):
    for name in [*OIDC, *SAML, "SSO_SAML_IDP_METADATA_URL"]:
        monkeypatch.delenv(name, raising=False)
    assert sso_providers_from_env("https://m.example.com") == {}


def test_providers_from_the_environment(monkeypatch):
    for name, value in {**OIDC, **SAML, "SSO_OIDC_NAME": "Okta", "SSO_SAML_ORG": "corp",
                        "SSO_SAML_TRUST_EMAIL": "true"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SSO_OIDC_TRUST_EMAIL", raising=False)
    providers = sso_providers_from_env("https://m.example.com")
    [oidc] = providers["openid_connect"]["APPS"]
    assert (oidc["name"], oidc["client_id"], oidc["settings"]["server_url"]) == (
        "Okta",
        "abc",
        "https://login.example.com",
    )
    [saml] = providers["saml"]["APPS"]
    assert saml["client_id"] == "corp"
    assert (
        saml["settings"]["sp"]["entity_id"] == "https://m.example.com/accounts/saml/corp/metadata/"
    )
    assert saml["settings"]["idp"]["sso_url"] == "https://idp.example.com/sso"
    assert saml["settings"]["verified_email"] is True
    assert oidc["settings"]["verified_email"] is False


@pytest.mark.parametrize("missing", [*OIDC, *SAML])
def test_a_half_configured_provider_stops_start_up_with_a_clear_error(monkeypatch, missing):
    group = OIDC if missing in OIDC else SAML
    for name, value in group.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigError, match=missing):
        sso_providers_from_env("https://m.example.com")


def test_domains_are_parsed_lowercased_and_deduplicated():
    assert parse(" Acme.COM, @acme.com\nlabs.acme.com;x.io ") == [
        "acme.com",
        "labs.acme.com",
        "x.io",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("acme", "not email domains"),
        ("acme.com, not a domain!", "not email domains"),
        ("http://acme.com", "not email domains"),
        (", ".join(f"d{i}.example.com" for i in range(MAX_DOMAINS + 1)), "At most 20"),
        ("x" * 501, "at most 500"),
    ],
)
def test_program_admins_get_clear_errors_for_bad_domains(client, typed, error):
    admin = make_user()
    program = make_program(admins=[admin])
    client.force_login(admin)
    data = {"name": program.name, "slug": program.slug, "kind": "classic",
            "start_date": "2026-11-01", "cadence_days": 14, "nudge_weekday": 0,
            "sso_email_domains": typed}  # fmt: skip
    response = client.post(reverse("programs:edit", args=[program.slug]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    program.refresh_from_db()
    assert program.sso_email_domains == ""


@pytest.mark.django_db
def test_program_admins_set_the_domains(client):
    admin = make_user()
    program = make_program(admins=[admin])
    client.force_login(admin)
    data = {"name": program.name, "slug": program.slug, "kind": "classic",
            "start_date": "2026-11-01", "cadence_days": 14, "nudge_weekday": 0,
            "sso_email_domains": "Acme.com  labs.acme.com"}  # fmt: skip
    response = client.post(reverse("programs:edit", args=[program.slug]), data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.sso_email_domains == "acme.com, labs.acme.com"


@pytest.mark.django_db
def test_joining_by_domain_is_exact_and_never_undoes_a_withdrawal():
    joins = make_program(sso_email_domains="acme.com")
    make_program(sso_email_domains="notacme.com, acme.com.evil.io")
    left = make_program(sso_email_domains="acme.com")
    person = make_user("pat@acme.com")
    make_participant(left, user=person, status="withdrawn")
    assert sso_join.join_by_domain(person) == [joins]
    assert Participant.objects.get(user=person, program=left).status == "withdrawn"
    assert sso_join.landing_url(person) is None
    assert sso_join.landing_url(make_user("x@nowhere.org")) == reverse("sso_no_program")


@pytest.mark.django_db
def test_the_sign_in_page_allows_the_identity_provider_in_form_action(client):
    SocialApp.objects.create(provider="openid_connect", provider_id="okta", name="Okta",
                             client_id="c", secret="s",
                             settings={"server_url": "https://acme.okta.com/oauth2"})  # fmt: skip
    response = client.get(reverse("login"))
    assert "Sign in with Okta" in response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "form-action 'self' https://acme.okta.com" in csp


@pytest.mark.django_db
def test_saml_apps_always_require_signed_assertions_whatever_their_settings():
    weak = {"want_assertion_signed": False, "reject_idp_initiated_sso": False}
    SocialApp.objects.create(
        provider="saml",
        provider_id="saml",
        name="Weak",
        client_id="w",
        settings={"advanced": weak},
    )
    [app] = SocialAccountAdapter().list_apps(None, provider="saml")
    assert app.settings["advanced"]["want_assertion_signed"] is True
    assert app.settings["advanced"]["reject_idp_initiated_sso"] is True


@pytest.mark.django_db
def test_password_sign_in_can_be_turned_off_but_staff_keep_django_admin(client, settings):
    settings.PASSWORD_SIGN_IN = False
    make_user("member@example.com")
    make_user("it@example.com", is_staff=True)
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    assert "Sign-in is not set up yet" in page  # and no provider either
    assert not client.login(username="member@example.com", password=PASSWORD)
    assert client.login(username="it@example.com", password=PASSWORD)
    settings.PASSWORD_SIGN_IN = True
    assert client.login(username="member@example.com", password=PASSWORD)
