"""The API (namespace api): /api/v1/… and its schema, and the token pages in the account area."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import pages, views

urlpatterns = [
    path("accounts/api-tokens/", pages.token_list, name="tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/programs/", views.ProgramList.as_view(), name="programs"),
    path(
        "api/v1/programs/<slug:slug>/participants/",
        views.ParticipantList.as_view(),
        name="participants",
    ),
    path("api/v1/pairs/", views.PairList.as_view(), name="pairs"),
    path("api/v1/pairs/<int:pk>/", views.PairDetail.as_view(), name="pair"),
    path("api/v1/sessions/", views.SessionList.as_view(), name="sessions"),
    path("api/v1/sessions/<int:pk>/", views.SessionDetail.as_view(), name="session"),
    path("api/v1/actions/", views.ActionList.as_view(), name="actions"),
    path("api/v1/actions/<int:pk>/", views.ActionDetail.as_view(), name="action"),
    path("api/v1/actions/<int:pk>/done/", views.ActionDone.as_view(), name="action_done"),
    path("api/v1/checkins/", views.CheckInList.as_view(), name="checkins"),
    path("api/v1/checkins/<int:pk>/", views.CheckInDetail.as_view(), name="checkin"),
]
