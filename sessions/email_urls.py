from django.urls import path

from sessions import views_email

urlpatterns = [
    path("emails/preferences/", views_email.preferences, name="preferences"),
    path("emails/failed/", views_email.failed, name="failed"),
    path("emails/action/done/<str:token>/", views_email.action_done, name="action_done"),
    path("emails/action/snooze/<str:token>/", views_email.action_snooze, name="action_snooze"),
    path("emails/unsubscribe/<str:token>/", views_email.unsubscribe, name="unsubscribe"),
]
