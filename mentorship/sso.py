"""Single sign-on through django-allauth: who may come in, which account they get, and why not.

Accounts are made just in time when someone signs in through the identity provider, and
only then: there is no sign-up form. The rules, each in one place here:

- the identity provider must vouch for the email address (an `email_verified` claim or
  attribute, or the deployment's SSO_OIDC_TRUST_EMAIL / SSO_SAML_TRUST_EMAIL, which allauth
  reads as the app's `verified_email`); otherwise nothing is made or linked;
- an existing account with that address is linked to the identity, never duplicated;
- a disabled account (deactivated by an admin or through SCIM) is refused;
- every refusal shows a page that says why, and leaves a log line.

Which programs the person then joins is mentorship/sso_join.py.
"""

import logging
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, get_adapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.socialaccount.providers.saml.utils import fetch_metadata_url_config
from django.db import DatabaseError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mentorship import sso_join
from mentorship.email_domains import domain_of
from mentorship.models import User
from mentorship.models.users import normalize_email

log = logging.getLogger(__name__)

# Never weaker than this, whatever a SAML app's settings (environment or Django admin) say:
# the assertion must be signed, and only sign-ins we started are accepted.
SAML_REQUIRED = {"want_assertion_signed": True, "reject_idp_initiated_sso": True, "strict": True}


def refuse(request, code, message, provider="", status=403, **details):
    """Stop the sign-in with a page that says why, and a log line that says it too."""
    extra = " ".join(f"{key}={value}" for key, value in details.items())
    log.warning("sso refused: %s provider=%s %s", code, provider or "-", extra)
    response = render(
        request,
        "registration/sso_refused.html",
        {"message": message, "provider": provider, "code": code},
        status=status,
    )
    raise ImmediateHttpResponse(response)


def _provider_name(sociallogin):
    try:
        return sociallogin.provider.name
    except Exception:  # a provider that cannot be built still deserves a refusal page
        return sociallogin.account.provider


def _verified_email(sociallogin):
    """(address, verified) the identity provider gave, the primary one first."""
    addresses = sorted(
        sociallogin.email_addresses, key=lambda a: (bool(a.primary), bool(a.verified)), reverse=True
    )
    if not addresses:
        email = normalize_email(getattr(sociallogin.user, "email", ""))
        return email, False
    return normalize_email(addresses[0].email), bool(addresses[0].verified)


class StrictIdTokenAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter, but the ID token's signature is always checked
    against the provider's published keys. allauth skips that check for a token it fetched
    itself over TLS (which the standard allows); we check it anyway, so a provider answering
    with a token signed by a key it does not publish is refused, not believed."""

    def _decode_id_token(self, app, id_token):
        self.did_fetch_access_token = False
        return super()._decode_id_token(app, id_token)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # No local sign-up form: accounts come from invitations, imports, SCIM or SSO.
        return False

    def get_login_redirect_url(self, request):
        return sso_join.landing_url(request.user) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return sso_join.landing_url(request.user) or super().get_signup_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return True  # just-in-time accounts (pre_social_login has checked the address)

    def is_auto_signup_allowed(self, request, sociallogin):
        return True

    def list_apps(self, request, provider=None, client_id=None):
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        for app in apps:
            if app.provider == "saml":
                app.settings = dict(app.settings or {})
                app.settings["advanced"] = {
                    **(app.settings.get("advanced") or {}),
                    **SAML_REQUIRED,
                }
        return apps

    def pre_social_login(self, request, sociallogin: SocialLogin):
        provider = _provider_name(sociallogin)
        if sociallogin.is_existing:
            user = sociallogin.user
            if not user.is_active:
                refuse(
                    request,
                    "disabled",
                    _(
                        "Your account has been deactivated. Ask your program admin if you "
                        "think this is a mistake."
                    ),
                    provider,
                    user=user.pk,
                )
            sso_join.join_by_domain(user)
            return
        email, verified = _verified_email(sociallogin)
        if not email:
            refuse(
                request,
                "no_email",
                _(
                    "%(provider)s did not tell us your email address, so we cannot sign you "
                    "in. Ask your IT team to release the email attribute to this application."
                )
                % {"provider": provider},
                provider,
            )
        if not verified:
            refuse(
                request,
                "unverified_email",
                _(
                    "%(provider)s has not verified your email address, so we cannot sign you "
                    "in with it. Verify it with your identity provider, or ask your IT team."
                )
                % {"provider": provider},
                provider,
                domain=domain_of(email),
            )
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            return  # a new account: save_user below
        if not existing.is_active:
            refuse(
                request,
                "disabled",
                _(
                    "Your account has been deactivated. Ask your program admin if you think "
                    "this is a mistake."
                ),
                provider,
                user=existing.pk,
            )
        # The identity provider vouches for the address this account was made for.
        sociallogin.connect(request, existing)
        log.info("sso linked: provider=%s user=%s", provider, existing.pk)
        sso_join.join_by_domain(existing)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        user.display_name = (name or "").strip()[:150]
        user.email = normalize_email(user.email)
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        log.info("sso account made: provider=%s user=%s", _provider_name(sociallogin), user.pk)
        sso_join.join_by_domain(user)
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        extra_context = extra_context or {}
        name = getattr(provider, "name", "") or str(provider or "")
        reason = explain(exception, extra_context)
        if str(error) == "cancelled":
            refuse(request, "cancelled", _("Sign-in was cancelled."), name, status=400)
        refuse(
            request,
            "invalid_response",
            _(
                "We could not verify the answer from %(provider)s: %(reason)s Try again, or ask "
                "your IT team if it keeps happening."
            )
            % {"provider": name or _("your identity provider"), "reason": reason},
            name,
            status=400,
            error=error,
            detail=repr(_detail(exception, extra_context))[:300],
        )


def _detail(exception, extra_context):
    cause = exception.__cause__ if exception is not None else None
    return extra_context.get("saml_last_error_reason") or (
        f"{exception!r} caused by {cause!r}" if cause else repr(exception)
    )


# What went wrong, in words a person can pass on to their IT team: by the JWT error behind
# allauth's OAuth2Error, or by python3-saml's reason text (first match wins).
ANOTHER_APP = gettext_noop("it was issued for another application.")
EXPIRED = gettext_noop("it has expired.")
BAD_SIGNATURE = gettext_noop("its signature does not match the provider's keys.")
_REASONS = [
    (("invalidaudience", "audience"), ANOTHER_APP),
    (("expiredsignature", "expired", "notonorafter"), EXPIRED),
    (("invalidsignature", "invalid 'kid'", "signature", "reference validation"), BAD_SIGNATURE),
    (("already used",), gettext_noop("it has already been used.")),
    (("invalidissuer", "issuer"), gettext_noop("it comes from an unexpected issuer.")),
    (
        ("state", "inresponseto", "response_to"),
        gettext_noop("it does not answer a sign-in started here, or it has already been used."),
    ),
]


def explain(exception, extra_context):
    lowered = _detail(exception, extra_context).lower()
    for needles, words in _REASONS:
        if any(needle in lowered for needle in needles):
            return _(words)
    return _("it was not valid.")


def _origin(url):
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} else None


def idp_origin(app):
    """Where the identity provider's sign-in page is: our sign-in form is submitted there
    (through our redirect), so the page's CSP form-action must allow it."""
    config = app.settings or {}
    if app.provider == "openid_connect":
        return _origin(config.get("server_url"))
    idp = config.get("idp") or {}
    if idp.get("sso_url"):
        return _origin(idp["sso_url"])
    if idp.get("metadata_url"):
        try:
            meta = fetch_metadata_url_config(idp)
            return _origin(meta["idp"]["singleSignOnService"]["url"])
        except Exception:
            log.warning(
                "sso: cannot read the SAML metadata at %s", idp["metadata_url"], exc_info=True
            )
    return None


def sign_in_buttons(request):
    """([(name, url)], origins) of the configured identity providers, for the sign-in page."""
    buttons, origins = [], []
    try:
        apps = get_adapter().list_apps(request)
    except DatabaseError:
        # The sign-in page worked without the database before SSO: it still shows the
        # password form when the database is down (or not migrated yet).
        log.warning("sso: cannot list identity providers", exc_info=True)
        return buttons, origins
    for app in apps:
        try:
            provider = app.get_provider(request)
            buttons.append((provider.name, provider.get_login_url(request)))
        except Exception:
            log.warning("sso: provider %s is misconfigured", app.provider, exc_info=True)
            continue
        origin = idp_origin(app)
        if origin and origin not in origins:
            origins.append(origin)
    return buttons, origins
