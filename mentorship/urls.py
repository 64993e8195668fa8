"""The root URLconf: the one place that sees every app."""

from django.contrib import admin
from django.urls import include, path

from mentorship import views
from sessions import views as session_views

urlpatterns = [
    path("", session_views.dashboard, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", include("mentorship.accounts")),
    path("accounts/", include("mentorship.sso_urls")),
    path("scim/v2/", include("mentorship.scim")),
    path("", include("notifications.dev_urls")),
    path("", include(("mentorship.program_urls", "programs"))),
    path("", include(("pairs.urls", "pairs"))),
    path("", include(("sessions.urls", "sessions"))),
    path("", include(("notifications.urls", "emails"))),
    path("", include(("checkins.urls", "checkins"))),
    path("", include(("insights.urls", "health"))),
    path("", include(("api.urls", "api"))),
    path("admin/", admin.site.urls),
]

handler404 = "mentorship.views.not_found"
