"""Adding a program admin is an invitation the person accepts (issue 15, item 5): no account
is made an admin without consent, and the page answers the same for any address."""

import re

import pytest
from django.test import TestCase
from django.urls import reverse

from mentorship import admin_invites
from mentorship.models import AdminInvite
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def add(client, world, email):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("programs:admin_add", args=[world.program.slug]), {"email": email}, follow=True
        )


def link_in(message):
    match = re.search(r"http://[^\s]+/admin-invites/[^\s/]+/", message.body)
    assert match, message.body
    return match.group(0).replace("http://127.0.0.1:8000", "")


def notice(response):
    return [str(m) for m in response.context["messages"]]


def test_adding_an_existing_account_sends_an_invitation_and_grants_nothing(
    client, world, mailoutbox
):
    client.force_login(world.admin)
    response = add(client, world, "Mentor@Example.com")
    assert notice(response) == [admin_invites.sent_message("Mentor@Example.com")]
    assert not world.program.admins.filter(pk=world.mentor.user.pk).exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["mentor@example.com"]
    assert "Main program" in mailoutbox[0].subject
    assert "Nothing changes unless you accept" in mailoutbox[0].body
    # Adding again sends nothing more.
    add(client, world, "mentor@example.com")
    assert len(mailoutbox) == 1 and AdminInvite.objects.count() == 1


def test_the_answer_is_the_same_for_unknown_placeholder_and_existing_accounts(
    client, world, mailoutbox
):
    placeholder = make_user("placeholder@example.com")
    placeholder.set_unusable_password()
    placeholder.save()
    client.force_login(world.admin)
    answers = {}
    for email in ("nobody@example.com", "placeholder@example.com", "stranger@example.com"):
        response = add(client, world, email)
        assert response.status_code == 200
        answers[email] = notice(response)[0].replace(email, "EMAIL")
    assert len(set(answers.values())) == 1, answers
    assert [m.to for m in mailoutbox] == [["stranger@example.com"]]
    assert list(world.program.admins.all()) == [world.admin]


def test_the_invited_person_accepts_and_then_runs_the_program(client, world, mailoutbox):
    client.force_login(world.admin)
    add(client, world, "mentor@example.com")
    link = link_in(mailoutbox[0])
    client.logout()
    # Signed out: sign in first.
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    # Another account (even the inviting admin) cannot accept it.
    client.force_login(world.admin)
    assert client.post(link).status_code == 403
    client.force_login(world.stranger)
    assert client.get(link).status_code == 403 and client.post(link).status_code == 403
    assert not world.program.admins.filter(pk=world.mentor.user.pk).exists()
    # GET never changes anything; POST accepts.
    client.force_login(world.mentor.user)
    page = client.get(link)
    assert page.status_code == 200 and "Accept and become an admin" in page.content.decode()
    assert not world.program.admins.filter(pk=world.mentor.user.pk).exists()
    response = client.post(link)
    assert response.status_code == 302
    assert world.program.admins.filter(pk=world.mentor.user.pk).exists()
    assert client.get(reverse("programs:detail", args=["main"])).status_code == 200
    # The link is spent: removed later, the person cannot use it to come back.
    world.program.admins.remove(world.mentor.user)
    assert client.post(link).status_code == 410
    assert not world.program.admins.filter(pk=world.mentor.user.pk).exists()


def test_a_tampered_link_is_refused(client, world):
    client.force_login(world.mentor.user)
    url = reverse("programs:accept_admin_invite", args=["not-a-token"])
    assert client.get(url).status_code == 410
    assert client.post(url).status_code == 410
