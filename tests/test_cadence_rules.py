"""The cross-feature rules, each written once (sessions.cadence, mentorship.timezones,
mentorship.weekly, NextAction ownership and overdue, profiles, who may mentor), and the
four surfaces that use them agreeing at local midnight in two time zones."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from insights import digests, figures
from insights.ranges import DateRange
from mentorship import profiles
from mentorship.timezones import local_date, local_today
from mentorship.weekly import due_now, weekday_for, weekly_slot
from notifications.models import EmailPreference
from sessions import cadence, dashboard, nudges
from sessions.models import NextAction
from tests.factories import make_action, make_pair, make_participant, make_session, make_user

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
D = datetime.date(2026, 12, 10)  # the action's due date
ZONES = ("Pacific/Auckland", "America/Los_Angeles")  # UTC+13 and UTC-8 in December


def local_midnight_after(day, zone_name):
    """The first moment of the day after `day` in that zone, in UTC."""
    tz = zoneinfo.ZoneInfo(zone_name)
    start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tz)
    return start.astimezone(UTC)


# --- each rule on its own -------------------------------------------------------------


def test_local_today_is_the_persons_not_the_servers():
    now = datetime.datetime(2026, 12, 10, 12, 30, tzinfo=UTC)
    assert local_today("Pacific/Auckland", now) == datetime.date(2026, 12, 11)
    assert local_today("America/Los_Angeles", now) == datetime.date(2026, 12, 10)
    assert local_today("Not/AZone", now) == datetime.date(2026, 12, 10)  # UTC fallback
    assert local_date(now, zoneinfo.ZoneInfo("Asia/Tokyo")) == datetime.date(2026, 12, 10)


def test_days_since_counts_local_days_from_the_last_session_else_the_start(world):
    tz = "Pacific/Auckland"
    today = datetime.date(2026, 12, 20)
    late_evening_utc = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # Dec 6 01:00 there
    assert cadence.days_since(late_evening_utc, None, None, today, tz) == 14
    assert cadence.days_since(None, datetime.date(2026, 12, 1), None, today, tz) == 19
    created = datetime.datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # Dec 1 there
    assert cadence.days_since(None, None, created, today, tz) == 19


def test_behind_means_active_past_the_cadence_with_nothing_scheduled(world):
    pair, cadence_days = world.pair, world.program.cadence_days
    assert not cadence.is_behind(pair, cadence_days, has_upcoming=False)
    assert cadence.is_behind(pair, cadence_days + 1, has_upcoming=False)
    assert not cadence.is_behind(pair, cadence_days + 1, has_upcoming=True)
    pair.status = "paused"
    assert not cadence.is_behind(pair, cadence_days + 1, has_upcoming=False)


def test_last_and_next_in_one_query_is_last_logged_and_next_scheduled(world):
    now = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
    day = datetime.timedelta(days=1)
    other = make_pair(world.mentor, make_participant(world.program, make_user()))  # no sessions
    for when, status in [(now - 9 * day, "logged"), (now - 2 * day, "logged"),
                         (now + day, "logged"),  # logged ahead of now: not "last"
                         (now - day, "scheduled"),  # scheduled in the past: not "next"
                         (now + 3 * day, "scheduled"), (now + 5 * day, "scheduled"),
                         (now - day, "cancelled")]:  # fmt: skip
        make_session(world.pair, when=when, status=status)
    ids = [world.pair.pk, other.pk]
    last, upcoming = cadence.last_and_next(ids, now)
    assert last == cadence.last_logged(ids, now) == {world.pair.pk: now - 2 * day}
    assert upcoming == cadence.next_scheduled(ids, now) == {world.pair.pk: now + 3 * day}


def test_stalled_query_and_row_rule_are_the_same_rule(world):
    now = datetime.datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
    threshold, day = cadence.stalled_threshold(world.program, now, "UTC")
    assert threshold == now - datetime.timedelta(days=2 * world.program.cadence_days)
    assert cadence.is_stalled("active", threshold - datetime.timedelta(seconds=1), None, None,
                              threshold, day)  # fmt: skip
    assert not cadence.is_stalled("active", threshold, None, None, threshold, day)
    assert not cadence.is_stalled("paused", None, day - datetime.timedelta(days=9), now,
                                  threshold, day)  # fmt: skip


def test_ownership_one_rule_for_rows_and_queries(world):
    mine = make_action(world.pair, owner="mentor")
    shared = make_action(world.pair, owner="both")
    theirs = make_action(world.pair, owner="mentee")
    assert set(NextAction.objects.owned_by(world.mentor.user)) == {mine, shared}
    assert set(NextAction.objects.owned_by(world.mentee.user)) == {shared, theirs}
    assert not NextAction.objects.owned_by(world.other.user).exists()
    assert [a.owned_by_role("mentor") for a in (mine, shared, theirs)] == [True, True, False]
    assert shared.owner_roles() == ["mentor", "mentee"] and theirs.owner_roles() == ["mentee"]


def test_overdue_query_and_row_rule_agree_and_ended_pairs_owe_nothing(world):
    today = datetime.date(2026, 12, 10)
    late = make_action(world.pair, due_on=today - datetime.timedelta(days=1))
    due_today = make_action(world.pair, due_on=today)
    ended = make_pair(world.mentor, world.other, status="ended")
    forgotten = make_action(ended, due_on=today - datetime.timedelta(days=30))
    assert set(NextAction.objects.overdue(today)) == {late}
    for action in (late, due_today, forgotten):
        assert action.overdue_on(today) == (action == late)


def test_the_nudge_weekday_is_the_persons_else_their_earliest_programs(world):
    assert weekday_for(None, None) == 0
    assert weekday_for(None, 3) == 3
    assert weekday_for(EmailPreference(nudge_weekday=5), 3) == 5
    assert weekday_for(EmailPreference(nudge_weekday=None), 3) == 3
    week, moment = weekly_slot("Pacific/Auckland", 2, datetime.datetime(2026, 12, 7, tzinfo=UTC))
    assert week == "2026-W50" and moment == datetime.datetime(2026, 12, 8, 20, 0, tzinfo=UTC)


def test_a_partner_sees_the_public_view_and_the_email_never_private_fields(world):
    world.mentee.department, world.mentee.manager_email = "Secret Ops", "boss@corp.example"
    public, partner = profiles.public_view(world.mentee), profiles.partner_view(world.mentee)
    assert "email" not in public and partner["email"] == "mentee@example.com"
    assert partner == {**public, "email": "mentee@example.com"}
    for view in (public, partner):
        assert "Secret Ops" not in str(view) and "boss@corp.example" not in str(view)


def test_who_may_mentor(world):
    assert world.mentor.may_mentor and not world.mentee.may_mentor
    assert world.mentee.may_be_mentee and not world.mentor.may_be_mentee
    world.program.kind = "peer"
    assert world.mentee.may_mentor and world.mentor.may_be_mentee
    assert set(world.program.participants.filter(world.mentee.may_mentor_q(world.program))) == {
        world.mentor,
        world.mentee,
        world.other,
    }


def test_the_pair_page_url(world):
    assert world.pair.get_absolute_url() == f"/pairs/{world.pair.pk}/"


# --- the four surfaces agree ----------------------------------------------------------


def surfaces(world, person, now, zone_name):
    """(overdue action ids, behind pair ids, stalled pair ids) as each surface shows them."""
    board = dashboard.build(person, now)
    nudge = nudges.build_contents([person], now)[person.pk]
    with timezone.override(zone_name):  # the health page runs in the admin's zone
        today = timezone.localdate(now)
        health = figures.program_health(world.program, DateRange(today, today), now)
    digest = digests.program_summary(world.program, now, world.admin)
    return {
        "dashboard": (
            {a.pk for a in board.my_actions + board.partner_actions if a.is_overdue},
            {card.pair.pk for card in board.nudges},
        ),
        "nudge": (
            {a["id"] for p in nudge["pairs"] for a in p["my_actions"] if a["overdue"]},
            {p["pair"] for p in nudge["pairs"] if p["past_cadence"]},
        ),
        "health": (health.actions["overdue"], {p.pk for p in health.stalled}),
        "digest": (digest["overdue_count"], digest["stalled_count"]),
    }


@pytest.mark.parametrize("zone_name", ZONES)
def test_dashboard_nudge_health_and_digest_agree_around_local_midnight(world, zone_name):
    for user in (world.mentor.user, world.mentee.user, world.other.user, world.admin):
        user.time_zone = zone_name
        user.save()
    program, mentor = world.program, world.mentor.user
    tz = zoneinfo.ZoneInfo(zone_name)
    cadence_days = program.cadence_days
    # Main pair: last session at noon, cadence days before the due date (local calendar).
    noon = datetime.datetime.combine(D - datetime.timedelta(days=cadence_days),
                                     datetime.time(12), tz)  # fmt: skip
    make_session(world.pair, when=noon.astimezone(UTC))
    action = make_action(world.pair, owner="both", due_on=D)
    # A quiet pair: never met, started twice the cadence before the due date.
    quiet = make_pair(world.mentor, world.other,
                      started_on=D - datetime.timedelta(days=2 * cadence_days))  # fmt: skip

    midnight = local_midnight_after(D, zone_name)
    before = surfaces(world, mentor, midnight - datetime.timedelta(minutes=1), zone_name)
    after = surfaces(world, mentor, midnight + datetime.timedelta(minutes=1), zone_name)

    # Just before midnight: nothing is overdue; the main pair is on its cadence; the quiet
    # pair is behind (but not yet stalled).
    assert before["dashboard"] == before["nudge"] == (set(), {quiet.pk})
    assert before["health"] == (0, set()) and before["digest"] == (0, 0)
    # Just after: the action is overdue everywhere, both pairs are behind, the quiet pair
    # has stalled.
    assert after["dashboard"] == after["nudge"] == ({action.pk}, {world.pair.pk, quiet.pk})
    assert after["health"] == (1, {quiet.pk}) and after["digest"] == (1, 1)


def test_the_weekly_email_is_due_only_on_its_day_from_nine():
    tz = "Europe/Berlin"
    monday_0859 = datetime.datetime(2026, 11, 9, 7, 59, tzinfo=UTC)  # 08:59 in Berlin
    assert due_now(tz, 0, monday_0859) == ("2026-W46", False)
    assert due_now(tz, 0, monday_0859 + datetime.timedelta(minutes=1)) == ("2026-W46", True)
    late_monday = datetime.datetime(2026, 11, 9, 22, 59, tzinfo=UTC)  # 23:59 in Berlin
    assert due_now(tz, 0, late_monday)[1]
    # Tuesday (a first start, a worker back after an outage): not Monday's email any more.
    assert not due_now(tz, 0, late_monday + datetime.timedelta(minutes=1))[1]
    assert not due_now(tz, 0, datetime.datetime(2026, 11, 12, 12, 0, tzinfo=UTC))[1]


def test_a_first_start_later_in_the_week_sends_no_nudge_or_digest(world):
    make_action(world.pair, due_on=D)
    thursday = datetime.datetime(2026, 11, 12, 12, 0, tzinfo=UTC)  # the program's day: Monday
    assert nudges.claim_due(thursday) == {"pending": 0, "skipped": 0}
    assert digests.claim_due(thursday) == {"pending": 0, "skipped": 0}
