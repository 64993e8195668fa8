"""Django admin keeps the product's promise: admins see dates and counts, never what people
write (issue 15, item 11). Marker strings in every content field; the superuser (and staff
with view permission) walk every admin page of those rows and never see one."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from pairs.models import PairRequest
from sessions.models import NextAction, Session, SessionSide
from tests.factories import make_action, make_session, make_user

pytestmark = pytest.mark.django_db

MARKERS = {
    "topics": "MARK-TOPICS",
    "shared_notes": "MARK-SHARED-NOTES",
    "learned": "MARK-LEARNED",
    "private_note": "MARK-PRIVATE",
    "action": "MARK-ACTION-TEXT",
    "dropped": "MARK-DROPPED-REASON",
    "end_reason": "MARK-END-REASON",
    "message": "MARK-REQUEST-MESSAGE",
}


@pytest.fixture
def content(world):
    session = make_session(
        world.pair, topics=MARKERS["topics"], shared_notes=MARKERS["shared_notes"]
    )
    SessionSide.objects.create(
        session=session,
        side="mentee",
        author=world.mentee.user,
        learned=MARKERS["learned"],
        private_note=MARKERS["private_note"],
    )
    action = make_action(world.pair, text=MARKERS["action"], created_in=session)
    action.dropped_reason = MARKERS["dropped"]
    action.save()
    world.pair.end_reason = MARKERS["end_reason"]
    world.pair.save()
    request = PairRequest.objects.create(
        program=world.program,
        requester=world.other,
        recipient=world.mentor,
        message=MARKERS["message"],
        expires_at=world.pair.created_at + datetime.timedelta(days=7),
    )
    return {"session": session, "action": action, "pair": world.pair, "request": request}


def admin_urls(content):
    for obj in content.values():
        opts = obj._meta
        base = f"admin:{opts.app_label}_{opts.model_name}_"
        yield reverse(base + "changelist")
        yield reverse(base + "change", args=[obj.pk])
        yield reverse(base + "history", args=[obj.pk])
        yield reverse(base + "delete", args=[obj.pk])
    pair = content["pair"]
    yield reverse("admin:pairs_pair_delete", args=[pair.pk])  # lists sessions and actions


def assert_no_marker(client, content):
    for url in admin_urls(content):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for name, marker in MARKERS.items():
            assert marker not in html, (url, name)


def test_superuser_sees_metadata_but_no_content(client, world, content):
    client.force_login(world.superuser)
    assert_no_marker(client, content)
    # The metadata is there.
    html = client.get(reverse("admin:session_logs_session_changelist")).content.decode()
    assert content["session"].occurred_at.strftime("%Y") in html
    html = client.get(reverse("admin:session_logs_nextaction_changelist")).content.decode()
    assert str(content["action"].due_on.year) in html


def test_staff_with_view_permission_sees_no_content(client, world, content):
    staff = make_user("staff@example.com", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "view_session",
                "view_nextaction",
                "view_pair",
                "view_pairrequest",
                "delete_session",
                "delete_nextaction",
                "delete_pair",
                "delete_pairrequest",
            ]
        )
    )
    client.force_login(staff)
    assert_no_marker(client, content)


def test_saving_in_admin_keeps_the_hidden_content(client, world, content):
    """Leaving a field out of the form must not wipe it when a superuser saves a row."""
    client.force_login(world.superuser)
    session = content["session"]
    url = reverse("admin:session_logs_session_change", args=[session.pk])
    local = session.occurred_at
    data = {
        "pair": session.pair_id,
        "status": session.status,
        "occurred_at_0": local.strftime("%Y-%m-%d"),
        "occurred_at_1": local.strftime("%H:%M:%S"),
        "duration_minutes": "60",
        "format": session.format,
        "version": session.version,
        "created_by": session.created_by_id,
        "updated_by": session.created_by_id,
        "sides-TOTAL_FORMS": "1",
        "sides-INITIAL_FORMS": "1",
        "sides-MIN_NUM_FORMS": "0",
        "sides-MAX_NUM_FORMS": "1000",
        "sides-0-id": SessionSide.objects.get().pk,
        "sides-0-session": session.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors,
        response.context and [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    session.refresh_from_db()
    assert session.duration_minutes == 60
    assert session.topics == MARKERS["topics"] and session.shared_notes == MARKERS["shared_notes"]
    assert NextAction.objects.get().text == MARKERS["action"]
    assert Session.objects.count() == 1
