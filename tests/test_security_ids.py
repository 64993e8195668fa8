"""Ids from forms and query strings are bounded: a huge one is "not found", never a 500
(issue 15, item 9: SQLite raised OverflowError on `ids=99999999999999999999`)."""

import pytest
from django.urls import reverse

from mentorship.bounds import small_int
from pairs.models import MatchRun, Suggestion
from sessions.models import Session
from tests.factories import make_participant

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def draft(world):
    run = MatchRun.objects.create(program=world.program, status="done")
    mentee = make_participant(world.program, role="mentee", learns=["SQL"])
    return Suggestion.objects.create(run=run, mentor=world.mentor, mentee=mentee, score=0.5)


def test_bulk_suggestion_action_with_a_huge_id_selects_nothing(client, world, draft):
    client.force_login(world.admin)
    url = reverse("pairs:bulk", args=["main"])
    for action in ("accept", "reject"):
        response = client.post(url, {"action": action, "ids": [HUGE, "-1", "x"]}, follow=True)
        assert response.status_code == 200
        assert "Select at least one draft suggestion." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def admin_requests(world, draft):
    m = "main"
    yield "post", reverse("pairs:manual", args=[m]), {"mentor": HUGE, "mentee": HUGE}
    yield "get", reverse("pairs:manual", args=[m]), {"mentor": HUGE, "mentee": HUGE}
    yield "post", reverse("pairs:exclusion_add", args=[m]), {"first": HUGE, "second": HUGE}
    yield "get", reverse("pairs:swap", args=[m, draft.pk]), {"mentor": HUGE}
    yield "post", reverse("pairs:swap", args=[m, draft.pk]), {"mentor": HUGE}
    yield "get", reverse("programs:participants", args=[m]), {"skill": HUGE, "page": HUGE}
    yield "post", reverse("programs:skill_merge", args=[m]), {"source": HUGE, "target": HUGE}
    yield "get", reverse("pairs:suggestions", args=[m]), {"page": HUGE}


def test_every_id_an_admin_can_send_is_bounded(client, world, draft):
    client.force_login(world.admin)
    for method, url, data in admin_requests(world, draft):
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, (method, url, response.status_code)


def test_every_id_a_member_can_send_is_bounded(client, world):
    client.force_login(world.mentee.user)
    pair = world.pair.pk
    requests = [
        ("post", reverse("pairs:request_create", args=["main"]), {"recipient": HUGE}),
        ("get", reverse("sessions:log", args=[pair]), {"scheduled": HUGE}),
        ("get", reverse("sessions:action_row", args=[pair]), {"i": HUGE}),
        ("get", reverse("sessions:pair", args=[pair]), {"page": HUGE}),
        ("post", reverse("sessions:log", args=[pair]), {"scheduled": HUGE, "version": HUGE}),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, (method, url, response.status_code)
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "raw, expected",
    [("12", 12), (" 7 ", 7), ("2147483647", 2147483647), ("2147483648", None), (HUGE, None)]
    + [("-1", None), ("１２", None), ("", None), (None, None), ("1e3", None), (5, 5)],
)
def test_small_int(raw, expected):
    assert small_int(raw) == expected


def test_a_huge_pair_id_in_the_address_is_not_found(client, world):
    client.force_login(world.mentee.user)
    for pk in (2**63, 10**30):
        assert client.get(f"/pairs/{pk}/").status_code == 404
        assert client.get(f"/pairs/{pk}/log/").status_code == 404
