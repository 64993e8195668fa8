"""Program health (admins), my growth (everyone), exports. Namespace: health."""

from django.urls import path

from sessions import views_health

urlpatterns = [
    path("programs/<slug:slug>/health/", views_health.dashboard, name="dashboard"),
    path(
        "programs/<slug:slug>/health/pairs/<int:pair_id>/nudge/",
        views_health.nudge_pair,
        name="nudge_pair",
    ),
    path(
        "programs/<slug:slug>/health/export/<str:kind>.csv",
        views_health.export,
        name="export",
    ),
    path("growth/", views_health.growth, name="growth"),
]
