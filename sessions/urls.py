from django.urls import path

from sessions import views, views_email, views_goals

urlpatterns = [
    path("pairs/<int:pk>/", views.pair_page, name="pair"),
    path("pairs/<int:pk>/log/", views.log_session, name="log"),
    path("pairs/<int:pk>/log/action-row/", views.action_row, name="action_row"),
    path("pairs/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("pairs/<int:pk>/goals/new/", views_goals.goal_new, name="goal_new"),
    path("pairs/<int:pk>/agreement/", views_goals.agreement, name="agreement"),
    path("pairs/<int:pk>/agenda/", views_goals.agenda, name="agenda"),
    path("goals/<int:pk>/", views_goals.goal_detail, name="goal"),
    path("goals/<int:pk>/edit/", views_goals.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/progress/", views_goals.goal_progress, name="goal_progress"),
    path("sessions/<int:pk>/side/", views.session_side, name="side"),
    path("sessions/<int:pk>.ics", views.session_ics, name="ics"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    # One-click links in reminder emails (signed tokens; see sessions.action_links).
    path("emails/action/done/<str:token>/", views_email.action_done, name="email_action_done"),
    path(
        "emails/action/snooze/<str:token>/",
        views_email.action_snooze,
        name="email_action_snooze",
    ),
]
