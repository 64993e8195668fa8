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


def test_seed_demo_shows_goals_on_both_sides_an_agreement_and_an_agenda(client):
    from sessions.models import AgendaItem, Agreement, Goal

    call_command("seed_demo", "--quiet")
    pair = Session.objects.filter(pair__program__slug="demo").first().pair
    assert set(Goal.objects.filter(pair=pair).values_list("side", flat=True)) == {
        "mentor",
        "mentee",
    }
    assert Goal.objects.filter(pair=pair, shared=False).exists()  # a private goal too
    assert Goal.objects.filter(pair=pair, actions__isnull=False).exists()
    assert Agreement.objects.get(pair=pair).confirmed_by_both
    assert set(AgendaItem.objects.filter(pair=pair).values_list("side", flat=True)) == {
        "mentor",
        "mentee",
    }
    counts = (Goal.objects.count(), AgendaItem.objects.count(), Agreement.objects.count())
    call_command("seed_demo", "--quiet")
    assert counts == (Goal.objects.count(), AgendaItem.objects.count(), Agreement.objects.count())
    # The mentor sees both people's goals on the pair page, not the mentee's private one.
    client.force_login(pair.mentor.user)
    html = client.get(reverse("sessions:pair", args=[pair.pk])).content.decode()
    assert "Use " in html and "Learn enough" in html
    assert "Ask for the promotion conversation" not in html
    assert "How do you decide when" in html  # the agenda
