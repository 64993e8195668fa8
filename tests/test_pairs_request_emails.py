"""Pairing requests reach people: the person asked gets an email and a dashboard card,
the requester hears the answer and sees the state, both hear when it expires."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import outbox
from notifications.models import SentEmail
from pairs import partner_requests
from pairs.models import PairRequest

pytestmark = pytest.mark.django_db


def ask(world, on_commit, message="Would love to learn hiring from you"):
    with on_commit():
        return partner_requests.create_request(world.other, world.mentor, message)


def test_the_person_asked_gets_an_email_with_the_message_and_a_link(world, on_commit):
    world.other.user.display_name = "Olga O'Brien"
    world.other.user.save()
    ask(world, on_commit, message="Tea & <cake>?")
    [email] = mail.outbox
    assert email.to == ["mentor@example.com"]
    assert email.subject == "Olga O'Brien would like to pair with you in Main program"
    assert "Olga O'Brien asked to pair" in email.body and "Tea & <cake>?" in email.body
    assert "http://127.0.0.1:8000/" in email.body  # the dashboard, where the card is
    html = email.alternatives[0][0]
    assert "Olga O&#x27;Brien" in html and "Tea &amp; &lt;cake&gt;?" in html


def test_a_dashboard_card_with_accept_and_decline_and_the_requesters_state(
    client, world, on_commit
):
    pair_request = ask(world, on_commit)
    client.force_login(world.mentor.user)
    page = client.get(reverse("home")).content.decode()
    assert "Olga Other would like to pair with you in Main program" in page
    assert reverse("pairs:request_respond", args=[pair_request.pk]) in page
    with on_commit():
        response = client.post(
            reverse("pairs:request_respond", args=[pair_request.pk]),
            {"action": "decline", "next": "dashboard"},
        )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "would like to pair" not in client.get(reverse("home")).content.decode()
    [answer] = [m for m in mail.outbox if m.to == ["other@example.com"]]
    assert answer.subject == "Maya Mentor declined your request"
    client.force_login(world.other.user)
    page = client.get(reverse("home")).content.decode()
    assert "My pairing requests" in page and "Declined" in page


def test_both_hear_once_when_a_request_expires(world, on_commit):
    pair_request = ask(world, on_commit)
    mail.outbox.clear()
    later = pair_request.expires_at + datetime.timedelta(minutes=1)
    with on_commit():
        assert partner_requests.expire_due(later) == 1
        assert partner_requests.expire_due(later) == 0
    pair_request.refresh_from_db()
    assert pair_request.status == PairRequest.Status.EXPIRED
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.com", "other@example.com"]
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["mentor@example.com"] == "The request from Olga Other expired"
    assert subjects["other@example.com"] == "Your request to Maya Mentor expired"


def test_an_answered_request_sends_no_stale_invitation(world, on_commit):
    pair_request = partner_requests.create_request(world.other, world.mentor)  # not delivered
    with on_commit():
        partner_requests.withdraw(pair_request, world.other.user)
    outbox.deliver_due(timezone.now() + datetime.timedelta(minutes=1))
    row = SentEmail.objects.get(kind="pair_request")
    assert row.status == "skipped" and "withdrawn" in row.last_error and mail.outbox == []
