"""Sign-in, sign-out, password reset and change: Django's views, our templates."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from mentorship import sso
from mentorship.password_reset import QueuedPasswordResetForm
from mentorship.ratelimit import (
    RateLimitedLoginView,
    RateLimitedPasswordChangeView,
    RateLimitedPasswordResetView,
)


class SignInView(RateLimitedLoginView):
    """The sign-in page: "Sign in with …" for each identity provider, and the email and
    password form unless the deployment turned it off (PASSWORD_SIGN_IN)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        buttons, self.idp_origins = sso.sign_in_buttons(self.request)
        return {
            **super().get_context_data(**kwargs),
            "sso_buttons": buttons,
            "password_sign_in": settings.PASSWORD_SIGN_IN,
        }

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if getattr(self, "idp_origins", None):
            # A "Sign in with …" form ends at the identity provider (via our redirect), and
            # browsers hold the redirect target to form-action too.
            response._csp_update = {"form-action": self.idp_origins}
        return response


urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    # The name allauth's single sign-on flows send people back to: the same page.
    path("login/", SignInView.as_view(), name="account_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        RateLimitedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        RateLimitedPasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
