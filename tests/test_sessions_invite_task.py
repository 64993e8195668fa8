"""The "add your side" invitation: a real Celery worker on Redis sends it, exactly once."""

import datetime

import pytest
from django.core import mail

from sessions import side_invites
from sessions.models import SentEmail, SessionSide
from sessions.tasks import invite_to_add_side
from tests.factories import World, make_session


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db(transaction=True)
def test_invite_runs_on_a_real_worker_once(redis_required, celery_app, celery_worker):
    world = World()
    session = make_session(world.pair, author=world.mentee.user)
    invite_to_add_side.delay(session.pk, world.mentor.user.pk).get(timeout=20)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mentor@example.com"]
    row = SentEmail.objects.get(kind="add_your_side")
    assert row.status == "sent" and row.user == world.mentor.user
    # Delivered again (a redelivery, a double click): still one email.
    invite_to_add_side.delay(session.pk, world.mentor.user.pk).get(timeout=20)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_invite_when_the_side_is_already_there_or_for_outsiders(world):
    session = make_session(world.pair, author=world.mentee.user)
    assert side_invites.send_invite(session, world.other.user) is None
    SessionSide.objects.create(session=session, side="mentor", author=world.mentor.user)
    assert side_invites.send_invite(session, world.mentor.user) is None
    scheduled = make_session(
        world.pair,
        status="scheduled",
        when=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    assert side_invites.send_invite(scheduled, world.mentee.user) is None
    assert mail.outbox == [] and not SentEmail.objects.exists()
