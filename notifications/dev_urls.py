"""The development outbox (DEBUG with the outbox backend only). No namespace."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("dev/outbox/", views.dev_outbox_list, name="dev_outbox"),
    path("dev/outbox/<str:message_id>/", views.dev_outbox_message, name="dev_outbox_message"),
    path("dev/outbox/<str:message_id>/html", views.dev_outbox_html, name="dev_outbox_html"),
]
