"""Reminders and nudges in Slack or Microsoft Teams instead of email, and a program's
weekly summary in a channel: against a local receiver that checks each service's
documented incoming-webhook shape (Slack: "text" and "blocks"; Teams: an Adaptive Card
attachment)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from insights import summaries
from mentorship import webhooks as events
from mentorship.models import WebhookEndpoint
from notifications import outbox, webhooks
from notifications.models import EmailPreference, SentEmail, WebhookDelivery
from sessions import actions, reminders
from tests.factories import make_action, make_session
from tests.webhook_receiver import Receiver, slack_problems, teams_problems

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    settings.WEBHOOK_TIMEOUT = 2


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def choose(user, channel, url):
    EmailPreference.objects.update_or_create(
        user=user, defaults={"channel": channel, "chat_webhook_url": url}
    )


@pytest.mark.parametrize("channel", ["slack", "teams"])
def test_a_reminder_goes_to_the_chat_the_person_chose(world, channel, on_commit):
    with time_machine.travel(at(2026, 11, 2, 8), tick=False):
        actions.create_action(
            world.pair, "Read the SQL chapter", "mentee", datetime.date(2026, 11, 10), by=None
        )
    with Receiver() as receiver:
        choose(world.mentee.user, channel, f"{receiver.url}/{channel}/T000/B000")
        with time_machine.travel(at(2026, 11, 8, 9), tick=False):
            reminders.claim_due(at(2026, 11, 8, 9))
            with on_commit():  # the chat message is posted once the email's round commits
                counts = outbox.deliver_due(at(2026, 11, 8, 9))
    assert mail.outbox == [] and counts["skipped"] == 1
    email = SentEmail.objects.get()
    assert email.status == "skipped" and "instead" in email.last_error
    [got] = receiver.received
    assert got.problems == [] and got.answered == "ok"
    body = got.json
    if channel == "slack":
        assert "Read the SQL chapter" in body["text"] and body["blocks"]
    else:
        card = body["attachments"][0]["content"]
        assert "Read the SQL chapter" in card["body"][0]["text"]
    assert WebhookDelivery.objects.get().status == "sent"


def test_email_stays_the_default_and_a_partner_still_gets_email(world):
    with time_machine.travel(at(2026, 11, 2, 8), tick=False):
        actions.create_action(world.pair, "Shared", "both", datetime.date(2026, 11, 10), by=None)
    choose(world.mentee.user, "slack", "https://hooks.slack.com/services/T/B/X")
    with time_machine.travel(at(2026, 11, 8, 9), tick=False):
        reminders.claim_due(at(2026, 11, 8, 9))
        outbox.deliver_due(at(2026, 11, 8, 9))
    assert [m.to for m in mail.outbox] == [["mentor@example.com"]]
    assert WebhookDelivery.objects.get().target == f"user:{world.mentee.user.pk}"


def test_a_person_back_on_email_gets_no_stale_chat_message(world):
    choose(world.mentee.user, "slack", "https://hooks.slack.com/services/T/B/X")
    webhooks.record("chat.message", "k", f"user:{world.mentee.user.pk}", {"title": "t"})
    choose(world.mentee.user, "email", "")
    assert webhooks.deliver_due()["skipped"] == 1


def test_the_preferences_page_takes_a_chat_and_checks_the_address(client, world, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    client.force_login(world.mentee.user)
    url = reverse("emails:preferences")
    base = {"reminders": "on", "nudges": "on"}
    bad = client.post(url, {**base, "channel": "slack", "chat_webhook_url": "http://x.test/h"})
    assert bad.status_code == 200 and "https://" in bad.content.decode()
    missing = client.post(url, {**base, "channel": "teams", "chat_webhook_url": ""})
    assert "incoming webhook" in missing.content.decode()
    good = "https://hooks.slack.com/services/T000/B000/XXXX"
    assert (
        client.post(url, {**base, "channel": "slack", "chat_webhook_url": good}).status_code == 302
    )
    pref = EmailPreference.objects.get(user=world.mentee.user)
    assert (pref.channel, pref.chat_webhook_url) == ("slack", good)
    back = {**base, "channel": "email", "chat_webhook_url": ""}
    assert client.post(url, back).status_code == 302
    assert EmailPreference.objects.get(user=world.mentee.user).channel == "email"


@pytest.mark.parametrize("channel", ["slack", "teams"])
def test_the_weekly_summary_posts_counts_once_a_week(world, channel, on_commit):
    make_session(world.pair, topics="TOPIC-SECRET", shared_notes="NOTE-SECRET")
    make_action(world.pair, text="ACTION-SECRET", due_on=datetime.date(2020, 1, 1))
    with Receiver() as receiver:
        WebhookEndpoint.objects.create(
            program=world.program,
            url=f"{receiver.url}/{channel}/in",
            format=channel,
            events=[events.WEEKLY_SUMMARY],
        )
        now = datetime.datetime.now(UTC)
        with on_commit():
            assert summaries.post_weekly(now) == 1
        with on_commit():
            assert summaries.post_weekly(now + datetime.timedelta(hours=1)) == 0
    [got] = receiver.received
    assert got.problems == []
    assert b"SECRET" not in got.body
    text = got.json["text"] if channel == "slack" else got.json["attachments"][0]["content"]
    assert "1 live pairs" in str(text) and "1 overdue" in str(text)
    row = WebhookDelivery.objects.get()
    assert row.payload["counts"]["sessions_logged"] == 1


def test_no_summary_for_a_program_without_such_an_endpoint(world):
    WebhookEndpoint.objects.create(
        program=world.program, url="https://x.test/h", events=[events.PAIR_ENDED]
    )
    assert summaries.post_weekly() == 0


def test_the_shape_checkers_refuse_wrong_shapes():
    """The receiver's checks can fail: a Slack body without text, a Teams card of the wrong type."""
    assert slack_problems({"blocks": []})
    assert slack_problems({"text": "x", "blocks": [{"type": "section", "text": {"text": "y"}}]})
    assert teams_problems({"type": "message", "attachments": [{"contentType": "text/plain"}]})
    assert not teams_problems({"@type": "MessageCard", "text": "hi"})
    assert not slack_problems(webhooks.slack_body("T", "x <y> & z", "https://e.test/"))
    assert not teams_problems(webhooks.teams_body("T", "x", "https://e.test/"))
