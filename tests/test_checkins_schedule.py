"""Check-in rounds: day 30, then every 60 days, and at the end; each opened and emailed once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db.models import F

from checkins import schedule
from checkins.models import CheckIn, PairTrack
from mentorship.models import Program
from notifications.models import EmailPreference, SentEmail
from pairs import lifecycle
from tests.checkins_helpers import START, at, run, sent_to, start_pair
from tests.factories import make_pair, make_participant, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _never_idle(world):
    """Idle pairs have their own tests (test_checkins_idle.py): none here."""
    world.program.idle_days = 365
    world.program.save()


def test_first_round_at_day_30_nine_o_clock_then_every_60_days(world):
    track = start_pair(world.pair)
    assert track.next_checkin_at == at(2026, 12, 2, 9)  # 2 Nov + 30 days, 09:00 UTC
    assert run(at(2026, 12, 2, 8, 59))[0] == 0
    assert CheckIn.objects.count() == 0
    run(at(2026, 12, 2, 9))
    rows = CheckIn.objects.order_by("user__email")
    assert [(c.user.email, c.round, c.kind) for c in rows] == [
        ("mentee@example.com", 1, "first"),
        ("mentor@example.com", 1, "first"),
    ]
    assert len(sent_to("mentor@example.com", "How is it going with Theo Mentee?")) == 1
    assert len(sent_to("mentee@example.com", "How is it going with Maya Mentor?")) == 1
    track.refresh_from_db()
    assert (track.next_round, track.next_checkin_at) == (2, at(2027, 1, 31, 9))  # +60 days


def test_claiming_again_and_again_opens_and_sends_each_round_once(world):
    start_pair(world.pair)
    for minute in range(3):
        run(at(2026, 12, 2, 9, minute))
    assert CheckIn.objects.count() == 2
    assert len(mail.outbox) == 2
    assert SentEmail.objects.filter(kind=schedule.INVITE_KIND).count() == 2
    # A claim that overlaps (the same round recorded twice) is refused by the unique keys.
    track = PairTrack.objects.get(pair=world.pair)
    PairTrack.objects.filter(pk=track.pk).update(next_round=1, next_checkin_at=at(2026, 12, 2, 9))
    run(at(2026, 12, 2, 10))
    assert CheckIn.objects.count() == 2 and len(mail.outbox) == 2


def test_program_settings_set_the_rhythm(world):
    world.program.checkin_first_days = 14
    world.program.checkin_every_days = 21
    world.program.save()
    track = start_pair(world.pair)
    assert track.next_checkin_at == at(2026, 11, 16, 9)
    run(at(2026, 11, 16, 9))
    track.refresh_from_db()
    assert track.next_checkin_at == at(2026, 12, 7, 9)


def test_nine_o_clock_in_the_earlier_of_the_two_zones(world):
    world.mentor.user.time_zone = "Asia/Tokyo"  # 09:00 there is 00:00 UTC
    world.mentor.user.save()
    world.mentee.user.time_zone = "America/New_York"
    world.mentee.user.save()
    track = start_pair(world.pair)
    assert track.next_checkin_at == at(2026, 12, 2, 0)


def test_a_paused_pair_skips_its_round_and_an_ended_one_gets_a_closing_round(world):
    start_pair(world.pair)
    with time_machine.travel(at(2026, 11, 20), tick=False):
        lifecycle.change(world.pair, "pause", world.mentor.user)
    run(at(2026, 12, 2, 9))
    assert CheckIn.objects.count() == 0
    with time_machine.travel(at(2026, 12, 10, 12), tick=False):
        lifecycle.change(world.pair, "resume", world.mentor.user)
        lifecycle.change(world.pair, "complete", world.mentor.user)
    track = PairTrack.objects.get(pair=world.pair)
    # Once the undo window has passed.
    assert track.final_due and track.next_checkin_at == at(2026, 12, 10, 12, 10)
    run(at(2026, 12, 10, 12, 9))
    assert CheckIn.objects.count() == 0
    run(at(2026, 12, 10, 12, 10))
    assert set(CheckIn.objects.values_list("kind", flat=True)) == {"final"}
    assert CheckIn.objects.count() == 2
    assert len(sent_to("mentee@example.com", "How did it go with Maya Mentor?")) == 1
    run(at(2027, 3, 1))
    assert CheckIn.objects.count() == 2  # nothing after the end


def test_an_undone_end_puts_the_regular_round_back(world):
    start_pair(world.pair)
    with time_machine.travel(at(2026, 11, 20, 12), tick=False):
        lifecycle.change(world.pair, "end", world.mentor.user, "Moving teams")
        token = lifecycle.undo_token(world.pair)
        lifecycle.undo(world.pair, token, world.mentor.user)
    track = PairTrack.objects.get(pair=world.pair)
    assert not track.final_due and track.next_checkin_at == at(2026, 12, 2, 9)
    run(at(2026, 12, 2, 9))
    assert set(CheckIn.objects.values_list("kind", flat=True)) == {"first"}


def test_people_who_left_the_list_get_the_card_but_no_email(world):
    start_pair(world.pair)
    EmailPreference.objects.create(user=world.mentor.user, checkins=False)
    run(at(2026, 12, 2, 9))
    assert CheckIn.objects.count() == 2
    assert sent_to("mentor@example.com") == []
    assert len(sent_to("mentee@example.com")) == 1


def test_left_the_list_after_it_was_queued_skips_it(world):
    start_pair(world.pair)
    with time_machine.travel(at(2026, 12, 2, 9), tick=False):
        schedule.claim_due()
    EmailPreference.objects.create(user=world.mentor.user, checkins=False)
    run(at(2026, 12, 2, 9, 1))
    assert sent_to("mentor@example.com") == []
    assert SentEmail.objects.get(user=world.mentor.user).status == "skipped"


def test_a_pair_that_started_long_ago_is_not_sent_stale_rounds(world):
    track = start_pair(world.pair, day=datetime.date(2026, 6, 1), now=at(2026, 11, 1))
    # Day 30 (1 July) and day 90 (30 Aug) passed long ago: skipped. Day 150 (29 Oct) is
    # within the grace week: sent at once.
    assert (track.next_round, track.next_checkin_at) == (3, at(2026, 10, 29, 9))
    track = start_pair(world.pair, day=datetime.date(2026, 6, 1), now=at(2026, 11, 6))
    assert (track.next_round, track.next_checkin_at) == (4, at(2026, 12, 28, 9))


def test_pairs_written_without_the_hook_are_armed_by_the_sweep(world):
    PairTrack.objects.all().delete()
    with time_machine.travel(at(2026, 11, 2, 12), tick=False):
        assert schedule.arm_missing() == 1
        assert schedule.arm_missing() == 0
    assert PairTrack.objects.get(pair=world.pair).next_checkin_at is not None


def test_the_invitation_has_five_one_click_scores_and_a_list_to_leave(world):
    start_pair(world.pair)
    run(at(2026, 12, 2, 9))
    message = sent_to("mentee@example.com")[0]
    body = message.body
    assert body.count("/checkins/answer/") == 6  # five scores and "answer it all"
    assert "program admins only ever see totals" in body
    assert "Stop check-in emails with one click" in body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    html = message.alternatives[0][0]
    assert html.count("/checkins/answer/") == 6
    assert START.isoformat() not in body


def test_send_due_runs_check_ins_too(world):
    from django.core.management import call_command

    start_pair(world.pair)
    call_command("send_due", now="2026-12-02T09:00:00Z")
    assert CheckIn.objects.count() == 2


def test_a_changed_rhythm_re_plans_the_next_round(world):
    start_pair(world.pair)
    with time_machine.travel(at(2026, 11, 10), tick=False):
        world.program.checkin_first_days = 21
        world.program.save()
    assert PairTrack.objects.get(pair=world.pair).next_checkin_at == at(2026, 11, 23, 9)
    with time_machine.travel(at(2026, 11, 11), tick=False):
        world.program.name = "Renamed"
        world.program.save()  # not the rhythm: nothing re-planned
    assert PairTrack.objects.get(pair=world.pair).next_checkin_at == at(2026, 11, 23, 9)


def test_one_click_unsubscribe_from_the_invitation_leaves_only_check_ins(client, world):
    start_pair(world.pair)
    run(at(2026, 12, 2, 9))
    header = sent_to("mentee@example.com")[0].extra_headers["List-Unsubscribe"]
    path = header.strip("<>").removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(at(2026, 12, 2, 10), tick=False):  # before the link expires
        assert client.post(path).status_code == 200
    pref = EmailPreference.objects.get(user=world.mentee.user)
    assert (pref.checkins, pref.pair_notices, pref.reminders) == (False, True, True)


@pytest.mark.parametrize(
    "field, bad, good",
    [("checkin_first_days", 6, 7), ("checkin_first_days", 181, 180),
     ("checkin_every_days", 13, 14), ("checkin_every_days", 366, 365),
     ("idle_days", 6, 7), ("idle_days", 366, "")],
)  # fmt: skip
def test_program_settings_have_bounds_with_clear_messages(client, world, field, bad, good):
    from django.urls import reverse

    client.force_login(world.admin)
    url = reverse("programs:edit", args=[world.program.slug])
    data = {"name": "Main program", "slug": "main", "description": "", "kind": "classic",
            "start_date": "2026-09-01", "end_date": "", "cadence_days": 14,
            "nudge_weekday": 0, "checkin_first_days": 30, "checkin_every_days": 60,
            "idle_days": ""}  # fmt: skip
    response = client.post(url, {**data, field: bad})
    assert response.status_code == 200
    assert "Ensure this value is" in response.content.decode()
    response = client.post(url, {**data, field: good})
    assert response.status_code == 302
    world.program.refresh_from_db()
    assert getattr(world.program, field) == (good or None)


def test_a_program_loaded_without_its_rhythm_costs_no_query_per_row(
    world, django_assert_num_queries
):
    """Pages load programs with .only(): the rhythm memory must not load deferred fields."""
    with django_assert_num_queries(1):
        programs = list(Program.objects.only("name"))
    assert programs and not hasattr(programs[0], "_checkin_rhythm")
    full = Program.objects.get(pk=world.program.pk)
    assert full._checkin_rhythm[-1] == world.program.cadence_days


def test_every_check_in_carries_its_pairs_program(world):
    """CheckIn.program is a copy of the pair's (program health reads it): set whether the
    round was opened in bulk, created one by one, or by get_or_create (the demo)."""
    other_pair = make_pair(
        make_participant(world.other_program, make_user("m2@example.com"), role="mentor"),
        make_participant(world.other_program, make_user("e2@example.com"), role="mentee"),
    )
    start_pair(world.pair)
    start_pair(other_pair)
    run(at(2026, 12, 2, 9))
    CheckIn.objects.create(pair=other_pair, user=world.stranger, round=9, due_at=at(2026, 1, 1))
    CheckIn.objects.get_or_create(
        pair=world.pair, user=world.stranger, round=9, defaults={"due_at": at(2026, 1, 1)}
    )
    assert CheckIn.objects.count() == 6
    assert set(CheckIn.objects.values_list("program_id", flat=True)) == {
        world.program.pk,
        world.other_program.pk,
    }
    assert not CheckIn.objects.exclude(program=F("pair__program")).exists()
