"""The notifications app: the outbox tables kept their rows through the move, every email
kind goes through it (retries included), and kinds come from the apps' registrations."""

import datetime
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import outbox, registry
from notifications.models import EmailPreference, SentEmail
from pairs import lifecycle
from tests.factories import make_pair

OLD_LAYOUT = [("session_logs", "0002_reminders_delivery_retry"), ("notifications", None)]


@pytest.mark.django_db(transaction=True)
def test_rows_written_in_the_old_layout_are_there_in_the_new_one(make_user):
    user = make_user("kept@example.com")
    executor = MigrationExecutor(connection)
    executor.migrate(OLD_LAYOUT)
    old = executor.loader.project_state([OLD_LAYOUT[0]]).apps
    old_sent = old.get_model("session_logs", "SentEmail")
    old_pref = old.get_model("session_logs", "EmailPreference")
    old_sent.objects.create(kind="nudge", key="1:2026-W48", user_id=user.pk, to_email=user.email)
    old_pref.objects.create(user_id=user.pk, nudges=False, nudge_weekday=3)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    row = SentEmail.objects.get()
    assert (row.kind, row.key, row.user_id, row.status) == (
        "nudge",
        "1:2026-W48",
        user.pk,
        "pending",
    )
    pref = EmailPreference.objects.get()
    assert pref.user_id == user.pk and not pref.nudges and pref.nudge_weekday == 3
    # The unique (kind, key) still holds on the kept table.
    assert outbox.record("nudge", "1:2026-W48", user, {}) is None


def test_every_kind_the_product_sends_is_registered():
    assert set(registry.KINDS) == {
        "invite",
        "admin_invite",
        "password_reset",
        "pair_intro",
        "pair_request",
        "pair_request_answered",
        "pair_request_expired",
        "pair_ended",
        "add_your_side",
        "reminder_daily",
        "reminder_due",
        "reminder_overdue",
        "reminder_snoozed",
        "nudge",
        "admin_digest",
        "stalled_nudge",
        "agenda_nudge",
        "checkin_invite",
        "idle_reengage",
        "idle_closed",
        "idle_closed_admin",
        "rematch_partner",
    }
    assert set(registry.LISTS) == {
        "reminders",
        "nudges",
        "agenda_nudges",
        "digests",
        "checkins",
        "pair_notices",
    }


def test_a_row_of_an_unknown_kind_is_skipped_not_sent(world, mailoutbox):
    row_id = outbox.record("no_such_kind", "1", world.mentee.user, {})
    # Unknown kinds are not even claimed: nothing sends what nobody can render.
    assert outbox.deliver_rows([row_id])["sent"] == 0 and mailoutbox == []


def test_an_smtp_outage_during_a_pair_introduction_then_recovery_sends_each_once(
    world, smtp, on_commit
):
    pair = make_pair(world.mentor, world.other, status="proposed", started_on=None)
    with on_commit():
        lifecycle.change(pair, "activate", world.other.user)
    rows = SentEmail.objects.filter(kind="pair_intro")
    assert [(r.status, r.attempts) for r in rows] == [("pending", 1), ("pending", 1)]
    assert all(r.next_attempt_at > timezone.now() for r in rows)  # backing off
    sink = smtp.up()
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert outbox.deliver_due(later)["sent"] == 2
    assert outbox.deliver_due(later + datetime.timedelta(hours=3))["sent"] == 0
    assert sorted(m["To"] for m in sink.messages) == ["mentor@example.com", "other@example.com"]
    assert set(rows.values_list("status", flat=True)) == {"sent"}


def test_a_password_reset_is_sent_for_real_accounts_only(client, make_user, on_commit, mailoutbox):
    make_user("ana@example.com")
    with on_commit():
        client.post(reverse("password_reset"), {"email": "ana@example.com"})
        client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    rows = SentEmail.objects.order_by("pk").values_list("kind", "to_email", "status", "user__email")
    assert list(rows) == [
        ("password_reset", "ana@example.com", "sent", "ana@example.com"),
        # The worker found no account: skipped, and the typed address is not kept.
        ("password_reset", "", "skipped", None),
    ]
    assert [m.to for m in mailoutbox] == [["ana@example.com"]]
    # No token is stored: the link is made when the email is sent.
    assert {tuple(r.context) for r in SentEmail.objects.all()} == {()}


def test_a_password_reset_request_does_the_same_work_for_real_and_unknown_addresses(
    client, make_user, django_capture_on_commit_callbacks
):
    """Timing told whether an account exists (9.4 ms against 6.1 ms): the email was built
    in the request for real accounts only. Now both queue one row and one task."""
    make_user("ana@example.com")

    def request(email):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks() as callbacks,
        ):
            response = client.post(reverse("password_reset"), {"email": email})
        assert response.status_code == 302
        # The statements with their values left out: the same shape, the same tables.
        shapes = [
            re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", q["sql"])
            for q in queries.captured_queries
        ]
        return shapes, len(callbacks)

    real = request("ana@example.com")
    unknown = request("nobody@example.com")
    assert real == unknown
    assert real[1] == 1 and any("INSERT" in sql for sql in real[0])
    assert SentEmail.objects.filter(kind="password_reset", status="pending").count() == 2


def test_the_package_offers_the_small_public_api():
    import notifications

    assert notifications.queue is outbox.queue and notifications.queue_many is outbox.queue_many
    assert notifications.register is registry.register
    with pytest.raises(AttributeError):
        notifications.send_now  # noqa: B018 - there is no way around the outbox
