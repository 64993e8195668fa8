"""Every date a person enters has a sane range, in forms and services (issue 15, items 1, 8).

The reproductions go through the real pages: a session dated 0001-01-01 was stored on
PostgreSQL (then every page showing it answered 500) and answered 500 on SQLite.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship import bounds
from mentorship.models import Program
from sessions import actions as action_service
from sessions import session_log
from sessions.models import NextAction, Session
from tests.sessions_helpers import NOW, frozen  # noqa: F401

pytestmark = pytest.mark.django_db


def log_post(occurred_at):
    return {
        "occurred_at": occurred_at,
        "duration_minutes": "45",
        "format": "video",
        "topics": "SQL joins",
        "side_version": "0",
    }


@pytest.fixture
def berlin_mentee(world):
    user = world.mentee.user
    user.time_zone = "Europe/Berlin"
    user.save(update_fields=["time_zone"])
    return user


@pytest.mark.parametrize(
    "occurred_at, message",
    [
        ("0001-01-01T00:00", "on or after 2000-01-01"),
        ("1999-12-31T23:59", "on or after 2000-01-01"),
        ("9999-12-31T23:59", "on or before"),
    ],
)
def test_log_refuses_a_session_date_out_of_range(
    client, world, berlin_mentee, occurred_at, message
):
    client.force_login(berlin_mentee)
    response = client.post(reverse("sessions:log", args=[world.pair.pk]), log_post(occurred_at))
    assert response.status_code == 400  # the form again, with the field's error
    html = response.content.decode()
    assert message in html and 'name="occurred_at"' in html
    assert not Session.objects.exists()
    for user in (world.mentee.user, world.mentor.user, world.admin):
        client.force_login(user)
        assert client.get(reverse("sessions:pair", args=[world.pair.pk])).status_code == 200


def test_log_accepts_the_first_day_of_2000(client, world, berlin_mentee):
    client.force_login(berlin_mentee)
    response = client.post(
        reverse("sessions:log", args=[world.pair.pk]), log_post("2000-01-01T00:00")
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.occurred_at == datetime.datetime(1999, 12, 31, 23, 0, tzinfo=datetime.UTC)


def test_the_log_service_refuses_year_one_itself(world):
    when = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
    with pytest.raises(session_log.LogError, match="2000-01-01"):
        session_log.save_log(
            world.pair, world.mentee.user, "mentee", shared={"occurred_at": when, "topics": "x"}
        )
    assert not Session.objects.exists()


@pytest.mark.parametrize("occurred_at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_schedule_refuses_dates_out_of_range(client, world, berlin_mentee, occurred_at):
    client.force_login(berlin_mentee)
    response = client.post(
        reverse("sessions:schedule", args=[world.pair.pk]),
        {"occurred_at": occurred_at, "duration_minutes": "45", "format": "video"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Session.objects.exists()
    html = response.content.decode()
    assert "in the future" in html or "within a year" in html


def test_the_schedule_service_refuses_far_dates_itself(world):
    far = timezone.now() + datetime.timedelta(days=400)
    with pytest.raises(session_log.LogError, match="within a year"):
        session_log.schedule(world.pair, world.mentee.user, far, 45, "video")
    soon = timezone.now() + datetime.timedelta(days=3)
    assert session_log.schedule(world.pair, world.mentee.user, soon, 45, "video").pk


@pytest.mark.parametrize("due", ["0001-01-01", "9999-12-31"])
def test_action_due_dates_are_bounded_in_form_and_service(client, world, due):
    client.force_login(world.mentee.user)
    data = {**log_post("2026-11-10T10:00"), "new-0-text": "Read", "new-0-owner": "mentee"}
    data["new-0-due_on"] = due
    response = client.post(reverse("sessions:log", args=[world.pair.pk]), data)
    assert response.status_code == 400
    assert "in the past" in response.content.decode() or "a year away" in response.content.decode()
    assert not NextAction.objects.exists()
    with pytest.raises(action_service.ActionError):
        action_service.create_action(
            world.pair, "Read", "mentee", datetime.date.fromisoformat(due), world.mentee.user
        )


def program_data(**extra):
    return {
        "name": "Engineering mentoring",
        "slug": "eng",
        "description": "",
        "kind": "classic",
        "start_date": "2026-12-01",
        "end_date": "2027-06-30",
        "cadence_days": "14",
        "nudge_weekday": "2",
        **extra,
    }


@pytest.mark.parametrize(
    "extra, field, message",
    [
        ({"start_date": "0001-01-01"}, "start_date", "on or after 2000-01-01"),
        ({"start_date": "9999-01-01", "end_date": ""}, "start_date", "on or before 2031-11-10"),
        ({"end_date": "9999-12-31"}, "end_date", "on or before 2036-12-01"),
    ],
)
def test_program_dates_are_bounded(client, world, extra, field, message):
    client.force_login(world.admin)
    response = client.post(reverse("programs:create"), program_data(**extra))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Program.objects.filter(slug="eng").exists()
    edit = reverse("programs:edit", args=["main"])
    response = client.post(edit, program_data(slug="main", **extra))
    assert response.status_code == 200
    world.program.refresh_from_db()
    assert world.program.start_date.year > 2000


def health(world, **params):
    return reverse("health:dashboard", args=[world.program.slug]), params


def test_health_far_future_custom_range_is_a_clear_message(client, world):
    client.force_login(world.admin)
    url, params = health(world, preset="custom", start="9990-01-01", end="9999-12-31")
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(url, params, **headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert "on or before 2027-11-11" in html
        assert "Showing the last 90 days instead." in html


def test_whole_program_view_is_bounded_for_a_start_stored_in_year_one(client, world):
    Program.objects.filter(pk=world.program.pk).update(start_date=datetime.date(1, 1, 1))
    client.force_login(world.admin)
    url, params = health(world, preset="all")
    response = client.get(url, params)
    assert response.status_code == 200
    assert len(response.content) < 500_000
    start = response.context["h"].date_range.start
    assert start == datetime.date(2026, 11, 10) - datetime.timedelta(days=366 * 10)


def test_bounds_check_compares_calendar_dates_without_overflow():
    berlin = datetime.datetime(1, 1, 1, tzinfo=timezone.get_current_timezone())
    with pytest.raises(bounds.DateOutOfRange):
        bounds.session_time(berlin, now=NOW)
    assert bounds.session_time(NOW, now=NOW) == NOW
