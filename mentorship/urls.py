"""The root URLconf: the one place that sees every app."""

from django.contrib import admin
from django.urls import include, path

from mentorship import views
from sessions import views as session_views

urlpatterns = [
    path("", session_views.dashboard, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("mentorship.accounts")),
    path("dev/outbox/", views.dev_outbox, name="dev_outbox"),
    path("dev/outbox/<str:message_id>/", views.dev_outbox_message, name="dev_outbox_message"),
    path("dev/outbox/<str:message_id>/html", views.dev_outbox_html, name="dev_outbox_html"),
    path("", include(("mentorship.program_urls", "programs"))),
    path("", include(("pairs.urls", "pairs"))),
    path("", include(("sessions.urls", "sessions"))),
    path("", include(("sessions.email_urls", "emails"))),
    path("", include(("sessions.health_urls", "health"))),
    path("admin/", admin.site.urls),
]
