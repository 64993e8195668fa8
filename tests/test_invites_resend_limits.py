"""Invitation resends are capped per invitation and per program per hour (issue 15, item 6:
15 resends sent 15 emails to one address)."""

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse

from mentorship import invites
from mentorship.models import Invite

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {}, follow=True)


@pytest.fixture
def frozen():
    with time_machine.travel("2026-11-02 09:00:00+00:00", tick=False) as traveller:
        yield traveller


def invite_page(world):
    return reverse("programs:invites", args=[world.program.slug])


def resend_url(world, invite):
    return reverse("programs:invite_resend", args=[world.program.slug, invite.pk])


def test_fifteen_resends_send_at_most_four_emails_an_hour(client, world, mailoutbox, frozen):
    client.force_login(world.admin)
    post(client, invite_page(world), {"emails": "nina@example.com", "role": "mentee"})
    invite = Invite.objects.get()
    pages = [post(client, resend_url(world, invite)).content.decode() for _ in range(15)]
    assert len(mailoutbox) == 1 + invites.RESENDS_PER_INVITE
    assert all("Sent a new link" in page for page in pages[: invites.RESENDS_PER_INVITE])
    refused = pages[invites.RESENDS_PER_INVITE :]
    assert all("already resent 3 times in the last hour" in page for page in refused)
    # Inviting the same address again is a resend too: capped the same way.
    page = post(client, invite_page(world), {"emails": "nina@example.com", "role": "mentee"})
    assert "already resent 3 times" in page.content.decode()
    assert len(mailoutbox) == 4
    # The cap is per hour: later, a resend goes out again (and its link is the newest).
    frozen.shift(61 * 60)
    assert "Sent a new link" in post(client, resend_url(world, invite)).content.decode()
    assert len(mailoutbox) == 5


def test_a_program_resends_at_most_its_hourly_cap(client, world, mailoutbox, frozen, settings):
    client.force_login(world.admin)
    emails = [f"p{n}@example.com" for n in range(12)]
    post(client, invite_page(world), {"emails": ", ".join(emails), "role": "mentee"})
    assert len(mailoutbox) == 12
    sent = 0
    for invite in Invite.objects.order_by("pk"):
        for _ in range(3):
            page = post(client, resend_url(world, invite)).content.decode()
            sent += "Sent a new link" in page
    assert sent == invites.RESENDS_PER_PROGRAM
    assert len(mailoutbox) == 12 + invites.RESENDS_PER_PROGRAM
    assert "This program already resent 30 invitations in the last hour" in page
    # Another program is not held back by this one.
    other_invite, queued = invites.invite(world.other_program, "x@example.com", world.other_admin)
    invites.resend(other_invite)
