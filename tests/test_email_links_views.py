"""One-click links (done, snooze, unsubscribe) and the preferences page."""

import datetime
import time

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from notifications import links
from notifications.models import EmailPreference, SentEmail
from sessions import action_links
from sessions.models import NextAction

UTC = datetime.UTC


@pytest.fixture
def action(world):
    from sessions import actions

    return actions.create_action(
        world.pair,
        "Read the SQL chapter",
        "mentee",
        datetime.date.today() + datetime.timedelta(days=5),
        by=world.mentee.user,
    )


def path_of(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def link(purpose, user, obj):
    return path_of(links.make_url(purpose, user, obj))


def assert_refused(response, status, text, action):
    """The link was refused with `status`, saying `text`; the action is still open."""
    assert response.status_code == status
    assert text in response.content
    action.refresh_from_db()
    assert action.status == "open"


# --- mark done ------------------------------------------------------------------------


def test_get_shows_a_confirm_page_and_changes_nothing(world, action, client):
    url = link(action_links.DONE, world.mentee.user, action.pk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Mark this action done?" in response.content
    assert b"Read the SQL chapter" in response.content
    assert b'method="post"' in response.content
    action.refresh_from_db()
    assert action.status == "open" and action.version == 1


def test_post_marks_done_and_a_second_post_says_already_done(world, action):
    url = link(action_links.DONE, world.mentee.user, action.pk)
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert b"well done" in response.content
    action.refresh_from_db()
    assert action.status == "done" and action.done_by == world.mentee.user
    assert action.next_reminder_at is None  # no more reminders
    version = action.version
    again = client.post(url, {"csrfmiddlewaretoken": token})
    assert again.status_code == 200 and b"Already done" in again.content
    action.refresh_from_db()
    assert action.version == version


def test_partner_may_mark_a_shared_pair_action_done(world, action, client):
    url = link(action_links.DONE, world.mentor.user, action.pk)
    assert client.post(url).status_code == 200
    action.refresh_from_db()
    assert action.status == "done"


def test_dropped_action_cannot_be_marked_done(world, action, client):
    NextAction.objects.filter(pk=action.pk).update(status="dropped")
    response = client.post(link(action_links.DONE, world.mentee.user, action.pk))
    assert b"dropped" in response.content
    action.refresh_from_db()
    assert action.status == "dropped"


def test_expired_link(world, action, client):
    url = link(action_links.DONE, world.mentee.user, action.pk)
    with time_machine.travel(time.time() + 15 * 24 * 3600):
        response = client.post(url)
    assert_refused(response, 410, b"This link has expired", action)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-3] + ("aaa" if not t.endswith("aaa") else "bbb"),  # tampered signature
        lambda t: t[: len(t) // 2],  # truncated
        lambda t: "garbage",
    ],
    ids=["tampered", "truncated", "garbage"],
)
def test_malformed_or_tampered_link(world, action, client, mangle):
    token = links.make_token(action_links.DONE, world.mentee.user, action.pk)
    url = reverse("sessions:email_action_done", args=[mangle(token)])
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 400
        assert b"This link is not valid" in response.content
    action.refresh_from_db()
    assert action.status == "open"


def test_a_link_for_one_purpose_does_not_work_for_another(world, action, client):
    token = links.make_token(action_links.SNOOZE, world.mentee.user, action.pk)
    response = client.post(reverse("sessions:email_action_done", args=[token]))
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == "open"


def test_forged_payload_for_another_user_is_refused(world, action, client):
    # Without the secret key the signature cannot match another payload.
    forged = signing.dumps({"u": world.mentor.user.pk, "e": "x", "o": action.pk}, salt="wrong")
    assert client.post(reverse("sessions:email_action_done", args=[forged])).status_code == 400


def test_link_sent_to_an_old_address_stops_working(world, action, client):
    url = link(action_links.DONE, world.mentee.user, action.pk)
    user = world.mentee.user
    user.email = "theo.new@example.com"
    user.save()
    response = client.post(url)
    assert_refused(response, 410, b"sent to an old address", action)


def test_link_for_a_deleted_action(world, action, client):
    url = link(action_links.DONE, world.mentee.user, action.pk)
    action.delete()
    response = client.get(url)
    assert response.status_code == 404
    assert b"no longer exists" in response.content


def test_link_of_a_deleted_user(world, action, client):
    url = link(action_links.DONE, world.mentee.user, action.pk)
    world.mentee.user.delete()
    response = client.get(url)
    assert response.status_code == 410
    assert b"no longer exists" in response.content


def test_link_of_someone_no_longer_in_the_pair(world, action, client):
    url = link(action_links.DONE, world.other.user, action.pk)
    response = client.post(url)
    assert_refused(response, 403, b"not yours", action)


# --- snooze ---------------------------------------------------------------------------


def _snooze_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_snooze_get_offers_the_choices_and_changes_nothing(world, client):
    from sessions import actions

    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=UTC), tick=False):
        act = actions.create_action(
            world.pair, "Plan", "mentee", datetime.date(2026, 11, 20), by=world.mentee.user
        )
        url = link(action_links.SNOOZE, world.mentee.user, act.pk)
        page = _snooze_page(client, url)
    for label, date in (
        ("Tomorrow", "3 Nov 2026"),
        ("In 3 days", "5 Nov 2026"),
        ("Next week", "9 Nov 2026"),
        ("Not before the due date", "20 Nov 2026"),
    ):
        assert label in page and date in page
    assert page.count('name="choice"') == 4 and 'method="post"' in page
    act.refresh_from_db()
    assert act.next_reminder_at == datetime.datetime(2026, 11, 18, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("choice", "until"),
    [
        ("1", datetime.datetime(2026, 11, 19, 14, tzinfo=UTC)),
        ("3", datetime.datetime(2026, 11, 21, 14, tzinfo=UTC)),
        ("7", datetime.datetime(2026, 11, 25, 14, tzinfo=UTC)),
        ("due", datetime.datetime(2026, 11, 27, 14, tzinfo=UTC)),
    ],
)
def test_each_snooze_choice_is_nine_in_the_morning_of_the_persons_day(world, choice, until):
    from mentorship.models import User
    from sessions import actions

    User.objects.filter(pk=world.mentee.user.pk).update(time_zone="America/New_York")
    with time_machine.travel(datetime.datetime(2026, 11, 2, tzinfo=UTC), tick=False):
        act = actions.create_action(
            world.pair, "Plan", "mentee", datetime.date(2026, 11, 27), by=world.mentee.user
        )
    # 18 Nov 23:30 in New York (19 Nov 04:30 UTC): "tomorrow" is New York's 19th.
    act.pair.mentee.user.refresh_from_db()
    with time_machine.travel(datetime.datetime(2026, 11, 19, 4, 30, tzinfo=UTC), tick=False):
        url = link(action_links.SNOOZE, world.mentee.user, act.pk)
        response = Client().post(url, {"choice": choice})
    assert response.status_code == 200 and b"Snoozed" in response.content
    act.refresh_from_db()
    assert act.next_reminder_at == until


def test_the_same_choice_twice_changes_nothing_and_the_last_choice_wins(world, action, client):
    url = link(action_links.SNOOZE, world.mentee.user, action.pk)
    client.post(url, {"choice": "7"})
    action.refresh_from_db()
    week = action.next_reminder_at
    assert client.post(url, {"choice": "7"}).status_code == 200
    action.refresh_from_db()
    assert action.next_reminder_at == week
    client.post(url, {"choice": "1"})  # "tomorrow" after all: tomorrow it is
    action.refresh_from_db()
    assert action.next_reminder_at == week - datetime.timedelta(days=6)


def test_not_before_the_due_date_is_offered_only_when_it_is_later_than_tomorrow(world, client):
    from sessions import actions

    with time_machine.travel(datetime.datetime(2026, 11, 9, 12, tzinfo=UTC), tick=False):
        act = actions.create_action(
            world.pair, "Plan", "mentee", datetime.date(2026, 11, 10), by=world.mentee.user
        )
        url = link(action_links.SNOOZE, world.mentee.user, act.pk)
        page = _snooze_page(client, url)
        assert "Not before the due date" not in page
        response = client.post(url, {"choice": "due"})
    assert response.status_code == 400 and b"Choose one of these" in response.content


def test_a_post_without_a_choice_snoozes_a_week(world, action, client):
    """A confirm page opened before the choices existed posts no choice."""
    response = client.post(link(action_links.SNOOZE, world.mentee.user, action.pk))
    assert response.status_code == 200 and b"Snoozed" in response.content
    action.refresh_from_db()
    assert action.next_reminder_at - datetime.datetime.now(UTC) > datetime.timedelta(days=6)


def test_snoozed_reminder_comes_back_once(world):
    from notifications import outbox as delivery
    from sessions import actions, reminders

    with time_machine.travel(datetime.datetime(2026, 11, 2, tzinfo=UTC), tick=False):
        act = actions.create_action(
            world.pair, "Plan", "mentee", datetime.date(2026, 11, 20), by=world.mentee.user
        )
    moment = datetime.datetime(2026, 11, 18, 9, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        reminders.claim_due(moment)
        url = link(action_links.SNOOZE, world.mentee.user, act.pk)
        Client().post(url, {"choice": "7"})
    act.refresh_from_db()
    assert act.next_reminder_at == moment + datetime.timedelta(days=7)
    later = moment + datetime.timedelta(days=7, minutes=1)
    reminders.claim_due(later)
    reminders.claim_due(later)
    # The overdue moment (23 Nov) passed while snoozed: one email at the snooze, then none.
    assert sorted(SentEmail.objects.values_list("key", flat=True)) == [
        f"{world.mentee.user.pk}:2026-11-18",
        f"{world.mentee.user.pk}:2026-11-25",
    ]
    act.refresh_from_db()
    assert act.next_reminder_at is None
    delivery.deliver_due(later)


def test_expired_or_broken_snooze_link_gets_a_clear_page(world, action, client):
    url = link(action_links.SNOOZE, world.mentee.user, action.pk)
    before = action.next_reminder_at
    with time_machine.travel(time.time() + 15 * 24 * 3600):
        response = client.post(url, {"choice": "1"})
    assert response.status_code == 410 and b"This link has expired" in response.content
    response = client.get(reverse("sessions:email_action_snooze", args=["garbage"]))
    assert response.status_code == 400 and b"This link is not valid" in response.content
    action.refresh_from_db()
    assert action.next_reminder_at == before


def test_snooze_of_a_done_action(world, action, client):
    NextAction.objects.filter(pk=action.pk).update(status="done")
    response = client.post(link(action_links.SNOOZE, world.mentee.user, action.pk))
    assert b"Nothing to snooze" in response.content


# --- unsubscribe ----------------------------------------------------------------------


def test_unsubscribe_get_confirms_post_unsubscribes(world, client):
    url = link(links.UNSUBSCRIBE, world.mentee.user, "nudges")
    response = client.get(url)
    assert response.status_code == 200 and b"Unsubscribe?" in response.content
    assert EmailPreference.objects.get(user=world.mentee.user).nudges is True
    response = client.post(url)
    assert b"Unsubscribed" in response.content
    pref = EmailPreference.objects.get(user=world.mentee.user)
    assert pref.nudges is False and pref.reminders is True
    assert b"Already unsubscribed" in client.post(url).content


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_cookie(world):
    url = link(links.UNSUBSCRIBE, world.mentee.user, "reminders")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert EmailPreference.objects.get(user=world.mentee.user).reminders is False


def test_unsubscribe_list_name_is_checked(world, client):
    token = links.make_token(links.UNSUBSCRIBE, world.mentee.user, "is_superuser")
    response = client.post(reverse("emails:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert not world.mentee.user.__class__.objects.get(pk=world.mentee.user.pk).is_superuser


# --- preferences ----------------------------------------------------------------------


def test_preferences_page_saves_which_emails_and_weekday(world, client):
    client.force_login(world.mentee.user)
    page = client.get(reverse("emails:preferences"))
    assert page.status_code == 200
    assert b"Weekly nudge day" in page.content
    assert b"admin digest" not in page.content  # not an admin
    response = client.post(reverse("emails:preferences"), {"reminders": "on", "nudge_weekday": "3"})
    assert response.status_code == 302
    pref = EmailPreference.objects.get(user=world.mentee.user)
    assert (pref.reminders, pref.nudges, pref.nudge_weekday) == (True, False, 3)
    client.post(reverse("emails:preferences"), {"nudges": "on", "nudge_weekday": ""})
    pref.refresh_from_db()
    assert pref.nudge_weekday is None and pref.nudges is True


def test_preferences_rejects_a_bad_weekday(world, client):
    client.force_login(world.mentee.user)
    response = client.post(reverse("emails:preferences"), {"nudge_weekday": "9"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content


def test_preferences_needs_sign_in(client):
    response = client.get(reverse("emails:preferences"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_admin_sees_digest_choice_and_failed_count(world, client):
    SentEmail.objects.create(
        kind="nudge",
        key="x",
        user=world.mentee.user,
        to_email="mentee@example.com",
        status="failed",
    )
    client.force_login(world.admin)
    page = client.get(reverse("emails:preferences"))
    assert b"admin digest" in page.content
    assert b"badge-danger" in page.content
    failed = client.get(reverse("emails:failed"))
    assert failed.status_code == 200 and b"mentee@example.com" in failed.content
    client.force_login(world.other_admin)
    assert b"mentee@example.com" not in client.get(reverse("emails:failed")).content
    client.force_login(world.mentee.user)
    assert client.get(reverse("emails:failed")).status_code == 404
