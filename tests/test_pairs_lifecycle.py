"""Pause, resume, complete, end with a reason: members and admins; intro email on activation."""

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from pairs import lifecycle
from pairs.models import Pair
from tests.factories import make_pair

pytestmark = pytest.mark.django_db


def status_url(pair):
    return reverse("pairs:status", args=[pair.pk])


def pair_page(pair):
    try:
        return reverse("sessions:pair", args=[pair.pk])
    except NoReverseMatch:
        return None


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("mentor", True),
        ("mentee", True),
        ("program_admin", True),
        ("superuser", True),
        ("other_participant", False),
        ("other_program_admin", False),
        ("stranger", False),
    ],
)
def test_pause_per_persona(client, world, persona, allowed):
    client.force_login(world.personas()[persona])
    response = client.post(status_url(world.pair), {"action": "pause"})
    world.pair.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert response.url == (pair_page(world.pair) or reverse("home"))
        assert world.pair.status == "paused"
    else:
        assert response.status_code == 404
        assert world.pair.status == "active"


def test_anonymous_cannot_change_a_pair(client, world):
    response = client.post(status_url(world.pair), {"action": "pause"})
    assert response.status_code == 302 and "login" in response.url
    world.pair.refresh_from_db()
    assert world.pair.status == "active"


def test_full_lifecycle_with_dates(client, world):
    client.force_login(world.mentee.user)
    with time_machine.travel("2026-11-02 10:00Z"):
        client.post(status_url(world.pair), {"action": "pause"})
        client.post(status_url(world.pair), {"action": "resume"})
        client.post(status_url(world.pair), {"action": "complete"})
    world.pair.refresh_from_db()
    assert world.pair.status == "completed"
    assert str(world.pair.ended_on) == "2026-11-02"
    response = client.post(status_url(world.pair), {"action": "resume"}, follow=True)
    assert "cannot be changed that way" in response.content.decode()
    world.pair.refresh_from_db()
    assert world.pair.status == "completed"


def test_ending_early_needs_a_reason(client, world):
    client.force_login(world.admin)
    response = client.post(status_url(world.pair), {"action": "end", "reason": "  "}, follow=True)
    assert "Say why the pair ends early." in response.content.decode()
    world.pair.refresh_from_db()
    assert world.pair.status == "active"
    client.post(status_url(world.pair), {"action": "end", "reason": "Theo changed teams"})
    world.pair.refresh_from_db()
    assert world.pair.status == "ended" and world.pair.end_reason == "Theo changed teams"


def test_get_is_not_allowed(client, world):
    client.force_login(world.mentor.user)
    assert client.get(status_url(world.pair)).status_code == 405


def test_activation_sends_both_people_the_introduction(world, django_capture_on_commit_callbacks):
    world.other.department = "Secret Ops"
    world.other.manager_email = "boss@corp.example"
    world.other.goals = "Get better at <b>hiring</b> interviews"
    world.other.save()
    pair = make_pair(world.mentor, world.other, status="proposed", started_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.change(pair, "activate", world.other.user)
    pair.refresh_from_db()
    assert pair.status == "active" and pair.started_on is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.com", "other@example.com"]
    to_mentor = next(m for m in mail.outbox if m.to == ["mentor@example.com"])
    assert to_mentor.subject == "Meet Olga Other, your partner in Main program"
    html = to_mentor.alternatives[0][0]
    assert "You can teach Olga Other: Hiring" in to_mentor.body
    assert "A suggested first agenda" in to_mentor.body
    assert "&lt;b&gt;hiring&lt;/b&gt;" in html  # the partner's own words, escaped
    for message in mail.outbox:
        for part in (message.body, message.alternatives[0][0]):
            assert "Secret Ops" not in part and "boss@corp.example" not in part
    to_other = next(m for m in mail.outbox if m.to == ["other@example.com"])
    assert (
        "Maya Mentor" in to_other.subject and "Maya Mentor can teach you: Hiring" in to_other.body
    )


def test_resume_does_not_send_another_introduction(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.change(world.pair, "pause", world.mentor.user)
        lifecycle.change(world.pair, "resume", world.mentor.user)
    assert mail.outbox == []


def test_partial_shows_the_actions_that_fit(rf, world):
    request = rf.get("/")
    request.user = world.mentor.user
    html = render_to_string(
        "pairs/_lifecycle.html",
        {
            "pair": world.pair,
            "user": world.mentor.user,
            "pair_role": "mentor",
            "is_program_admin": False,
        },
        request=request,
    )
    assert 'value="pause"' in html and 'value="complete"' in html and 'value="end"' in html
    assert 'value="resume"' not in html
    assert f'action="{status_url(world.pair)}"' in html and "csrfmiddlewaretoken" in html
    outsider = render_to_string(
        "pairs/_lifecycle.html",
        {"pair": world.pair, "user": world.stranger, "pair_role": None, "is_program_admin": False},
        request=request,
    )
    assert "<form" not in outsider


def test_ended_pairs_free_capacity(world):
    assert Pair.objects.filter(mentor=world.mentor, status__in=Pair.OCCUPYING).count() == 1
    lifecycle.change(world.pair, "end", world.admin, "done")
    assert Pair.objects.filter(mentor=world.mentor, status__in=Pair.OCCUPYING).count() == 0


def test_pair_page_shows_the_controls_to_members_and_admins(client, world):
    page = pair_page(world.pair)
    if page is None:
        pytest.skip("the pair page (sessions:pair) is not there yet")
    client.force_login(world.mentee.user)
    body = client.get(page).content.decode()
    assert f'action="{status_url(world.pair)}"' in body and 'value="pause"' in body
    client.force_login(world.admin)
    body = client.get(page).content.decode()
    assert 'value="pause"' in body
    client.post(status_url(world.pair), {"action": "pause"})
    client.force_login(world.mentee.user)
    body = client.get(page).content.decode()
    assert 'value="resume"' in body and 'value="pause"' not in body
