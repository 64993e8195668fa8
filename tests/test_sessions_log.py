"""Logging a session: one page, open actions first, inline next actions, bad input kept."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import SentEmail
from sessions.models import NextAction, Session, SessionSide
from tests.factories import make_action, make_session
from tests.sessions_helpers import NOW, frozen  # noqa: F401

pytestmark = pytest.mark.django_db


def log_url(world):
    return reverse("sessions:log", args=[world.pair.pk])


def base_post(**extra):
    data = {
        "occurred_at": "2026-11-10T10:00",
        "duration_minutes": "45",
        "format": "video",
        "topics": "SQL joins",
        "shared_notes": "We went through joins.",
        "learned": "Left joins keep rows",
        "shared": "How I review designs",
        "questions": "When to denormalise?\nHow to index?",
        "unsure": "Whether I ask too much",
        "private_note": "PRIVATE-MENTEE-NOTE",
        "side_version": "0",
    }
    data.update(extra)
    return data


def test_get_shows_open_actions_first_and_three_empty_rows(client, world):
    action = make_action(world.pair, text="Read chapter 3", due_on=datetime.date(2026, 11, 12))
    client.force_login(world.mentee.user)
    response = client.get(log_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Read chapter 3") < html.index('name="topics"')
    assert f'name="review-{action.pk}-decision"' in html
    for i in range(3):
        assert f'name="new-{i}-text"' in html
    assert f'hx-get="/pairs/{world.pair.pk}/log/action-row/?i=3"' in html
    assert "at least one next action for Maya Mentor and one for Theo Mentee" in html


def test_add_row_partial_increments_index(client, world):
    client.force_login(world.mentor.user)
    url = reverse("sessions:action_row", args=[world.pair.pk])
    html = client.get(url + "?i=3", headers={"HX-Request": "true"}).content.decode()
    assert 'name="new-3-text"' in html and 'name="new-3-due_on"' in html
    assert "?i=4" in html and 'hx-swap-oob="true"' in html
    assert "<html" not in html  # a partial, not a page


def test_log_session_with_review_and_new_actions(client, world):
    done = make_action(world.pair, text="Read chapter 3", due_on=datetime.date(2026, 11, 12))
    carried = make_action(world.pair, text="Draft a plan", due_on=datetime.date(2026, 11, 11))
    dropped = make_action(world.pair, text="Try Figma", due_on=datetime.date(2026, 11, 11))
    client.force_login(world.mentee.user)
    data = base_post(
        **{
            f"review-{done.pk}-decision": "done",
            f"review-{done.pk}-version": str(done.version),
            f"review-{carried.pk}-decision": "carry",
            f"review-{carried.pk}-new_due": "2026-11-20",
            f"review-{carried.pk}-version": str(carried.version),
            f"review-{dropped.pk}-decision": "drop",
            f"review-{dropped.pk}-reason": "No time this sprint",
            f"review-{dropped.pk}-version": str(dropped.version),
            "new-0-text": "Write a query",
            "new-0-owner": "mentee",
            "new-0-due_on": "2026-11-17",
            "new-7-text": "Share hiring rubric",
            "new-7-owner": "mentor",
            "new-7-due_on": "2026-11-18",
            "new-1-text": "",
            "new-1-owner": "both",
            "new-1-due_on": "",
        }
    )
    response = client.post(log_url(world), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session = Session.objects.get(status="logged")
    assert session.created_by == world.mentee.user and session.topics == "SQL joins"
    side = SessionSide.objects.get(session=session)
    assert side.side == "mentee" and side.author == world.mentee.user
    assert side.private_note == "PRIVATE-MENTEE-NOTE"
    done.refresh_from_db()
    carried.refresh_from_db()
    dropped.refresh_from_db()
    assert done.status == "done" and done.reviewed_in == session and done.done_by
    assert carried.status == "open" and carried.due_on == datetime.date(2026, 11, 20)
    assert carried.reviewed_in == session
    assert dropped.status == "dropped" and dropped.dropped_reason == "No time this sprint"
    new = NextAction.objects.filter(created_in=session).order_by("text")
    assert [(a.text, a.owner) for a in new] == [
        ("Share hiring rubric", "mentor"),
        ("Write a query", "mentee"),
    ]
    assert all(a.next_reminder_at for a in new)  # reminders armed through actions.py


def test_partner_is_invited_by_email_and_on_dashboard(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.mentee.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(log_url(world), base_post()).status_code == 302
    session = Session.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mentor@example.com"]
    assert "Theo Mentee logged your session" in message.subject
    assert reverse("sessions:side", args=[session.pk]) in message.body
    assert "PRIVATE-MENTEE-NOTE" not in message.body
    assert SentEmail.objects.get(kind="add_your_side").status == "sent"
    client.force_login(world.mentor.user)
    html = client.get(reverse("home")).content.decode()
    assert reverse("sessions:side", args=[session.pk]) in html


def test_prompt_when_a_person_has_no_next_action(client, world):
    client.force_login(world.mentee.user)
    data = base_post(
        **{"new-0-text": "Write", "new-0-owner": "mentee", "new-0-due_on": "2026-11-17"}
    )
    response = client.post(log_url(world), data, follow=True)
    html = response.content.decode()
    assert "Maya Mentor has no open next action. Consider adding one." in html
    assert "Theo Mentee has no open next action" not in html
    assert Session.objects.count() == 1  # a prompt, not a refusal


def test_log_a_scheduled_session_turns_it_into_the_log(client, world):
    scheduled = Session.objects.create(
        pair=world.pair, status="scheduled", occurred_at=NOW + datetime.timedelta(hours=1)
    )
    client.force_login(world.mentor.user)
    url = log_url(world) + f"?scheduled={scheduled.pk}"
    assert 'value="2026-11-10T16:00"' in client.get(url).content.decode()
    response = client.post(url, base_post(occurred_at="2026-11-10T15:30", side_version="0"))
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == "logged" and Session.objects.count() == 1


# Bad input -----------------------------------------------------------------------------


def test_due_date_in_the_past_is_refused_with_everything_kept(client, world):
    client.force_login(world.mentee.user)
    data = base_post(
        **{"new-0-text": "Old thing", "new-0-owner": "mentee", "new-0-due_on": "2026-11-01"}
    )
    response = client.post(log_url(world), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The due date is in the past." in html
    assert "Nothing was saved yet; your text is kept." in html
    assert "PRIVATE-MENTEE-NOTE" in html and "Old thing" in html and "When to denormalise?" in html
    assert not Session.objects.exists() and not NextAction.objects.exists()


def test_session_in_the_future_is_refused(client, world):
    client.force_login(world.mentee.user)
    response = client.post(log_url(world), base_post(occurred_at="2026-11-12T10:00"))
    assert response.status_code == 400
    assert "The session date is in the future." in response.content.decode()
    assert not Session.objects.exists()


def test_session_later_than_the_scheduled_one_is_refused(client, world):
    scheduled = Session.objects.create(
        pair=world.pair, status="scheduled", occurred_at=NOW + datetime.timedelta(days=1)
    )
    client.force_login(world.mentee.user)
    url = log_url(world) + f"?scheduled={scheduled.pk}"
    response = client.post(url, base_post(occurred_at="2026-11-14T10:00"))
    assert response.status_code == 400
    assert "later than the scheduled session" in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.status == "scheduled"


def test_empty_session_is_refused(client, world):
    client.force_login(world.mentee.user)
    data = {"occurred_at": "2026-11-10T10:00", "duration_minutes": "45", "format": "video"}
    response = client.post(log_url(world), data)
    assert response.status_code == 400
    assert "There is nothing to log yet" in response.content.decode()
    assert not Session.objects.exists()


def test_one_megabyte_note_is_refused_clearly(client, world):
    client.force_login(world.mentee.user)
    big = "x" * (1024 * 1024)
    response = client.post(log_url(world), base_post(shared_notes=big))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value has at most 20000 characters" in html
    assert "PRIVATE-MENTEE-NOTE" in html  # the rest is kept
    assert not Session.objects.exists()


def test_stale_review_is_refused_and_nothing_is_saved(client, world):
    action = make_action(world.pair, text="Read chapter 3", due_on=datetime.date(2026, 11, 12))
    client.force_login(world.mentee.user)
    seen_version = action.version
    # Meanwhile the mentor marks it done from the dashboard.
    from sessions import actions

    actions.mark_done(action, world.mentor.user, expected_version=seen_version)
    data = base_post(
        **{
            f"review-{action.pk}-decision": "drop",
            f"review-{action.pk}-reason": "no time",
            f"review-{action.pk}-version": str(seen_version),
            "new-0-text": "Keep me",
            "new-0-owner": "mentee",
            "new-0-due_on": "2026-11-17",
        }
    )
    response = client.post(log_url(world), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Read chapter 3" in html and "Only an open action can be dropped." in html
    assert "Keep me" in html and "PRIVATE-MENTEE-NOTE" in html
    action.refresh_from_db()
    assert action.status == "done"  # the partner's change is not overwritten
    assert not Session.objects.exists()
    assert NextAction.objects.count() == 1


def test_stale_carry_over_is_refused(client, world):
    action = make_action(world.pair, text="Read chapter 3", due_on=datetime.date(2026, 11, 12))
    client.force_login(world.mentee.user)
    seen = action.version
    from sessions import actions

    actions.carry_over(action, world.mentor.user, datetime.date(2026, 11, 30), seen)
    data = base_post(
        **{
            f"review-{action.pk}-decision": "carry",
            f"review-{action.pk}-new_due": "2026-11-15",
            f"review-{action.pk}-version": str(seen),
        }
    )
    response = client.post(log_url(world), data)
    assert response.status_code == 400
    assert "changed this action meanwhile" in response.content.decode()
    action.refresh_from_db()
    assert action.due_on == datetime.date(2026, 11, 30)


def test_admin_cannot_log(client, world):
    client.force_login(world.admin)
    assert client.get(log_url(world)).status_code == 403
    assert client.post(log_url(world), base_post()).status_code == 403
    assert not Session.objects.exists()


def test_text_cannot_inject_html_or_htmx(client, world):
    evil = '<img src=x onerror=alert(1)><div hx-get="/x" hx-trigger="load">boo</div>'
    make_session(world.pair, author=world.mentee.user, topics=evil, shared_notes=evil)
    client.force_login(world.mentor.user)
    html = client.get(reverse("sessions:pair", args=[world.pair.pk])).content.decode()
    assert "<img src=x" not in html and 'hx-trigger="load"' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("status", ["completed", "ended", "proposed", "declined"])
def test_no_new_log_once_the_pairing_is_not_live(client, world, status):
    world.pair.status = status
    world.pair.save()
    client.force_login(world.mentee.user)
    response = client.post(log_url(world), base_post(), follow=True)
    assert "new sessions can no longer be logged" in response.content.decode()
    assert not Session.objects.exists()
