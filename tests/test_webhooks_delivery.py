"""Program webhooks end to end against a real HTTP receiver on loopback: each event,
signed (HMAC-SHA256 over timestamp + body), no session content, an outage (500, then no
answer) retried with backoff and delivered exactly once, failures listed."""

import datetime
import json
import logging

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from checkins import answers
from mentorship import webhooks as events
from mentorship.models import WebhookEndpoint
from notifications import webhooks
from notifications.models import WebhookDelivery
from pairs import lifecycle, pairing
from sessions import actions, session_log
from tests.factories import make_action, make_participant
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db
S = WebhookDelivery.Status


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.WEBHOOK_ALLOW_HTTP = True  # the receiver is plain HTTP on 127.0.0.1
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT = 1
    settings.EMAIL_RETRY_DELAYS = [60, 300]
    settings.EMAIL_RETRY_FOR = 3600


def endpoint_for(world, receiver, events_=tuple(events.EVENTS)):
    return WebhookEndpoint.objects.create(
        program=world.program,
        url=receiver.url + "/hook",
        events=list(events_),
        created_by=world.admin,
    )


def test_each_event_arrives_signed_with_ids_dates_and_statuses_only(world, on_commit):
    with Receiver() as receiver:
        endpoint = endpoint_for(world, receiver)
        receiver.secret = endpoint.secret
        newcomer = make_participant(world.program, role="mentee")
        with on_commit():
            proposed = pairing.create_pair(world.mentor, newcomer, status="proposed")
        with on_commit():
            lifecycle.change(proposed, "activate", world.admin)
        with on_commit():
            result = session_log.save_log(
                world.pair,
                world.mentee.user,
                "mentee",
                shared={
                    "occurred_at": timezone.now() - datetime.timedelta(hours=2),
                    "topics": "TOPIC-SECRET",
                    "shared_notes": "NOTES-SECRET",
                },
                side={"learned": "LEARNED-SECRET", "private_note": "PRIVATE-SECRET"},
            )
        action = make_action(world.pair, text="ACTION-SECRET")
        with on_commit():
            actions.mark_done(action, world.mentee.user)
        with on_commit():
            lifecycle.change(world.pair, "end", world.mentor.user, reason="REASON-SECRET")
        with on_commit():
            help_request, _new = answers.ask_for_help(world.pair, world.mentee.user, "help")
    got = receiver.delivered()
    assert [r.json["type"] for r in got] == [
        "pair.proposed",
        "pair.activated",
        "session.logged",
        "action.done",
        "pair.ended",
        "checkin.needs_attention",
    ]
    assert all(not r.problems for r in receiver.received)  # every signature checked out
    assert got[2].json["data"]["session"]["id"] == result.session.pk
    assert got[4].json["data"]["pair"] == {
        **got[4].json["data"]["pair"],
        "id": world.pair.pk,
        "status": "ended",
    }
    assert got[5].json["data"]["checkin"] == {
        "id": help_request.pk,
        "pair": world.pair.pk,
        "status": "help",
        "asked_at": help_request.created_at.isoformat(),
    }
    everything = b" ".join(r.body for r in receiver.received)
    assert b"SECRET" not in everything
    headers = {k.lower(): v for k, v in got[0].headers.items()}
    assert headers["mentorship-event"] == "pair.proposed"
    assert headers["mentorship-signature"].startswith("v1=")


def test_an_endpoint_gets_only_the_events_it_chose(world, on_commit):
    with Receiver() as receiver:
        endpoint = endpoint_for(world, receiver, [events.PAIR_ENDED])
        receiver.secret = endpoint.secret
        with on_commit():
            actions.mark_done(make_action(world.pair), world.mentee.user)
            lifecycle.change(world.pair, "complete", world.mentor.user)
    assert [r.json["type"] for r in receiver.delivered()] == ["pair.ended"]


def test_outage_500_then_no_answer_then_recovery_delivers_exactly_once(world, caplog, on_commit):
    with Receiver(script=[500, "hang", "ok"], hang_seconds=3) as receiver:
        endpoint = endpoint_for(world, receiver, [events.ACTION_DONE])
        receiver.secret = endpoint.secret
        start = timezone.now()
        with caplog.at_level(logging.INFO, logger="notifications.webhooks"):
            with on_commit():  # sent right after the commit
                actions.mark_done(make_action(world.pair), world.mentee.user)
            row = WebhookDelivery.objects.get()
            assert (row.status, row.attempts, row.last_status_code) == (S.PENDING, 1, 500)
            assert "attempt 1 failed (HTTP 500" in caplog.text and "retry in 60s" in caplog.text

            assert webhooks.deliver_due(start + datetime.timedelta(seconds=30))["retry"] == 0
            later = start + datetime.timedelta(seconds=61)
            assert webhooks.deliver_due(later)["retry"] == 1  # no answer within the timeout
            row.refresh_from_db()
            assert row.last_status_code is None and "no answer" in row.last_error
            assert "retry in 300s" in caplog.text

            recovered = later + datetime.timedelta(seconds=301)
            assert webhooks.deliver_due(recovered)["sent"] == 1
            assert webhooks.deliver_due(recovered + datetime.timedelta(days=9)) == dict.fromkeys(
                ("sent", "retry", "failed", "skipped"), 0
            )
            assert "delivered to endpoint:" in caplog.text
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == (S.SENT, 3, 200)
    assert len(receiver.received) == 3 and len(receiver.delivered()) == 1
    ids = {r.headers["Mentorship-Delivery"] for r in receiver.received}
    assert ids == {str(row.pk)}  # the same delivery id on every try: receivers can dedupe


def test_an_endpoint_that_never_recovers_is_marked_failed_and_can_be_resent(
    world, settings, caplog, on_commit
):
    settings.EMAIL_RETRY_DELAYS = [1]
    settings.EMAIL_RETRY_FOR = 0
    with Receiver(script=[500, 502]) as receiver:
        endpoint = endpoint_for(world, receiver, [events.ACTION_DONE])
        receiver.secret = endpoint.secret
        with on_commit():
            actions.mark_done(make_action(world.pair), world.mentee.user)
        with caplog.at_level(logging.ERROR, logger="notifications.webhooks"):
            webhooks.deliver_due(timezone.now() + datetime.timedelta(seconds=5))
        row = WebhookDelivery.objects.get()
        assert (row.status, row.last_status_code) == (S.FAILED, 502)
        assert "failed for good" in caplog.text
        assert webhooks.last_for(endpoint.target) == row
        with on_commit():
            assert webhooks.resend_failed(endpoint.target) == 1
        webhooks.deliver_due()
    row.refresh_from_db()
    assert row.status == S.SENT and len(receiver.delivered()) == 1


def test_a_removed_or_turned_off_endpoint_is_skipped(world, caplog):
    with Receiver(script=[500]) as receiver:
        endpoint = endpoint_for(world, receiver, [events.ACTION_DONE])
        actions.mark_done(make_action(world.pair), world.mentee.user)
        endpoint.active = False
        endpoint.save()
        webhooks.deliver_due(timezone.now() + datetime.timedelta(minutes=2))
    row = WebhookDelivery.objects.get()
    assert row.status == S.SKIPPED and "turned off" in row.last_error


def test_the_signature_refuses_a_changed_body_or_an_old_timestamp():
    body = json.dumps({"a": 1}).encode()
    now = 1_800_000_000
    signature = webhooks.sign("s3cret", now, body)
    assert webhooks.verify("s3cret", str(now), signature, body, now=now + 10)
    assert not webhooks.verify("s3cret", str(now), signature, body + b" ", now=now)
    assert not webhooks.verify("other", str(now), signature, body, now=now)
    assert not webhooks.verify("s3cret", str(now), signature, body, now=now + 301)
    assert not webhooks.verify("s3cret", "soon", signature, body, now=now)


@pytest.mark.parametrize(
    "url",
    ["http://example.com/hook", "ftp://example.com/", "https://user:pw@example.com/", "nothing"],
)
def test_only_https_addresses_are_taken(settings, url):
    settings.WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(ValidationError):
        webhooks.validate_url(url)
    webhooks.validate_url("https://hooks.example.com/in/1")


def test_an_event_is_recorded_once_per_endpoint_and_key(world):
    endpoint = WebhookEndpoint.objects.create(
        program=world.program, url="https://example.com/h", events=[events.PAIR_ENDED]
    )
    assert len(events.emit_pair(world.pair, events.PAIR_ENDED)) == 1
    assert events.emit_pair(world.pair, events.PAIR_ENDED) == []
    assert WebhookDelivery.objects.filter(target=endpoint.target).count() == 1
    with pytest.raises(ValueError):
        events.emit(world.program.pk, "pair.exploded", "k", {})


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://api.localhost./hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
    ],
)
def test_private_addresses_are_refused_by_the_form(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError, match="private network"):
        webhooks.validate_url(url)
    settings.WEBHOOK_ALLOW_PRIVATE = True
    webhooks.validate_url(url)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_delivery_refuses_a_host_that_is_private_once_connected(world, settings, monkeypatch, host):
    """A public-looking name can resolve to a private address (or be re-pointed there after
    the form saw it): delivery checks the address it connected to, sends nothing and never
    retries. `localhost` stands in for such a name; the form's check is bypassed the way an
    older row or the Django admin would."""
    with Receiver() as receiver:
        endpoint = endpoint_for(world, receiver)
        receiver.secret = endpoint.secret
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            url=receiver.url.replace("127.0.0.1", host) + "/hook"
        )
        webhooks.record("pair.ended", "k1", endpoint.target, {"id": 1})
        settings.WEBHOOK_ALLOW_PRIVATE = False
        with monkeypatch.context() as patch:
            patch.setattr(webhooks, "validate_url", lambda url: None)
            counts = webhooks.deliver_due()
        row = WebhookDelivery.objects.get(key="k1")
        assert (row.status, counts["skipped"], counts["retry"]) == (S.SKIPPED, 1, 0)
        assert "private network" in row.last_error
        assert receiver.delivered() == []
        settings.WEBHOOK_ALLOW_PRIVATE = True  # the same endpoint, allowed: it arrives
        webhooks.record("pair.ended", "k2", endpoint.target, {"id": 2})
        webhooks.deliver_due()
        assert WebhookDelivery.objects.get(key="k2").status == S.SENT


def test_public_addresses_pass_the_check():
    assert webhooks.is_public("93.184.215.14")
    assert webhooks.is_public("2606:4700::1111")
    assert not webhooks.is_public("100.64.0.1")  # carrier-grade NAT
    assert not webhooks.is_public("not an address")
