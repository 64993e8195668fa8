"""The weekly nudge: one combined email per person per ISO week, at 09:00 their time."""

import datetime

import pytest
import time_machine
from django.core import mail

from notifications import outbox as delivery
from notifications.models import EmailPreference, SentEmail
from sessions import nudges
from sessions.models import NextAction, SessionSide
from sessions.tasks import send_weekly_nudges
from tests.factories import make_pair, make_participant, make_program, make_session, make_user

UTC = datetime.UTC


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def run(now):
    with time_machine.travel(now, tick=False):
        nudges.claim_due(now)
        return delivery.deliver_due(now)


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def busy(world):
    """A pair with actions on both sides and a session last week (Monday 9 Nov 2026)."""
    pair = world.pair
    NextAction.objects.create(
        pair=pair, text="Read the SQL chapter", owner="mentee", due_on=datetime.date(2026, 11, 12)
    )
    NextAction.objects.create(
        pair=pair, text="Send intro to Kim", owner="mentor", due_on=datetime.date(2026, 11, 6)
    )
    NextAction.objects.create(
        pair=pair,
        text="Already done",
        owner="mentee",
        due_on=datetime.date(2026, 11, 6),
        status="done",
    )
    session = make_session(pair, when=at(2026, 11, 5, 15), topics="Query plans")
    SessionSide.objects.create(
        session=session, author=world.mentor.user, side="mentor", learned="x"
    )
    return world


def test_nudge_lists_actions_sessions_and_sides_still_to_add(busy):
    run(at(2026, 11, 9, 9, 5))
    [theo] = to("mentee@example.com")
    assert theo.subject == "Your week with Maya Mentor"
    body = theo.body
    mine, theirs = body.index("Your open actions"), body.index("Maya Mentor's open actions")
    assert mine < body.index("Read the SQL chapter") < theirs < body.index("Send intro to Kim")
    assert "overdue since Fri 6 Nov" in body
    assert "Already done" not in body
    assert "Sessions since last week" in body and "Thu 5 Nov: Query plans" in body
    # Theo has not added his side; Maya has.
    assert "waiting for your side" in body
    [maya] = to("mentor@example.com")
    assert "waiting for your side" not in maya.body
    assert "Read the SQL chapter" in maya.alternatives[0][0]
    assert maya.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The same one-click link is visible in the body, for mail clients without the header.
    one_click = maya.extra_headers["List-Unsubscribe"].strip("<>")
    assert one_click in maya.body and one_click in maya.alternatives[0][0].replace("&amp;", "&")


def test_past_cadence_prompts_to_log_or_schedule(world):
    # No session at all, started 1 Oct, cadence 14 days.
    run(at(2026, 11, 9, 9, 5))
    [theo] = to("mentee@example.com")
    assert "not logged a session yet" in theo.body


def test_within_cadence_and_nothing_open_means_no_email(world):
    make_session(world.pair, when=at(2026, 10, 30))
    SessionSide.objects.create(
        session=world.pair.sessions.get(), author=world.mentee.user, side="mentee"
    )
    SessionSide.objects.create(
        session=world.pair.sessions.get(), author=world.mentor.user, side="mentor"
    )
    run(at(2026, 11, 9, 9, 5))
    assert mail.outbox == []
    # Recorded as skipped so the next rounds this week do not rebuild it.
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"skipped"}


def test_unpaired_participant_gets_no_empty_nudge(busy):
    run(at(2026, 11, 9, 9, 5))
    assert to("other@example.com") == []
    assert SentEmail.objects.get(user=busy.other.user).status == "skipped"


def test_not_before_nine_local_time(busy):
    run(at(2026, 11, 9, 8, 59))
    assert mail.outbox == []
    run(at(2026, 11, 9, 9, 0))
    assert len(mail.outbox) == 2


def test_own_time_zone(busy):
    user = busy.mentee.user
    user.time_zone = "America/New_York"  # EST, UTC-5 in November
    user.save()
    run(at(2026, 11, 9, 13, 55))
    assert to("mentee@example.com") == []
    run(at(2026, 11, 9, 14, 0))
    assert len(to("mentee@example.com")) == 1


@pytest.mark.parametrize(
    "monday, due_utc_hour",
    [
        ((2026, 3, 23), 8),  # CET, UTC+1
        ((2026, 3, 30), 7),  # CEST since Sunday 29 March, UTC+2
        ((2026, 10, 19), 7),  # still CEST
        ((2026, 10, 26), 8),  # CET again since Sunday 25 October
    ],
)
def test_nine_oclock_in_berlin_across_daylight_saving(busy, monday, due_utc_hour):
    user = busy.mentee.user
    user.time_zone = "Europe/Berlin"
    user.save()
    NextAction.objects.filter(pair=busy.pair).update(
        due_on=datetime.date(*monday) + datetime.timedelta(days=3)
    )
    just_before = at(*monday, due_utc_hour - 1, 59)
    run(just_before)
    assert to("mentee@example.com") == []
    run(at(*monday, due_utc_hour, 0))
    assert len(to("mentee@example.com")) == 1


def test_one_per_iso_week(busy):
    for moment in (
        at(2026, 11, 9, 9),
        at(2026, 11, 9, 9, 15),
        at(2026, 11, 11),
        at(2026, 11, 15, 23, 59),
    ):
        run(moment)
    assert len(to("mentee@example.com")) == 1
    run(at(2026, 11, 16, 9, 1))  # next ISO week
    assert len(to("mentee@example.com")) == 2
    assert sorted(
        SentEmail.objects.filter(user=busy.mentee.user).values_list("key", flat=True)
    ) == [
        f"{busy.mentee.user.pk}:2026-W46",
        f"{busy.mentee.user.pk}:2026-W47",
    ]


def test_the_periodic_task_fired_twice_makes_one_nudge_each(busy):
    with time_machine.travel(at(2026, 11, 9, 9, 1), tick=False):
        send_weekly_nudges.apply()
        send_weekly_nudges.apply()
    assert len(to("mentee@example.com")) == 1
    assert len(to("mentor@example.com")) == 1


def test_several_programs_make_one_combined_email(busy):
    theo = busy.mentee.user
    second = make_program("Design guild", slug="design")
    mine = make_participant(second, theo, role="mentor")
    peer = make_participant(second, make_user("pia@example.com", display_name="Pia Peer"))
    pair2 = make_pair(mine, peer)
    NextAction.objects.create(
        pair=pair2,
        text="Review Pia's portfolio",
        owner="mentor",
        due_on=datetime.date(2026, 11, 13),
    )
    run(at(2026, 11, 9, 9, 5))
    [email] = to("mentee@example.com")
    assert email.subject == "Your mentoring week"
    assert "With Maya Mentor (Main program)" in email.body
    assert "With Pia Peer (Design guild)" in email.body
    assert "Review Pia's portfolio" in email.body


def test_earliest_programs_weekday_and_own_preference(busy):
    busy.program.nudge_weekday = 2  # Wednesday
    busy.program.save()
    run(at(2026, 11, 9, 9, 5))  # Monday
    assert mail.outbox == []
    EmailPreference.objects.create(user=busy.mentor.user, nudge_weekday=1)  # Tuesday
    run(at(2026, 11, 10, 9, 5))
    assert [m.to for m in mail.outbox] == [["mentor@example.com"]]
    run(at(2026, 11, 11, 9, 5))
    assert len(to("mentee@example.com")) == 1
    assert len(to("mentor@example.com")) == 1


def test_nudges_turned_off(busy):
    EmailPreference.objects.create(user=busy.mentee.user, nudges=False)
    run(at(2026, 11, 9, 9, 5))
    assert to("mentee@example.com") == []
    assert len(to("mentor@example.com")) == 1


def test_what_was_done_since_the_claim_is_left_out(busy):
    now = at(2026, 11, 9, 9, 5)
    nudges.claim_due(now)
    NextAction.objects.filter(pair=busy.pair).update(status="done")
    delivery.deliver_due(now)
    [theo] = to("mentee@example.com")
    assert "Read the SQL chapter" not in theo.body
    assert "Query plans" in theo.body  # the session is still news


def test_withdrawn_or_deleted_partner_is_not_mentioned(busy):
    busy.mentor.user.delete()
    run(at(2026, 11, 9, 9, 5))
    assert mail.outbox == []
