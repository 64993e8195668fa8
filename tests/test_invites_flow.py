"""Invite by email: signed expiring link, account creation on POST, resend, revoke."""

import datetime
import re
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from mentorship import invites
from mentorship.models import Invite, Participant
from notifications import outbox
from notifications.models import SentEmail
from tests.factories import PASSWORD, make_program

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a long new passphrase 42"


def post(client, url, data=None, **extra):
    """POST, then run what the request queued for after its commit (the invitation emails)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {}, **extra)


def send(client, world, emails, role="mentee"):
    client.force_login(world.admin)
    response = post(
        client,
        reverse("programs:invites", args=[world.program.slug]),
        {"emails": emails, "role": role},
    )
    client.logout()
    return response


def link_in(message):
    match = re.search(r"http://[^\s]+/invites/[^\s/]+/", message.body)
    assert match, message.body
    return match.group(0).replace("http://127.0.0.1:8000", "")


def accept_form(**extra):
    return {
        "display_name": "Nina New",
        "time_zone": "Europe/Lisbon",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }


def test_invite_accept_set_password_then_onboarding(client, world, mailoutbox):
    response = send(client, world, "Nina@Example.com", role="mentor")
    assert response.status_code == 302
    invite = Invite.objects.get(email="nina@example.com")
    assert (
        invite.status == "pending" and invite.send_count == 1 and invite.created_by == world.admin
    )
    participant = Participant.objects.get(program=world.program, user__email="nina@example.com")
    assert participant.status == "invited" and participant.role == "mentor"
    assert not participant.user.has_usable_password()  # nobody can sign in with it yet

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nina@example.com"] and "Main program" in message.subject
    url = link_in(message)
    assert url in message.alternatives[0][0]

    page = client.get(url)
    assert page.status_code == 200
    assert "Create my account" in page.content.decode()
    assert not participant.user.has_usable_password()  # a GET changes nothing

    response = client.post(url, accept_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:onboarding", args=[world.program.slug])
    user = User.objects.get(email="nina@example.com")
    assert user.check_password(NEW_PASSWORD) and user.display_name == "Nina New"
    assert user.time_zone == "Europe/Lisbon"
    participant.refresh_from_db()
    invite.refresh_from_db()
    assert participant.status == "active" and invite.status == "accepted" and invite.accepted_at
    # Signed in: the onboarding page opens.
    assert client.get(response["Location"]).status_code == 200
    # The link is single-use.
    client.logout()
    again = client.get(url)
    assert again.status_code == 410 and "already accepted" in again.content.decode()


def test_bad_passwords_change_nothing(client, world, mailoutbox):
    send(client, world, "nina@example.com")
    url = link_in(mailoutbox[0])
    response = client.post(url, accept_form(password2="different passphrase 42"))
    assert response.status_code == 200 and "The two passwords differ" in response.content.decode()
    response = client.post(url, accept_form(password1="123", password2="123"))
    assert "too short" in response.content.decode()
    assert not User.objects.get(email="nina@example.com").has_usable_password()
    assert Invite.objects.get().status == "pending"


def test_link_expires(client, world, mailoutbox):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        send(client, world, "nina@example.com")
        url = link_in(mailoutbox[0])
        traveller.shift(datetime.timedelta(days=13, hours=23))
        assert client.get(url).status_code == 200
        traveller.shift(datetime.timedelta(hours=2))
        response = client.get(url)
        assert response.status_code == 410 and "expired" in response.content.decode()
        response = client.post(url, accept_form())
        assert response.status_code == 410
        assert not User.objects.get(email="nina@example.com").has_usable_password()


def test_resend_kills_the_older_link(client, world, mailoutbox):
    send(client, world, "nina@example.com")
    old = link_in(mailoutbox[0])
    invite = Invite.objects.get()
    client.force_login(world.admin)
    response = post(client, reverse("programs:invite_resend", args=[world.program.slug, invite.pk]))
    assert response.status_code == 302
    client.logout()
    assert len(mailoutbox) == 2
    new = link_in(mailoutbox[1])
    assert new != old
    response = client.get(old)
    assert response.status_code == 410 and "newer invitation" in response.content.decode()
    assert client.get(new).status_code == 200
    invite.refresh_from_db()
    assert invite.send_count == 2 and invite.nonce == 1


def test_revoke_kills_the_link(client, world, mailoutbox):
    send(client, world, "nina@example.com")
    url = link_in(mailoutbox[0])
    invite = Invite.objects.get()
    client.force_login(world.admin)
    client.post(reverse("programs:invite_revoke", args=[world.program.slug, invite.pk]))
    invite.refresh_from_db()
    assert invite.status == "revoked"
    assert Participant.objects.get(user__email="nina@example.com").status == "withdrawn"
    # Revoked invitations cannot be resent or revoked twice.
    client.post(reverse("programs:invite_resend", args=[world.program.slug, invite.pk]))
    assert len(mailoutbox) == 1
    client.logout()
    response = client.post(url, accept_form())
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert not User.objects.get(email="nina@example.com").has_usable_password()
    # Inviting again gives a fresh pending invite and a working link.
    send(client, world, "nina@example.com")
    assert Invite.objects.filter(status="pending").count() == 1
    assert client.get(link_in(mailoutbox[1])).status_code == 200
    assert Participant.objects.get(user__email="nina@example.com").status == "invited"


def test_tampered_links_are_refused(client, world, mailoutbox):
    send(client, world, "nina@example.com")
    url = link_in(mailoutbox[0])
    response = client.get(url[:-3] + "xx/")
    assert response.status_code == 410 and "not valid" in response.content.decode()


def test_existing_account_signs_in_then_joins(client, world, mailoutbox):
    # Olga is already in the main program; she is invited to another one.
    program = make_program("Second", admins=[world.admin], slug="second")
    client.force_login(world.admin)
    post(
        client,
        reverse("programs:invites", args=["second"]),
        {"emails": "other@example.com", "role": "both"},
    )
    client.logout()
    url = link_in(mailoutbox[0])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "already has an account" in html
    assert f"/accounts/login/?next={quote(url, safe='')}" in html
    # Posting a password does not take over an existing account.
    client.post(url, accept_form())
    assert User.objects.get(email="other@example.com").check_password(PASSWORD)

    assert client.login(username="other@example.com", password=PASSWORD)
    assert "Join the program" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == reverse("programs:onboarding", args=["second"])
    # One account, a profile per program.
    user = User.objects.get(email="other@example.com")
    assert sorted(user.participations.values_list("program__slug", flat=True)) == ["main", "second"]
    assert Participant.objects.get(program=program, user=user).status == "active"
    assert Participant.objects.get(program=world.program, user=user).role == "mentee"


def test_signed_in_as_someone_else(client, world, mailoutbox):
    send(client, world, "nina@example.com")
    url = link_in(mailoutbox[0])
    client.force_login(world.mentor.user)
    response = client.get(url)
    assert (
        response.status_code == 403
        and "you are signed in as mentor@example.com" in response.content.decode()
    )
    response = client.post(url, accept_form())
    assert response.status_code == 403
    assert not User.objects.get(email="nina@example.com").has_usable_password()


def test_invite_form_validation(client, world, mailoutbox):
    client.force_login(world.admin)
    url = reverse("programs:invites", args=[world.program.slug])
    response = client.post(url, {"emails": "good@example.com, not-an-email", "role": "mentee"})
    assert (
        response.status_code == 200
        and "Not valid email addresses: not-an-email" in response.content.decode()
    )
    assert not Invite.objects.exists() and not mailoutbox
    response = post(
        client, url, {"emails": "a@example.com\nb@example.com a@example.com", "role": "both"}
    )
    assert response.status_code == 302 and len(mailoutbox) == 2
    # Already an active member with an account: told so, not re-invited.
    response = client.post(url, {"emails": "mentor@example.com", "role": "mentee"}, follow=True)
    assert "already in this program" in response.content.decode() and len(mailoutbox) == 2
    page = client.get(url).content.decode()
    assert "a@example.com" in page and "Resend" in page and "Revoke" in page


def test_inviting_twice_is_a_resend(client, world, mailoutbox):
    send(client, world, "nina@example.com")
    send(client, world, "nina@example.com")
    assert Invite.objects.count() == 1 and len(mailoutbox) == 2
    assert client.get(link_in(mailoutbox[0])).status_code == 410
    assert client.get(link_in(mailoutbox[1])).status_code == 200


def test_a_mail_outage_keeps_the_invite_and_its_email_is_retried(client, world, smtp):
    client.force_login(world.admin)
    response = post(
        client,
        reverse("programs:invites", args=[world.program.slug]),
        {"emails": "nina@example.com", "role": "mentee"},
        follow=True,
    )
    assert response.status_code == 200 and "Sent 1 invitation." in response.content.decode()
    invite = Invite.objects.get()
    assert invite.status == "pending" and invite.send_count == 1
    row = SentEmail.objects.get(kind="invite")
    assert row.status == "pending" and row.attempts == 1 and "Error" in row.last_error
    # The mail server comes back: the retry sends it, once.
    sink = smtp.up()
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert outbox.deliver_due(later)["sent"] == 1
    assert outbox.deliver_due(later + datetime.timedelta(hours=3))["sent"] == 0
    [message] = sink.messages
    assert message["To"] == "nina@example.com" and "/invites/" in message.get_body().get_content()


def test_imported_people_can_be_invited_in_one_go(client, world, mailoutbox):
    from mentorship import importing

    data = b"email,name\nimp1@example.com,Imp One\nimp2@example.com,Imp Two\n"
    importing.apply(
        importing.store(world.program, world.admin, importing.check(world.program, data))
    )
    client.force_login(world.admin)
    page = client.get(reverse("programs:invites", args=[world.program.slug])).content.decode()
    assert "2 people were imported and have no invitation yet" in page
    post(client, reverse("programs:invite_imported", args=[world.program.slug]))
    assert sorted(m.to[0] for m in mailoutbox) == ["imp1@example.com", "imp2@example.com"]
    page = client.get(reverse("programs:invites", args=[world.program.slug])).content.decode()
    assert "have no invitation yet" not in page


def test_token_payload_names_the_invite_and_nonce(world, mailoutbox):
    invite, sent = invites.invite(world.program, "z@example.com", world.admin)
    assert sent and invites.load(invites.token_for(invite)) == invite
