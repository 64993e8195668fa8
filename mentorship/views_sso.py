"""Single sign-on pages around allauth's, and the provisioning (SCIM) token pages."""

import logging

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.saml import views as saml_views
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from mentorship import access, scim_tokens
from mentorship.sso import StrictIdTokenAdapter

log = logging.getLogger(__name__)


@login_required
def no_program(request):
    """Signed in through SSO, but no program lets this address join yet."""
    return render(request, "registration/sso_no_program.html")


def refused(request, message, code, status=403):
    log.warning("sso refused: %s path=%s", code, request.path)
    return render(
        request,
        "registration/sso_refused.html",
        {"message": message, "code": code},
        status=status,
    )


def cancelled(request):
    return render(
        request,
        "registration/sso_refused.html",
        {"message": _("Sign-in was cancelled."), "code": "cancelled"},
        status=200,
    )


def inactive(request):
    return refused(
        request,
        _(
            "Your account has been deactivated. Ask your program admin if you think this is a "
            "mistake."
        ),
        "disabled",
    )


def signup_impossible(request):
    return refused(
        request,
        _("We could not make an account for you automatically. Ask your program admin."),
        "no_signup",
    )


@csrf_exempt  # the identity provider's form posts here (allauth's own view is exempt too)
def saml_finish_acs(request, organization_slug):
    """allauth's last SAML step; an answer that matches no sign-in started in this browser (a
    replayed or stolen assertion) is refused with a page and a log line, not a bare 403."""
    try:
        return saml_views.finish_acs(request, organization_slug=organization_slug)
    except PermissionDenied:
        log.warning(
            "sso refused: saml response matches no sign-in started here (replay?) org=%s",
            organization_slug,
        )
        return render(
            request,
            "registration/sso_refused.html",
            {
                "message": _(
                    "This sign-in answer does not match a sign-in started in this "
                    "browser, or it has already been used. Start again from the "
                    "sign-in page."
                ),
                "code": "replayed",
            },
            status=403,
        )


def oidc_callback(request, provider_id):
    """allauth's OpenID Connect callback, with the ID token's signature always verified."""
    try:
        view = OAuth2CallbackView.adapter_view(StrictIdTokenAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("Which identity provider uses it, e.g. “Okta production”."),
    )


def _tokens_page(request, program):
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = scim_tokens.create(program, form.cleaned_data["name"], request.user)
            form = TokenForm()
        except scim_tokens.TokenError as exc:
            form.add_error(None, str(exc))
    tokens = scim_tokens.active_for(program).select_related("created_by")
    response = render(
        request,
        "programs/provisioning.html",
        {
            "program": program,
            "form": form,
            "raw": raw,
            "tokens": tokens,
            "scim_url": request.build_absolute_uri("/scim/v2/"),
        },
    )
    response["Cache-Control"] = "no-store"  # the new token is on this page, once
    return response


@login_required
@never_cache
def program_tokens(request, slug):
    return _tokens_page(request, access.get_program_for_admin(request.user, slug))


@login_required
@never_cache
def site_tokens(request):
    access.require_site_admin(request.user)
    return _tokens_page(request, None)


def _revoke(request, slug, pk):
    token = access.get_scim_token_for_admin(request.user, slug, pk)
    back = ("programs:provisioning", slug) if slug else ("site_provisioning",)
    if request.method == "POST":
        if scim_tokens.revoke(token, request.user):
            messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect(*back)
    return render(
        request,
        "programs/provisioning_revoke.html",
        {"token": token, "program": token.program, "back": back},
    )


@login_required
def program_token_revoke(request, slug, pk):
    return _revoke(request, slug, pk)


@login_required
def site_token_revoke(request, pk):
    return _revoke(request, None, pk)
