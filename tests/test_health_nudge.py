"""'Nudge both people' on a stalled pair: one email each, once a day, admins only."""

import datetime
import time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from notifications.models import SentEmail
from tests import health_data
from tests.health_data import MARKER, NOW, admins_only, health_settings, logged_session  # noqa: F401

pytestmark = pytest.mark.django_db
frozen = health_data.frozen  # fixture: the clock stands still at NOW

EXPECTED = admins_only(302)


@pytest.fixture
def stalled(world):
    # Last met 40 days ago; the cadence is 14 days, so the pair is stalled.
    logged_session(world.pair, NOW - datetime.timedelta(days=40))
    return world.pair


def nudge_url(world, pair):
    return reverse("health:nudge_pair", args=[world.program.slug, pair.pk])


@pytest.mark.parametrize("persona", EXPECTED)
def test_only_the_programs_admins_can_nudge(
    client, world, stalled, frozen, persona, django_capture_on_commit_callbacks
):
    user = world.personas()[persona]
    if user:
        client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(nudge_url(world, stalled))
    assert response.status_code == EXPECTED[persona]
    sent = 2 if persona in ("program_admin", "superuser") else 0
    assert len(mail.outbox) == sent
    assert SentEmail.objects.filter(kind="stalled_nudge").count() == sent


def test_nudge_emails_each_member_once_and_the_page_says_so(
    client, world, stalled, frozen, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    dashboard = reverse("health:dashboard", args=[world.program.slug])
    assert "Nudge both people</button>" in client.get(dashboard).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(nudge_url(world, stalled), follow=True)
    assert response.redirect_chain[-1][0] == dashboard
    html = response.content.decode()
    assert "We emailed Maya Mentor and Theo Mentee a nudge to meet." in html
    assert "Nudged today" in html and "Nudge both people</button>" not in html
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "mentor@example.com"]
    by_to = {m.to[0]: m for m in mail.outbox}
    mentee_mail = by_to["mentee@example.com"]
    assert mentee_mail.subject == "Time to catch up with Maya Mentor?"
    assert "Hi Theo Mentee," in mentee_mail.body
    assert "last met on 11 Oct 2026" in mentee_mail.body
    html_part = mentee_mail.alternatives[0][0]
    assert "Maya Mentor" in html_part
    for message in mail.outbox:
        assert MARKER not in message.body and MARKER not in message.alternatives[0][0]
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"sent"}

    # A second click the same day sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(nudge_url(world, stalled), follow=True)
    assert "were already nudged today" in response.content.decode()
    assert len(mail.outbox) == 2

    # The next day the admin may nudge again.
    with (
        time_machine.travel(NOW + datetime.timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(nudge_url(world, stalled))
    assert len(mail.outbox) == 4


def test_htmx_nudge_swaps_in_feedback(
    client, world, stalled, frozen, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(nudge_url(world, stalled), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nudged just now" in html and 'role="status"' in html and "<html" not in html
    response = client.post(nudge_url(world, stalled), HTTP_HX_REQUEST="true")
    assert "Already nudged today" in response.content.decode()
    assert len(mail.outbox) == 2


def test_get_is_refused_and_nothing_is_sent(client, world, stalled):
    client.force_login(world.admin)
    assert client.get(nudge_url(world, stalled)).status_code == 405
    assert not SentEmail.objects.exists()


@pytest.mark.parametrize("status", ["proposed", "paused", "completed", "ended", "declined"])
def test_only_active_pairs_can_be_nudged(client, world, stalled, status):
    stalled.status = status
    stalled.save()
    client.force_login(world.admin)
    assert client.post(nudge_url(world, stalled)).status_code == 404
    assert not SentEmail.objects.exists()


def test_a_pair_of_another_program_is_404(client, world, frozen):
    from tests.factories import make_pair, make_participant

    other_pair = make_pair(
        make_participant(world.other_program, role="mentor"),
        make_participant(world.other_program, role="mentee"),
    )
    client.force_login(world.admin)
    url = reverse("health:nudge_pair", args=[world.program.slug, other_pair.pk])
    assert client.post(url).status_code == 404


def test_a_broker_outage_still_answers_and_the_next_sweep_sends(
    client, world, stalled, django_capture_on_commit_callbacks
):
    from notifications import outbox as delivery
    from notifications.tasks import deliver_email

    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    original = deliver_email.apply_async
    deliver_email.apply_async = broken
    try:
        client.force_login(world.admin)
        with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
            response = client.post(nudge_url(world, stalled), HTTP_HX_REQUEST="true")
    finally:
        deliver_email.apply_async = original
    assert response.status_code == 200
    assert "Nudged just now" in response.content.decode()
    assert list(SentEmail.objects.values_list("status", flat=True)) == ["pending", "pending"]
    assert mail.outbox == []
    # A second click the same day records nothing more...
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        response = client.post(nudge_url(world, stalled), HTTP_HX_REQUEST="true")
    assert "Already nudged today" in response.content.decode()
    # ...and the periodic delivery sweep sends each email once.
    counts = delivery.deliver_due(NOW + datetime.timedelta(minutes=1))
    assert counts["sent"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "mentor@example.com"]
    assert delivery.deliver_due(NOW + datetime.timedelta(hours=1))["sent"] == 0


def test_a_mail_server_outage_is_retried_with_backoff(
    client, world, stalled, settings, django_capture_on_commit_callbacks
):
    from notifications import outbox as delivery

    settings.EMAIL_BACKEND = "tests.test_health_nudge.RefusingBackend"
    client.force_login(world.admin)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(nudge_url(world, stalled))
    rows = list(SentEmail.objects.filter(kind="stalled_nudge"))
    assert [r.status for r in rows] == ["pending", "pending"]
    assert all(r.attempts == 1 and r.next_attempt_at > NOW for r in rows)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_due(NOW + datetime.timedelta(hours=1))["sent"] == 2
    assert len(mail.outbox) == 2


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        import smtplib

        raise smtplib.SMTPConnectError(421, "try later")

    def close(self):
        pass

    def send_messages(self, messages):
        self.open()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_nudges(redis_required, celery_app, celery_worker, client):
    from tests.factories import World

    world = World()
    logged_session(world.pair, NOW - datetime.timedelta(days=40))
    client.force_login(world.admin)
    response = client.post(nudge_url(world, world.pair), HTTP_HX_REQUEST="true")
    assert "Nudged just now" in response.content.decode()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and SentEmail.objects.exclude(status="sent").exists():
        time.sleep(0.1)
    assert list(SentEmail.objects.values_list("status", flat=True)) == ["sent", "sent"]
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "mentor@example.com"]
