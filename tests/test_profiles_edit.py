"""A participant's own profile: guided onboarding, later edits, availability, skill chips."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from mentorship.models import Participant, Skill
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {
        "display_name": "Theo T.",
        "time_zone": "America/Chicago",
        "role": "both",
        "capacity": "2",
        "teaches": "Figma, Public speaking,  figma ",
        "learns": "sql; Go",
        "goals": "Ship my first query\n<script>alert(1)</script>",
        "department": "Design",
        "manager_email": "boss@example.com",
        "avail-TOTAL_FORMS": "3",
        "avail-INITIAL_FORMS": "0",
        "avail-MIN_NUM_FORMS": "0",
        "avail-MAX_NUM_FORMS": "14",
        "avail-0-day": "2",
        "avail-0-start": "17:00",
        "avail-0-end": "18:30",
        "avail-1-day": "0",
        "avail-1-start": "08:00",
        "avail-1-end": "09:00",
        "avail-2-day": "",
        "avail-2-start": "",
        "avail-2-end": "",
    }
    data.update(extra)
    return data


def test_guided_onboarding_saves_everything(client, world):
    client.force_login(world.mentee.user)
    url = reverse("programs:onboarding", args=[world.program.slug])
    page = client.get(url).content.decode()
    for step in ("1. ", "2. ", "3. ", "4. ", "5. "):
        assert f"<legend>{step}" in page
    # Type-ahead: the program's skills in a datalist, chips.js loaded, and a plain field.
    assert '<datalist id="skill-options"><option value="Figma"><option value="Hiring">' in page
    assert 'list="skill-options"' in page and "data-chips" in page
    assert "/static/js/chips.js" in page and finders.find("js/chips.js")

    response = client.post(url, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:profile", args=[world.program.slug])
    p = Participant.objects.get(pk=world.mentee.pk)
    assert p.role == "both" and p.capacity == 2 and p.onboarded_at is not None
    assert sorted(s.name for s in p.teaches.all()) == ["Figma", "Public speaking"]
    assert sorted(s.name for s in p.learns.all()) == ["Go", "SQL"]  # "sql" reused SQL
    assert Skill.objects.filter(program=world.program, name__iexact="sql").count() == 1
    assert p.availability == [
        {"day": 0, "start": "08:00", "end": "09:00"},
        {"day": 2, "start": "17:00", "end": "18:30"},
    ]
    assert (p.department, p.manager_email) == ("Design", "boss@example.com")
    p.user.refresh_from_db()
    assert (p.user.display_name, p.user.time_zone) == ("Theo T.", "America/Chicago")

    page = client.get(response["Location"]).content.decode()
    assert "Ship my first query<br>&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Wednesday 17:00–18:30" in page and "Design" in page


def test_invited_participant_becomes_active_after_onboarding(client, world):
    world.mentee.status = "invited"
    world.mentee.save()
    client.force_login(world.mentee.user)
    client.post(reverse("programs:onboarding", args=[world.program.slug]), form_data())
    assert Participant.objects.get(pk=world.mentee.pk).status == "active"


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"avail-0-end": "16:00"}, "the end time must be after the start time"),
        ({"avail-0-end": ""}, "Give a day, a start time and an end time"),
        (
            {"avail-1-day": "2", "avail-1-start": "18:00", "avail-1-end": "19:00"},
            "two windows overlap",
        ),
        ({"avail-0-start": "25:99"}, "Enter a valid time"),
        ({"role": "boss"}, "Select a valid choice"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ({"capacity": "99"}, "less than or equal to 20"),
        ({"teaches": "x" * 81}, "longer than 80 characters"),
        ({"goals": "g" * 2001}, "at most 2000 characters"),
        ({"manager_email": "nope"}, "valid email"),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, world, extra, message):
    client.force_login(world.mentee.user)
    url = reverse("programs:profile_edit", args=[world.program.slug])
    response = client.post(url, form_data(**extra))
    assert response.status_code == 422
    assert message in response.content.decode()
    p = Participant.objects.get(pk=world.mentee.pk)
    assert p.role == "mentee" and p.availability == [] and p.onboarded_at is None


def test_too_many_windows_is_refused(client, world):
    client.force_login(world.mentee.user)
    data = form_data(**{"avail-TOTAL_FORMS": "1000"})
    response = client.post(reverse("programs:profile_edit", args=[world.program.slug]), data)
    assert response.status_code == 422


def test_editing_later_shows_current_values(client, world):
    client.force_login(world.mentee.user)
    client.post(reverse("programs:onboarding", args=[world.program.slug]), form_data())
    page = client.get(reverse("programs:profile_edit", args=[world.program.slug])).content.decode()
    assert 'value="Figma, Public speaking"' in page
    assert 'value="17:00"' in page and 'value="boss@example.com"' in page
    # Removing a skill and a window.
    data = form_data(teaches="Figma", **{"avail-1-day": "", "avail-1-start": "", "avail-1-end": ""})
    client.post(reverse("programs:profile_edit", args=[world.program.slug]), data)
    p = Participant.objects.get(pk=world.mentee.pk)
    assert [s.name for s in p.teaches.all()] == ["Figma"] and len(p.availability) == 1


def test_one_account_a_profile_per_program(client, world):
    second = make_program("Second", slug="second")
    Participant.objects.create(program=second, user=world.mentee.user, role="mentor")
    client.force_login(world.mentee.user)
    client.post(reverse("programs:onboarding", args=["second"]), form_data(teaches="Cooking"))
    in_second = Participant.objects.get(program=second, user=world.mentee.user)
    in_main = Participant.objects.get(pk=world.mentee.pk)
    assert [s.name for s in in_second.teaches.all()] == ["Cooking"]
    assert [s.name for s in in_main.teaches.all()] == ["Figma"]  # untouched
    assert in_main.onboarded_at is None
    # Skills belong to their program.
    assert not Skill.objects.filter(program=world.program, name="Cooking").exists()
    page = client.get(reverse("programs:list")).content.decode()
    assert "Main program" in page and "Second" in page


def test_a_withdrawn_participant_has_no_profile_page(client, world):
    world.mentee.status = "withdrawn"
    world.mentee.save()
    client.force_login(world.mentee.user)
    assert (
        client.get(reverse("programs:profile_edit", args=[world.program.slug])).status_code == 404
    )


def test_own_profile_shows_private_fields(client, world):
    client.force_login(world.mentee.user)
    client.post(reverse("programs:onboarding", args=[world.program.slug]), form_data())
    page = client.get(reverse("programs:profile", args=[world.program.slug])).content.decode()
    assert "boss@example.com" in page and "Only you and the program admins see this" in page
