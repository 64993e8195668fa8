"""Email pages. Namespace: emails."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("emails/preferences/", views.preferences, name="preferences"),
    path("emails/failed/", views.failed, name="failed"),
    path("emails/failed/resend/", views.resend_failed, name="resend_failed"),
    path("emails/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
