"""Single sign-on URLs under /accounts/: allauth's provider endpoints (OpenID Connect and
SAML) and the few allauth page names its flows redirect to, as our own pages. allauth's
account pages (sign-up, email management, …) are not mounted: our own /accounts/ pages
stay as they are."""

from allauth.urls import build_provider_urlpatterns
from django.urls import path

from mentorship import views_sso

urlpatterns = [
    path("sso/no-program/", views_sso.no_program, name="sso_no_program"),
    path("sso/cancelled/", views_sso.cancelled, name="socialaccount_login_cancelled"),
    path("sso/inactive/", views_sso.inactive, name="account_inactive"),
    path("sso/signup/", views_sso.signup_impossible, name="socialaccount_signup"),
    path("provisioning/", views_sso.site_tokens, name="site_provisioning"),
    path(
        "provisioning/<int:pk>/revoke/",
        views_sso.site_token_revoke,
        name="site_provisioning_revoke",
    ),
    # Before allauth's own patterns of the same addresses (see views_sso).
    path(
        "oidc/<str:provider_id>/login/callback/",
        views_sso.oidc_callback,
        name="openid_connect_callback",
    ),
    path(
        "saml/<str:organization_slug>/acs/finish/",
        views_sso.saml_finish_acs,
        name="saml_finish_acs",
    ),
    *build_provider_urlpatterns(),
]
