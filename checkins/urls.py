"""Check-ins, the way out, idle pairs. Namespace: checkins."""

from django.urls import path

from checkins import views

urlpatterns = [
    path("checkins/<int:pk>/", views.answer, name="answer"),
    path("checkins/answer/<str:token>/", views.answer_link, name="answer_link"),
    path("pairs/<int:pk>/rematch/", views.rematch, name="rematch"),
    path("pairs/<int:pk>/still-going/", views.still_going, name="still_going"),
    path("checkins/still-going/<str:token>/", views.still_going_link, name="still_going_link"),
    path(
        "programs/<slug:slug>/help-requests/<int:pk>/resolve/",
        views.resolve,
        name="resolve",
    ),
]
