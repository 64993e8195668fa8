"""Sign-in, sign-out, password reset and change: Django's views, our templates."""

from django.contrib.auth import views as auth_views
from django.urls import path

from mentorship.password_reset import QueuedPasswordResetForm
from mentorship.ratelimit import (
    RateLimitedLoginView,
    RateLimitedPasswordChangeView,
    RateLimitedPasswordResetView,
)

urlpatterns = [
    path("login/", RateLimitedLoginView.as_view(redirect_authenticated_user=True), name="login"),
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
