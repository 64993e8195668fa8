"""The undelivered-emails page: paged, and an admin may resend one or all of the emails
they may see (GET confirms, POST with CSRF does it), which then go out."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import SentEmail
from tests.factories import make_participant, make_user


def failed_row(user, n, kind="password_reset"):
    return SentEmail.objects.create(
        kind=kind,
        key=f"failed:{user.pk}:{n}",
        user=user,
        to_email=user.email,
        status="failed",
        attempts=40,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )


@pytest.fixture
def failures(world):
    mine = [failed_row(world.mentee.user, n) for n in range(3)]
    outsider = make_participant(world.other_program, make_user("out@example.com")).user
    theirs = [failed_row(outsider, n) for n in range(2)]
    return mine, theirs


def test_the_failed_list_is_paged_past_its_first_fifty(world, client):
    for n in range(120):
        failed_row(world.mentee.user, n)
    client.force_login(world.admin)
    first = client.get(reverse("emails:failed"))
    assert first.content.count(b"?id=") == 50
    assert b"Page 1 of 3" in first.content and b"120 undelivered emails" in first.content
    last = client.get(reverse("emails:failed"), {"page": 3})
    assert last.content.count(b"?id=") == 20
    shown = set()
    for page in (1, 2, 3):
        content = client.get(reverse("emails:failed"), {"page": page}).content.decode()
        shown |= {int(i) for i in __import__("re").findall(r"\?id=(\d+)", content)}
    assert shown == set(SentEmail.objects.values_list("pk", flat=True))


def test_resending_one_asks_first_then_sends_it(world, failures, smtp, on_commit):
    sink = smtp.up()
    mine, _ = failures
    row = mine[0]
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(world.admin)
    url = reverse("emails:resend_failed")
    confirm = admin.get(url, {"id": row.pk})
    assert confirm.status_code == 200 and b"mentee@example.com" in confirm.content
    row.refresh_from_db()
    assert row.status == "failed"  # a GET changes nothing
    assert admin.post(url, {"id": row.pk}).status_code == 403  # no CSRF token
    token = confirm.context["csrf_token"]
    with on_commit():
        response = admin.post(url, {"id": row.pk, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302 and response["Location"] == reverse("emails:failed")
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1 and row.last_error == ""
    assert [m["To"] for m in sink.messages] == ["mentee@example.com"]
    assert SentEmail.objects.filter(status="failed").count() == 4


def test_resend_all_takes_only_the_rows_the_admin_may_see(world, failures, client, smtp):
    mine, theirs = failures
    client.force_login(world.admin)
    confirm = client.get(reverse("emails:resend_failed"), {"all": "on"})
    assert b"3 undelivered emails" in confirm.content
    response = client.post(reverse("emails:resend_failed"), {"all": "on"})  # SMTP still down
    assert response.status_code == 302
    for row in mine:
        row.refresh_from_db()
        assert row.status == "pending" and row.attempts == 0  # a fresh retry window
    assert set(
        SentEmail.objects.filter(pk__in=[r.pk for r in theirs]).values_list("status", flat=True)
    ) == {"failed"}


@pytest.mark.parametrize("persona", ["other_admin", "participant", "stranger"])
def test_others_cannot_resend_or_see_a_row(world, failures, client, persona):
    mine, _ = failures
    user = {
        "other_admin": world.other_admin,
        "participant": world.mentee.user,
        "stranger": world.stranger,
    }[persona]
    client.force_login(user)
    url = reverse("emails:resend_failed")
    assert client.get(url, {"id": mine[0].pk}).status_code == 404
    assert client.post(url, {"id": mine[0].pk}).status_code == 404
    client.post(url, {"all": "on"})
    assert set(
        SentEmail.objects.filter(pk__in=[r.pk for r in mine]).values_list("status", flat=True)
    ) == {"failed"}


def test_superuser_resends_every_row(world, failures, client):
    client.force_login(world.superuser)
    client.post(reverse("emails:resend_failed"), {"all": "on"})
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"pending"}
