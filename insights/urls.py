"""Program health (admins), my growth (everyone), exports. Namespace: health."""

from django.urls import path

from insights import views

urlpatterns = [
    path("programs/<slug:slug>/health/", views.dashboard, name="dashboard"),
    path(
        "programs/<slug:slug>/health/pairs/<int:pair_id>/nudge/",
        views.nudge_pair,
        name="nudge_pair",
    ),
    path(
        "programs/<slug:slug>/health/export/<str:kind>.csv",
        views.export,
        name="export",
    ),
    path("programs/<slug:slug>/pairs/", views.pairs, name="pairs"),
    path("growth/", views.growth, name="growth"),
]
