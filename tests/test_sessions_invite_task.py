"""The "add your side" invitation: recorded by the request, delivered once by a real worker."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications.models import SentEmail
from sessions import side_invites
from sessions.models import SessionSide
from tests.factories import World, make_session
from tests.services import DEAD_BROKER, current_app_with_broker


@pytest.mark.django_db(transaction=True)
def test_invite_is_delivered_by_a_real_worker_once(redis_required, celery_app, celery_worker):
    world = World()
    session = make_session(world.pair, author=world.mentee.user)
    assert side_invites.queue_invite(session, world.mentor.user)
    # The delivery the commit published is not what this test is about: let it finish
    # (else it may land after the clear below), then make the row due again.
    deadline = time.monotonic() + 20
    while not SentEmail.objects.filter(status="sent").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    mail.outbox.clear()
    SentEmail.objects.update(status="pending", next_attempt_at=timezone.now())
    # The test app's task, so it must go through Redis to the worker.
    deliver = celery_app.tasks["notifications.deliver_email"]
    row_id = SentEmail.objects.get(kind="add_your_side").pk
    deliver.delay(row_id).get(timeout=20)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mentor@example.com"]
    row = SentEmail.objects.get(kind="add_your_side")
    assert row.status == "sent" and row.user == world.mentor.user
    # Queued again (a double click) and delivered again (a redelivery): still one email.
    assert not side_invites.queue_invite(session, world.mentor.user)
    deliver.delay(row_id).get(timeout=20)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_invite_when_the_side_is_already_there_or_for_outsiders(world):
    session = make_session(world.pair, author=world.mentee.user)
    assert not side_invites.queue_invite(session, world.other.user)
    SessionSide.objects.create(session=session, side="mentor", author=world.mentor.user)
    assert not side_invites.queue_invite(session, world.mentor.user)
    scheduled = make_session(
        world.pair,
        status="scheduled",
        when=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    assert not side_invites.queue_invite(scheduled, world.mentee.user)
    assert mail.outbox == [] and not SentEmail.objects.exists()


@pytest.mark.django_db
def test_invite_is_kept_when_the_broker_is_down_and_sent_by_the_next_sweep(
    world, settings, django_capture_on_commit_callbacks
):
    from notifications import outbox as delivery

    session = make_session(world.pair, author=world.mentee.user)
    from notifications.tasks import deliver_email

    with (
        current_app_with_broker(settings, DEAD_BROKER),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        assert side_invites.queue_invite(session, world.mentor.user)
        with pytest.raises(OperationalError):  # the broker really is dead for the publish
            deliver_email.apply_async(args=[0])
    assert len(callbacks) == 1  # it ran, failed, and did not fail the request
    assert mail.outbox == []
    assert SentEmail.objects.get(kind="add_your_side").status == "pending"
    delivery.deliver_due()  # the periodic sweep
    assert [m.to for m in mail.outbox] == [["mentor@example.com"]]


@pytest.mark.django_db
def test_invite_is_skipped_if_the_side_was_added_before_delivery(world, settings):
    from notifications import outbox as delivery

    session = make_session(world.pair, author=world.mentee.user)
    with current_app_with_broker(settings, DEAD_BROKER):
        side_invites.queue_invite(session, world.mentor.user)
    SessionSide.objects.create(session=session, side="mentor", author=world.mentor.user)
    delivery.deliver_due()
    assert mail.outbox == []
    assert SentEmail.objects.get(kind="add_your_side").status == "skipped"


@pytest.mark.django_db
def test_the_request_delivers_its_own_invite_only(world, django_capture_on_commit_callbacks):
    from notifications import outbox as delivery

    other = delivery.record("reminder_due", "other:1", world.mentee.user, {"action": 0})
    session = make_session(world.pair, author=world.mentee.user)
    with django_capture_on_commit_callbacks(execute=True):  # eager: runs in process
        assert side_invites.queue_invite(session, world.mentor.user)
    assert [m.to for m in mail.outbox] == [["mentor@example.com"]]
    # Another due email is left to the periodic sweep, not sent by this request.
    assert SentEmail.objects.get(pk=other).status == "pending"
