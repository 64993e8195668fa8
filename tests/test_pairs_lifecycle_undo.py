"""Nothing destructive in one click: completing or ending asks first, can be undone for a
few minutes, and the partner hears of it by email once that window has passed."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications import outbox
from notifications.models import SentEmail
from pairs import lifecycle

pytestmark = pytest.mark.django_db


def status(client, pair, **data):
    return client.post(reverse("pairs:status", args=[pair.pk]), data)


def undo_token_in(url):
    return parse_qs(urlsplit(url).query)["undo"][0]


def page(client, pair):
    return client.get(pair.get_absolute_url()).content.decode()


def test_completing_is_behind_a_confirmation_that_works_without_javascript(client, world):
    client.force_login(world.mentee.user)
    html = page(client, world.pair)
    # Both finishing actions sit inside a <details> that says what will happen.
    complete = html.index('value="complete"')
    assert html.rfind("<details>", 0, complete) > html.rfind("</details>", 0, complete)
    assert "your partner is told by email" in html


def test_undo_within_the_window_restores_the_pair_and_the_partner_hears_nothing(
    client, world, mailoutbox
):
    world.pair.status = "paused"
    world.pair.save()
    client.force_login(world.mentee.user)
    back = status(client, world.pair, action="end", reason="Moving teams")["Location"]
    world.pair.refresh_from_db()
    assert world.pair.status == "ended" and back.startswith(
        world.pair.get_absolute_url() + "?undo="
    )
    html = client.get(back).content.decode()
    assert 'value="undo"' in html and "undo this for 10 minutes" in html
    token = undo_token_in(back)
    assert 'value="undo"' not in page(client, world.pair)  # only where the change was made
    assert (
        'value="undo"'
        not in client.get(world.pair.get_absolute_url() + "?undo=forged").content.decode()
    )
    status(client, world.pair, action="undo", token=token)
    world.pair.refresh_from_db()
    assert world.pair.status == "paused" and world.pair.ended_on is None
    assert world.pair.end_reason == ""
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert outbox.deliver_due(later)["sent"] == 0 and mailoutbox == []
    assert SentEmail.objects.get(kind="pair_ended").status == "skipped"


def test_after_the_window_undo_is_refused_and_the_partner_is_told(client, world, mailoutbox):
    client.force_login(world.mentee.user)
    back = status(client, world.pair, action="complete")["Location"]
    token = undo_token_in(back)
    assert outbox.deliver_due(timezone.now())["sent"] == 0  # not before the window ends
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        response = client.post(
            reverse("pairs:status", args=[world.pair.pk]),
            {"action": "undo", "token": token},
            follow=True,
        )
        assert "This can no longer be undone." in response.content.decode()
        assert outbox.deliver_due()["sent"] == 1
    world.pair.refresh_from_db()
    assert world.pair.status == "completed"
    [email] = mailoutbox
    assert email.to == ["mentor@example.com"]
    assert email.subject == "Your pairing with Theo Mentee is completed"
    assert "Theo Mentee marked your pairing" in email.body


def test_an_admin_ending_a_pair_tells_both_members(world, mailoutbox):
    lifecycle.change(world.pair, "end", world.admin, "The program closes")
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert outbox.deliver_due(later)["sent"] == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["mentee@example.com", "mentor@example.com"]
    assert all("a program admin ended your pairing" in m.body for m in mailoutbox)
    assert all("The program closes" in m.body for m in mailoutbox)


def test_an_undo_token_is_only_good_for_its_own_pair_and_change(world):
    lifecycle.change(world.pair, "complete", world.mentor.user)
    token = lifecycle.undo_token(world.pair)
    assert lifecycle.read_undo(world.pair, token) == "active"
    assert lifecycle.read_undo(world.pair, token + "x") is None
    world.pair.status = "ended"
    assert lifecycle.read_undo(world.pair, token) is None
