"""The root URLconf: the one place that sees every app."""

from django.contrib import admin
from django.urls import include, path

from mentorship import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("mentorship.accounts")),
    path("dev/outbox/", views.dev_outbox, name="dev_outbox"),
    path("dev/outbox/<str:message_id>/", views.dev_outbox_message, name="dev_outbox_message"),
    path("dev/outbox/<str:message_id>/html", views.dev_outbox_html, name="dev_outbox_html"),
    path("admin/", admin.site.urls),
]
