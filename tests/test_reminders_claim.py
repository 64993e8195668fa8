"""Action reminders: before the due date, an overdue follow-up, each exactly once, in one
email per person per local day listing all their due actions across their pairs."""

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
    assert list(SentEmail.objects.order_by("pk").values_list("kind", "key", "status")) == [
        ("reminder_daily", f"{world.mentee.user.pk}:2026-11-08", "sent"),
        ("reminder_daily", f"{world.mentee.user.pk}:2026-11-13", "sent"),
    ]


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
    assert SentEmail.objects.filter(kind="reminder_daily").count() == 2


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
    key = f"{world.mentee.user.pk}:2026-11-08"
    context = {"day": "2026-11-08", "actions": [[action.pk, "2026-11-10"]]}
    assert delivery.record("reminder_daily", key, world.mentee.user, context)
    assert not delivery.record("reminder_daily", key, world.mentee.user, context)
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


# -- one email per person per local day ----------------------------------------------------


def _second_pair(world):
    """Maya mentors Olga too: Maya now has actions in two pairs."""
    from tests.factories import make_pair

    return make_pair(world.mentor, world.other)


def test_four_actions_due_in_two_pairs_make_one_email(world):
    """The probe's case: four reminders to one person in the same minute became four emails."""
    other_pair = Pair.objects.select_related("program", "mentor__user", "mentee__user").get(
        pk=_second_pair(world).pk
    )
    due = datetime.date(2026, 11, 10)
    with time_machine.travel(at(2026, 11, 2, 8), tick=False):
        for pair, text in (
            (world.pair, "Share the hiring rubric"),
            (world.pair, "Send two SQL exercises"),
            (other_pair, "Review Olga's CV"),
            (other_pair, "Book the next session"),
        ):
            actions.create_action(pair, text, "mentor", due, by=world.mentor.user)
    assert run(at(2026, 11, 8, 9, 0))["sent"] == 1
    [message] = mail.outbox
    assert message.to == ["mentor@example.com"]
    assert message.subject == "4 actions due soon"
    for text in ("Share the hiring rubric", "Send two SQL exercises", "Review Olga's CV"):
        assert text in message.body
    assert message.body.count("/emails/action/done/") == 4
    assert message.body.count("/emails/action/snooze/") == 4
    html = message.alternatives[0][0]
    assert html.count('class="email-button"') == 4  # one clear button per action
    assert "Olga Other" in message.body and "Theo Mentee" in message.body
    assert SentEmail.objects.get().key == f"{world.mentor.user.pk}:2026-11-08"


def test_overdue_and_due_soon_in_one_email_overdue_first(world):
    with time_machine.travel(at(2026, 11, 2, 8), tick=False):
        actions.create_action(
            world.pair, "Due later", "mentee", datetime.date(2026, 11, 15), by=world.mentee.user
        )
    with time_machine.travel(at(2026, 11, 1, 8), tick=False):
        actions.create_action(
            world.pair, "Long overdue", "mentee", datetime.date(2026, 11, 10), by=world.mentee.user
        )
    # 13 Nov 09:00: the overdue follow-up of one and the lead reminder of the other.
    assert run(at(2026, 11, 13, 9))["sent"] == 1
    message = mail.outbox[0]
    assert message.subject == "2 actions need you (1 overdue)"
    assert message.body.index("Long overdue") < message.body.index("Due later")


def test_an_action_due_after_todays_email_went_out_waits_for_tomorrows(world, action):
    assert run(at(2026, 11, 8, 9))["sent"] == 1
    # Another action of Theo's becomes due later the same day (a snooze to now, say).
    late = new_action(world, "Late one", "mentee", created=at(2026, 11, 2, 8))
    NextAction.objects.filter(pk=late.pk).update(next_reminder_at=at(2026, 11, 8, 15))
    assert run(at(2026, 11, 8, 15))["sent"] == 0
    assert len(mail.outbox) == 1  # never a second email on one local day
    tomorrow = SentEmail.objects.get(key=f"{world.mentee.user.pk}:2026-11-09")
    assert tomorrow.status == "pending" and tomorrow.next_attempt_at == at(2026, 11, 9, 9, 10)
    assert run(at(2026, 11, 9, 9, 10))["sent"] == 1
    assert "Late one" in mail.outbox[1].body and "Read the SQL chapter" not in mail.outbox[1].body


def test_an_action_due_before_todays_email_is_sent_joins_it(world, action):
    reminders.claim_due(at(2026, 11, 8, 9))  # recorded, not yet sent
    late = new_action(world, "Late one", "mentee", created=at(2026, 11, 2, 8))
    NextAction.objects.filter(pk=late.pk).update(next_reminder_at=at(2026, 11, 8, 9, 1))
    assert reminders.claim_due(at(2026, 11, 8, 9, 1)) == 0  # added, no new row
    assert run(at(2026, 11, 8, 9, 2))["sent"] == 1
    assert "Late one" in mail.outbox[0].body and "Read the SQL chapter" in mail.outbox[0].body


def test_the_day_is_the_recipients_local_day(world):
    pair = _pair_in_zones(world, "UTC", "Asia/Tokyo")
    first = _create(pair, "mentee", datetime.date(2026, 11, 10), world.mentee.user)
    second = _create(pair, "mentee", datetime.date(2026, 11, 12), world.mentee.user)
    # 14:59 UTC is 23:59 in Tokyo on the 8th; 15:01 UTC is already the 9th there.
    NextAction.objects.filter(pk=first.pk).update(next_reminder_at=at(2026, 11, 8, 14, 59))
    NextAction.objects.filter(pk=second.pk).update(next_reminder_at=at(2026, 11, 8, 15, 1))
    assert run(at(2026, 11, 8, 14, 59))["sent"] == 1
    assert run(at(2026, 11, 8, 15, 1))["sent"] == 1
    assert sorted(SentEmail.objects.values_list("key", flat=True)) == [
        f"{world.mentee.user.pk}:2026-11-08",
        f"{world.mentee.user.pk}:2026-11-09",
    ]


def test_a_legacy_per_action_row_still_renders(world, action):
    context = {"action": action.pk, "due_on": "2026-11-10"}
    row_id = delivery.record("reminder_due", "old", world.mentee.user, context, now=at(2026, 11, 8))
    with time_machine.travel(at(2026, 11, 8, 9), tick=False):
        assert delivery.deliver_rows([row_id])["sent"] == 1
    assert "Read the SQL chapter" in mail.outbox[0].subject


# -- the first reminder: the day before the due date at the latest -------------------------


@pytest.mark.parametrize(
    ("created", "due", "first"),
    [
        # Berlin (UTC+1 in November). Plenty of lead: 2 days before, at 09:00 Berlin.
        (at(2026, 11, 2, 12), (2026, 11, 10), at(2026, 11, 8, 8)),
        # Created 23:30 Berlin on the 8th (22:30 UTC), due the 10th: the lead moment passed,
        # so 09:00 the next morning, the day before the due date.
        (at(2026, 11, 8, 22, 30), (2026, 11, 10), at(2026, 11, 9, 8)),
        # Created 00:30 Berlin on the 9th (23:30 UTC on the 8th): the same, the 9th.
        (at(2026, 11, 8, 23, 30), (2026, 11, 10), at(2026, 11, 9, 8)),
        # Created at 08:59 Berlin the day before: reminded this morning at 09:00.
        (at(2026, 11, 9, 7, 59), (2026, 11, 10), at(2026, 11, 9, 8)),
        # Created today after 09:00, due tomorrow: tomorrow morning, never after it is overdue.
        (at(2026, 11, 9, 14), (2026, 11, 10), at(2026, 11, 10, 8)),
        # 23:59 Berlin the evening before (22:59 UTC): the due date's morning.
        (at(2026, 11, 9, 22, 59), (2026, 11, 10), at(2026, 11, 10, 8)),
        # Due today and created after 09:00: nothing before the overdue follow-up.
        (at(2026, 11, 10, 12), (2026, 11, 10), at(2026, 11, 13, 8)),
    ],
)
def test_first_reminder_is_the_day_before_whatever_the_lead(world, created, due, first):
    pair = _pair_in_zones(world, "UTC", "Europe/Berlin")
    with time_machine.travel(created, tick=False):
        made = actions.create_action(
            pair, "Draft", "mentee", datetime.date(*due), by=world.mentee.user
        )
    assert made.next_reminder_at == first


@pytest.mark.parametrize("lead", [0, 1, 7])
def test_a_short_lead_still_reminds_the_day_before(world, lead):
    world.program.reminder_lead_days = lead
    world.program.save()
    made = new_action(world, "Draft", "mentee", created=at(2026, 11, 1))
    # Due the 10th: 7 days ahead for a lead of 7, the day before for 0 or 1.
    assert made.next_reminder_at == at(2026, 11, 10 - max(lead, 1), 9)


def test_created_today_due_tomorrow_is_reminded_before_it_is_overdue(world):
    """Before: the lead moment (2 days before) had passed, so the first email was overdue."""
    made = new_action(world, "Quick one", "mentee", created=at(2026, 11, 9, 14))
    assert made.next_reminder_at == at(2026, 11, 10, 9)
    assert run(at(2026, 11, 10, 9))["sent"] == 1
    assert mail.outbox[0].subject == "Due Tuesday 10 November: Quick one"
    made.refresh_from_db()
    assert made.next_reminder_at == at(2026, 11, 13, 9)  # then the follow-up only


def test_after_a_reminder_no_daily_catch_up_before_the_due_date(world):
    world.program.reminder_lead_days = 5
    world.program.save()
    made = new_action(world, "Draft", "mentee", created=at(2026, 11, 1))
    assert run(at(2026, 11, 5, 9))["sent"] == 1
    made.refresh_from_db()
    assert made.next_reminder_at == at(2026, 11, 13, 9)


@pytest.mark.django_db(transaction=True)
def test_claims_running_at_once_still_make_one_email_per_person(world):
    """Two claimers take different actions (SKIP LOCKED, small batches) of the same person:
    the second one's insert meets the first one's row and adds its actions to it."""
    import threading

    from django.db import close_old_connections

    from tests.services import require_postgres

    require_postgres()
    now = at(2026, 11, 8, 9)
    for n in range(40):
        new_action(world, f"Action {n}", "mentee", created=at(2026, 11, 2, 8))
    errors = []

    def claim():
        try:
            reminders.claim_due(now, limit=3)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=claim) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    [row] = SentEmail.objects.all()
    assert len({pk for pk, _due in row.context["actions"]}) == 40
    assert not NextAction.objects.filter(next_reminder_at__lte=now).exists()
