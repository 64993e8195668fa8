"""Programs list, create, edit and the program admin home."""

import pytest
from django.urls import reverse

from mentorship import admin_invites
from mentorship.models import AdminInvite, Program
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def program_data(**extra):
    return {
        "name": "Engineering mentoring",
        "slug": "eng",
        "description": "Both sides learn.",
        "kind": "classic",
        "start_date": "2026-12-01",
        "end_date": "2027-06-30",
        "cadence_days": "14",
        "nudge_weekday": "2",
        **extra,
    }


@pytest.mark.parametrize("who", ["staff", "admin", "superuser"])
def test_staff_superusers_and_program_admins_create_programs(client, world, who):
    user = {
        "staff": make_user("staff@example.com", is_staff=True),
        "admin": world.admin,
        "superuser": world.superuser,
    }[who]
    client.force_login(user)
    response = client.post(reverse("programs:create"), program_data())
    assert response.status_code == 302
    program = Program.objects.get(slug="eng")
    assert response["Location"] == reverse("programs:detail", args=["eng"])
    assert list(program.admins.all()) == [user]  # the creator runs it
    assert program.nudge_weekday == 2 and program.cadence_days == 14
    assert str(program.end_date) == "2027-06-30"


def test_participants_cannot_create_programs(client, world):
    client.force_login(world.mentor.user)
    assert client.post(reverse("programs:create"), program_data()).status_code == 403
    assert not Program.objects.filter(slug="eng").exists()
    assert "New program" not in client.get(reverse("programs:list")).content.decode()


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"end_date": "2026-01-01"}, "The end date must be on or after the start date"),
        ({"slug": "main"}, "already exists"),
        ({"slug": "new"}, "reserved"),
        ({"slug": "has space"}, "Enter a valid"),
        ({"cadence_days": "0"}, "greater than or equal to 1"),
        ({"nudge_weekday": "9"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_program_form_validation(client, world, extra, message):
    client.force_login(world.admin)
    response = client.post(reverse("programs:create"), program_data(**extra))
    assert response.status_code == 200 and message in response.content.decode()
    assert Program.objects.count() == 2


def test_edit_program(client, world):
    client.force_login(world.admin)
    url = reverse("programs:edit", args=["main"])
    response = client.post(url, program_data(name="Renamed", slug="main", cadence_days="7"))
    assert response.status_code == 302
    world.program.refresh_from_db()
    assert world.program.name == "Renamed" and world.program.cadence_days == 7
    # An invalid edit keeps the saved values in the page header.
    response = client.post(url, program_data(name="", slug="main"))
    assert response.status_code == 200 and "<h1>Renamed</h1>" in response.content.decode()


def test_admin_home_shows_counts_and_links(client, world):
    world.other.status = "invited"
    world.other.save()
    client.force_login(world.admin)
    html = client.get(reverse("programs:detail", args=["main"])).content.decode()
    assert "2 active" in html and "1 invited" in html and "0 withdrawn" in html
    for name in ("participants", "invites", "import", "skills", "export", "edit"):
        assert reverse(f"programs:{name}", args=["main"]) in html


def test_programs_list_shows_both_kinds(client, world):
    client.force_login(world.admin)
    html = client.get(reverse("programs:list")).content.decode()
    assert "Main program" in html and "3 participants" in html and "Other program" not in html
    client.force_login(world.superuser)
    html = client.get(reverse("programs:list")).content.decode()
    assert "Main program" in html and "Other program" in html
    client.force_login(world.mentor.user)
    html = client.get(reverse("programs:list")).content.decode()
    assert "Main program" in html and "Set up my profile" in html
    assert f'href="{reverse("programs:detail", args=["main"])}"' not in html
    client.force_login(world.stranger)
    html = client.get(reverse("programs:list")).content.decode()
    assert "You are not in a program yet" in html


def test_program_names_are_text(client, world):
    world.program.name = '<script>alert("x")</script>'
    world.program.save()
    client.force_login(world.admin)
    html = client.get(reverse("programs:detail", args=["main"])).content.decode()
    assert '<script>alert("x")</script>' not in html


def test_admins_add_and_remove_co_admins(client, world):
    client.force_login(world.admin)
    add = reverse("programs:admin_add", args=["main"])
    response = client.post(add, {"email": "Mentor@Example.com"}, follow=True)
    assert "we sent them an invitation" in response.content.decode()
    # An admin only by accepting (tests/test_programs_admin_invites.py): here, accepted.
    invite = AdminInvite.objects.get(program=world.program)
    admin_invites.accept(invite, world.mentor.user)
    assert set(world.program.admins.values_list("email", flat=True)) == {
        "admin@example.com",
        "mentor@example.com",
    }
    response = client.post(add, {"email": "not an email"}, follow=True)
    assert "Enter a valid email address" in response.content.decode()
    # The new admin sees the admin pages; removing them takes that away.
    client.force_login(world.mentor.user)
    assert client.get(reverse("programs:detail", args=["main"])).status_code == 200
    client.force_login(world.admin)
    remove = reverse("programs:admin_remove", args=["main", world.mentor.user.pk])
    client.post(remove)
    client.force_login(world.mentor.user)
    assert client.get(reverse("programs:detail", args=["main"])).status_code == 403
    # The last admin stays.
    client.force_login(world.admin)
    last = reverse("programs:admin_remove", args=["main", world.admin.pk])
    response = client.post(last, follow=True)
    assert "at least one admin" in response.content.decode()
    assert list(world.program.admins.all()) == [world.admin]


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", 302),
        ("program_admin", 302),
        ("superuser", 302),
        ("other_program_admin", 404),
        ("mentor", 403),
        ("stranger", 404),
    ],
)
def test_admin_management_access(client, world, persona, expected):
    user = world.personas()[persona]
    if user:
        client.force_login(user)
    response = client.post(
        reverse("programs:admin_add", args=["main"]), {"email": "stranger@example.com"}
    )
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    # Nobody is made an admin without accepting; only admins can send the invitation.
    assert not world.program.admins.filter(email="stranger@example.com").exists()
    invited = AdminInvite.objects.filter(program=world.program, user=world.stranger).exists()
    assert invited == (persona in ("program_admin", "superuser"))
    world.program.admins.add(make_user("co-admin@example.com"))  # one who had accepted
    response = client.post(reverse("programs:admin_remove", args=["main", world.admin.pk]))
    assert response.status_code == expected
    assert world.program.admins.filter(pk=world.admin.pk).exists() == (
        persona not in ("program_admin", "superuser")
    )
