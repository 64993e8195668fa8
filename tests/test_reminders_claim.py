"""Action reminders: before the due date, an overdue follow-up, each exactly once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from notifications import outbox as delivery
from notifications.models import EmailPreference, SentEmail
from pairs.models import Pair
from sessions import actions, reminders
from sessions.models import NextAction

UTC = datetime.UTC


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def run(now):
    """One round as the periodic task does it: claim, then deliver."""
    with time_machine.travel(now, tick=False):
        reminders.claim_due(now)
        return delivery.deliver_due(now)


def new_action(world, text, owner, *, created=at(2026, 11, 2)):
    """An action due on 10 Nov 2026, created by its owner (the mentor for a shared one)."""
    by = world.mentee.user if owner == "mentee" else world.mentor.user
    with time_machine.travel(created, tick=False):
        return actions.create_action(world.pair, text, owner, datetime.date(2026, 11, 10), by=by)


@pytest.fixture
def action(world):
    return new_action(world, "Read the SQL chapter", "mentee", created=at(2026, 11, 2, 8))


def test_create_arms_the_lead_reminder(action):
    # Default lead time 2 days, at 09:00 UTC.
    assert action.next_reminder_at == at(2026, 11, 8, 9)


def test_lead_reminder_then_overdue_followup_each_once(world, action):
    assert run(at(2026, 11, 8, 8, 59))["sent"] == 0
    assert mail.outbox == []

    assert run(at(2026, 11, 8, 9, 0))["sent"] == 1
    assert [m.to for m in mail.outbox] == [["mentee@example.com"]]
    assert "Read the SQL chapter" in mail.outbox[0].subject
    action.refresh_from_db()
    # Re-armed for the overdue follow-up: 3 days after the due date.
    assert action.next_reminder_at == at(2026, 11, 13, 9)

    for moment in (at(2026, 11, 8, 9, 1), at(2026, 11, 9), at(2026, 11, 13, 8)):
        assert run(moment)["sent"] == 0
    assert len(mail.outbox) == 1

    assert run(at(2026, 11, 13, 9, 5))["sent"] == 1
    assert mail.outbox[1].subject.startswith("Overdue")
    action.refresh_from_db()
    assert action.next_reminder_at is None
    assert run(at(2026, 12, 30))["sent"] == 0
    assert len(mail.outbox) == 2
    assert set(SentEmail.objects.values_list("kind", "status")) == {
        ("reminder_due", "sent"),
        ("reminder_overdue", "sent"),
    }


def test_program_lead_and_followup_days_are_used(world):
    world.program.reminder_lead_days = 5
    world.program.overdue_followup_days = 1
    world.program.save()
    action = new_action(world, "Draft a plan", "mentor", created=at(2026, 11, 2, 8))
    assert action.next_reminder_at == at(2026, 11, 5, 9)
    assert run(at(2026, 11, 5, 9))["sent"] == 1
    assert mail.outbox[0].to == ["mentor@example.com"]
    action.refresh_from_db()
    assert action.next_reminder_at == at(2026, 11, 11, 9)


def test_worker_down_for_days_sends_only_the_overdue_follow_up(world, action):
    assert run(at(2026, 11, 20))["sent"] == 1
    assert mail.outbox[0].subject.startswith("Overdue")


@pytest.mark.parametrize("change", ["done", "dropped"])
def test_no_reminder_for_done_or_dropped(world, action, change):
    with time_machine.travel(at(2026, 11, 3), tick=False):
        if change == "done":
            actions.mark_done(action, by=world.mentee.user)
        else:
            actions.drop(action, by=world.mentee.user, reason="No longer useful")
    action.refresh_from_db()
    assert action.next_reminder_at is None
    for moment in (at(2026, 11, 8, 10), at(2026, 11, 14)):
        run(moment)
    assert mail.outbox == []
    assert not SentEmail.objects.exists()


def test_done_after_the_claim_but_before_sending_is_not_sent(world, action):
    now = at(2026, 11, 8, 9, 30)
    reminders.claim_due(now)
    assert SentEmail.objects.get().status == "pending"
    with time_machine.travel(now, tick=False):
        actions.mark_done(action, by=world.mentee.user)
    assert delivery.deliver_due(now)["skipped"] == 1
    assert mail.outbox == []
    assert SentEmail.objects.get().status == "skipped"


@pytest.mark.parametrize("status", [Pair.Status.PAUSED, Pair.Status.ENDED, Pair.Status.COMPLETED])
def test_no_reminder_for_paused_or_ended_pairs(world, action, status):
    Pair.objects.filter(pk=world.pair.pk).update(status=status)
    run(at(2026, 11, 8, 10))
    run(at(2026, 11, 14))
    assert mail.outbox == []
    action.refresh_from_db()
    assert action.next_reminder_at is None  # the moments passed; nothing left to claim


def test_moving_the_due_date_rearms_the_reminder(world, action):
    run(at(2026, 11, 8, 9))
    assert len(mail.outbox) == 1
    with time_machine.travel(at(2026, 11, 9), tick=False):
        actions.carry_over(action, world.mentee.user, datetime.date(2026, 11, 20))
    action.refresh_from_db()
    assert action.next_reminder_at == at(2026, 11, 18, 9)
    run(at(2026, 11, 13, 10))  # the old overdue moment: nothing any more
    assert len(mail.outbox) == 1
    run(at(2026, 11, 18, 9))
    assert len(mail.outbox) == 2
    assert "Friday 20 November" in mail.outbox[1].subject
    assert SentEmail.objects.filter(kind="reminder_due").count() == 2


def test_due_date_moved_after_the_claim_skips_the_stale_email(world, action):
    now = at(2026, 11, 8, 9, 30)
    reminders.claim_due(now)
    with time_machine.travel(now, tick=False):
        actions.carry_over(action, world.mentee.user, datetime.date(2026, 11, 25))
    delivery.deliver_due(now)
    assert mail.outbox == []


def test_shared_action_reminds_both_owners_once_each(world):
    new_action(world, "Pick a book together", "both")
    run(at(2026, 11, 8, 9))
    run(at(2026, 11, 8, 9, 1))
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "mentor@example.com"]


def test_the_task_run_twice_sends_one_email(world, action):
    from sessions.tasks import send_due_reminders

    with time_machine.travel(at(2026, 11, 8, 9, 1), tick=False):
        send_due_reminders.apply()
        send_due_reminders.apply()
    assert len(mail.outbox) == 1


def test_a_second_identical_record_is_refused_by_the_unique_key(world, action):
    key = f"{action.pk}:reminder_due:2026-11-10:{world.mentee.user.pk}"
    assert delivery.record("reminder_due", key, world.mentee.user, {"action": action.pk})
    assert not delivery.record("reminder_due", key, world.mentee.user, {"action": action.pk})
    assert SentEmail.objects.count() == 1


def test_reminders_turned_off_are_not_sent(world, action):
    EmailPreference.objects.create(user=world.mentee.user, reminders=False)
    run(at(2026, 11, 8, 9))
    assert mail.outbox == []


def test_changed_address_receives_it_at_the_new_address(world, action):
    reminders.claim_due(at(2026, 11, 8, 9))
    user = world.mentee.user
    user.email = "theo.new@example.com"
    user.save()
    delivery.deliver_due(at(2026, 11, 8, 9))
    assert [m.to for m in mail.outbox] == [["theo.new@example.com"]]
    assert SentEmail.objects.get().to_email == "theo.new@example.com"


def test_deleted_partner_gets_nothing_and_nobody_else_gets_theirs(world):
    action = new_action(world, "Shared one", "both")
    reminders.claim_due(at(2026, 11, 8, 9))
    assert SentEmail.objects.count() == 2
    world.mentor.user.delete()  # their pair and actions go with them
    delivery.deliver_due(at(2026, 11, 8, 9))
    assert mail.outbox == []
    assert not NextAction.objects.filter(pk=action.pk).exists()


def test_deactivated_user_is_skipped(world, action):
    reminders.claim_due(at(2026, 11, 8, 9))
    type(world.mentee.user).objects.filter(pk=world.mentee.user.pk).update(is_active=False)
    assert delivery.deliver_due(at(2026, 11, 8, 9))["skipped"] == 1
    assert mail.outbox == []


def test_email_has_text_html_links_and_list_unsubscribe(world, action):
    run(at(2026, 11, 8, 9))
    message = mail.outbox[0]
    assert message.subject == "Due Tuesday 10 November: Read the SQL chapter"
    assert "Read the SQL chapter" in message.body
    assert "/emails/action/done/" in message.body
    assert "/emails/action/snooze/" in message.body
    html = message.alternatives[0][0]
    assert "Read the SQL chapter" in html and "/emails/action/done/" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/emails/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe"].strip("<>") in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_action_text_is_escaped_in_html(world):
    new_action(world, "<b onclick=x>bold</b>", "mentee")
    run(at(2026, 11, 8, 9))
    html = mail.outbox[0].alternatives[0][0]
    assert "<b onclick" not in html and "&lt;b onclick=x&gt;" in html


def test_send_due_command_runs_a_round(world, action):
    world.program.nudge_weekday = 6  # Sunday: the weekly nudge goes out only on its day
    world.program.save()
    with time_machine.travel(at(2026, 11, 8, 9, 10), tick=False):  # a Sunday
        call_command("send_due")
    reminder = [m for m in mail.outbox if "Read the SQL chapter" in m.subject]
    assert [m.to for m in reminder] == [["mentee@example.com"]]
    # The same round also did the weekly nudge (Sunday 09:00 has passed, on its day).
    assert SentEmail.objects.filter(kind="nudge", status="sent").count() == 2


# -- in each person's time zone ------------------------------------------------------------


def _pair_in_zones(world, mentor_zone, mentee_zone):
    from mentorship.models import User

    User.objects.filter(pk=world.mentor.user.pk).update(time_zone=mentor_zone)
    User.objects.filter(pk=world.mentee.user.pk).update(time_zone=mentee_zone)
    return Pair.objects.select_related("program", "mentor__user", "mentee__user").get(
        pk=world.pair.pk
    )


def _create(pair, owner, due_on, by):
    with time_machine.travel(at(2026, 6, 1, 8), tick=False):
        return actions.create_action(pair, "Draft the plan", owner, due_on, by=by)


def test_reminders_go_out_at_nine_in_the_owners_zone_across_daylight_saving(world):
    pair = _pair_in_zones(world, "UTC", "America/New_York")
    winter = _create(pair, "mentee", datetime.date(2026, 11, 10), world.mentee.user)
    assert winter.next_reminder_at == at(2026, 11, 8, 14)  # 09:00 EST
    summer = _create(pair, "mentee", datetime.date(2026, 7, 10), world.mentee.user)
    assert summer.next_reminder_at == at(2026, 7, 8, 13)  # 09:00 EDT
    # The mentor's own actions follow the mentor's zone.
    mine = _create(pair, "mentor", datetime.date(2026, 7, 10), world.mentor.user)
    assert mine.next_reminder_at == at(2026, 7, 8, 9)


def test_a_shared_action_is_reminded_at_the_earlier_nine(world):
    pair = _pair_in_zones(world, "Asia/Tokyo", "America/Los_Angeles")
    action = _create(pair, "both", datetime.date(2026, 11, 10), world.mentee.user)
    assert action.next_reminder_at == at(2026, 11, 8, 0)  # 09:00 in Tokyo
    # The overdue follow-up, once the first has gone: also 09:00 in Tokyo.
    assert run(at(2026, 11, 8, 0, 1))["sent"] == 2
    action.refresh_from_db()
    assert action.next_reminder_at == at(2026, 11, 13, 0)


def test_moving_the_due_date_rearms_in_the_owners_zone(world):
    pair = _pair_in_zones(world, "UTC", "Europe/Berlin")
    action = _create(pair, "mentee", datetime.date(2026, 11, 10), world.mentee.user)
    assert action.next_reminder_at == at(2026, 11, 8, 8)  # 09:00 CET
    with time_machine.travel(at(2026, 6, 2, 8), tick=False):
        moved = actions.carry_over(action, world.mentee.user, datetime.date(2026, 7, 10))
    assert moved.next_reminder_at == at(2026, 7, 8, 7)  # 09:00 CEST
