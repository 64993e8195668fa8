from django.urls import path

from pairs import views

P = "programs/<slug:slug>/"

urlpatterns = [
    path(P + "matching/", views.matching, name="matching"),
    path(P + "matching/run/", views.matching_run, name="run"),
    path(P + "matching/settings/", views.matching_settings, name="settings"),
    path(P + "matching/runs/<int:run_id>/progress/", views.run_progress, name="progress"),
    path(P + "matching/bulk/", views.suggestions_bulk, name="bulk"),
    path(P + "matching/manual/", views.manual_pair, name="manual"),
    path(P + "matching/exclusions/", views.exclusion_add, name="exclusion_add"),
    path(P + "matching/suggestions/<int:pk>/", views.suggestion_decide, name="decide"),
    path(P + "matching/suggestions/<int:pk>/swap/", views.suggestion_swap, name="swap"),
    path(P + "suggestions/", views.suggestions, name="suggestions"),
    path(P + "requests/", views.request_create, name="request_create"),
    path("requests/<int:pk>/respond/", views.request_respond, name="request_respond"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("pairs/<int:pk>/status/", views.pair_status, name="status"),
]
