"""seed_demo seeds sessions with both sides, next actions in every state, some overdue."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sessions.models import NextAction, Session, SessionSide

pytestmark = pytest.mark.django_db


def test_seed_demo_sessions(client):
    call_command("seed_demo", "--quiet")
    logged = Session.objects.filter(status="logged", pair__program__slug="demo")
    assert logged.count() >= 4
    assert SessionSide.objects.filter(side="mentor").exists()
    assert SessionSide.objects.filter(side="mentee").exists()
    statuses = set(NextAction.objects.values_list("status", flat=True))
    assert statuses == {"open", "done", "dropped"}
    overdue = NextAction.objects.filter(status="open", due_on__lt=timezone.localdate())
    assert overdue.exists()
    assert Session.objects.filter(status="scheduled").exists()
    counts = (Session.objects.count(), SessionSide.objects.count(), NextAction.objects.count())
    call_command("seed_demo", "--quiet")
    assert counts == (
        Session.objects.count(),
        SessionSide.objects.count(),
        NextAction.objects.count(),
    )
    # The seeded mentor signs in and sees their dashboard with overdue work and a side to add.
    from mentorship.models import User

    client.force_login(User.objects.get(email="mentor@example.com"))
    html = client.get(reverse("home")).content.decode()
    assert "Overdue since" in html
    assert "/side/" in html
    # One of their own pairs (which pair comes first is up to the database).
    pair = logged.filter(pair__mentor__user__email="mentor@example.com").first().pair
    assert client.get(reverse("sessions:pair", args=[pair.pk])).status_code == 200
