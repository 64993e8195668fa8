"""The REST API: tokens, scopes, what each persona sees (the pages' access helpers),
content only for the pair's two people, pagination, updated_since, rate limits, schema."""

import datetime
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api import tokens
from sessions.models import NextAction
from tests.api_helpers import api_client, token_for
from tests.factories import make_action, make_pair, make_participant, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    session = make_session(world.pair, topics="TOPIC-SECRET", shared_notes="NOTE-SECRET")
    action = make_action(world.pair, text="ACTION-SECRET")
    return world, session, action


def get(user_or_raw, url, scope="read", **params):
    raw = user_or_raw if isinstance(user_or_raw, str) else token_for(user_or_raw, scope)
    return api_client(raw).get(url, params)


def test_no_token_is_401_with_a_bearer_challenge(world):
    response = api_client().get(reverse("api:pairs"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_or_unknown_token_is_401(world, caplog):
    token, raw = tokens.create(world.mentee.user, "sync", "read")
    assert api_client(raw).get(reverse("api:pairs")).status_code == 200
    tokens.revoke(token)
    with caplog.at_level(logging.INFO, logger="api.authentication"):
        response = api_client(raw).get(reverse("api:pairs"))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert "unknown or revoked token" in caplog.text
    assert api_client("mtk_not-a-token").get(reverse("api:pairs")).status_code == 401


def test_a_deactivated_account_token_is_401(world):
    raw = token_for(world.mentee.user, "read")
    world.mentee.user.is_active = False
    world.mentee.user.save()
    assert api_client(raw).get(reverse("api:pairs")).status_code == 401


def test_the_token_is_stored_hashed(world):
    token, raw = tokens.create(world.mentee.user, "sync", "read")
    token.refresh_from_db()
    assert raw not in (token.digest, token.prefix) and raw.startswith(token.prefix)
    assert token.digest == tokens.digest(raw)


def test_a_read_only_token_cannot_write(data, caplog):
    world, _session, action = data
    raw = token_for(world.mentee.user, "read")
    with caplog.at_level(logging.WARNING, logger="api.authentication"):
        response = api_client(raw).post(
            reverse("api:action_done", args=[action.pk]), {}, content_type="application/json"
        )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert "API write refused" in caplog.text
    action.refresh_from_db()
    assert action.status == NextAction.Status.OPEN


def test_a_member_marks_an_action_done_with_a_write_token(data):
    world, _session, action = data
    raw = token_for(world.mentee.user, "write")
    url = reverse("api:action_done", args=[action.pk])
    response = api_client(raw).post(url, {"version": action.version}, "application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    action.refresh_from_db()
    assert action.status == NextAction.Status.DONE and action.done_by == world.mentee.user


def test_a_stale_version_is_409(data):
    world, _session, action = data
    raw = token_for(world.mentor.user, "write")
    url = reverse("api:action_done", args=[action.pk])
    response = api_client(raw).post(url, {"version": action.version + 5}, "application/json")
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("program_admin", 403), ("other_program_admin", 404), ("stranger", 404), ("other", 404)],
)
def test_only_the_pair_writes(data, persona, expected):
    world, _session, action = data
    user = {
        "program_admin": world.admin,
        "other_program_admin": world.other_admin,
        "stranger": world.stranger,
        "other": world.other.user,
    }[persona]
    url = reverse("api:action_done", args=[action.pk])
    response = api_client(token_for(user, "write")).post(url, {}, "application/json")
    assert response.status_code == expected


def test_members_see_content_admins_see_metadata_others_nothing(data):
    world, session, action = data
    for user in (world.mentee.user, world.mentor.user):
        body = get(user, reverse("api:session", args=[session.pk])).json()
        assert body["content"]["shared_notes"] == "NOTE-SECRET"
        assert get(user, reverse("api:action", args=[action.pk])).json()["text"] == "ACTION-SECRET"
    for url in (reverse("api:sessions"), reverse("api:session", args=[session.pk])):
        response = get(world.admin, url)
        assert response.status_code == 200
        assert b"SECRET" not in response.content
    listed = get(world.admin, reverse("api:actions")).json()["results"]
    assert [a["text"] for a in listed] == [None] and listed[0]["due_on"]
    for user in (world.other_admin, world.stranger, world.other.user):
        assert get(user, reverse("api:session", args=[session.pk])).status_code == 404
        assert get(user, reverse("api:pair", args=[world.pair.pk])).status_code == 404
        assert get(user, reverse("api:sessions")).json()["results"] == []
        assert get(user, reverse("api:actions")).json()["results"] == []


def test_participants_are_for_the_programs_admins(world):
    url = reverse("api:participants", args=[world.program.slug])
    body = get(world.admin, url).json()
    assert body["count"] == 3
    assert get(world.mentee.user, url).status_code == 403
    assert get(world.other_admin, url).status_code == 404
    assert get(world.stranger, url).status_code == 404


def test_programs_listed_are_the_ones_you_run_or_join(world):
    def slugs(user):
        return [p["slug"] for p in get(user, reverse("api:programs")).json()["results"]]

    assert slugs(world.admin) == ["main"]
    assert slugs(world.mentee.user) == ["main"]
    assert slugs(world.other_admin) == ["other"]
    assert slugs(world.stranger) == []
    world.other.status = "withdrawn"
    world.other.save()
    assert slugs(world.other.user) == []


def test_updated_since_and_a_bad_value(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC))
    old = make_pair(world.mentor, make_participant(world.program))
    time_machine.move_to(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC))
    world.pair.save()
    raw = token_for(world.admin, "read")
    ids = [p["id"] for p in get(raw, reverse("api:pairs")).json()["results"]]
    assert set(ids) == {old.pk, world.pair.pk}
    since = get(raw, reverse("api:pairs"), updated_since="2026-11-10T00:00:00Z").json()
    assert [p["id"] for p in since["results"]] == [world.pair.pk]
    bad = get(raw, reverse("api:pairs"), updated_since="last tuesday")
    assert bad.status_code == 400 and "ISO 8601" in bad.json()["detail"]
    assert get(raw, reverse("api:sessions"), pair="x").status_code == 400


def test_pagination_and_constant_queries(world):
    for _ in range(5):
        make_session(world.pair)
    raw = token_for(world.mentee.user, "read")
    first = get(raw, reverse("api:sessions"), page_size=2).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    assert get(raw, reverse("api:sessions"), page=99).status_code == 404
    with CaptureQueriesContext(connection) as few:
        get(raw, reverse("api:sessions"), page_size=2)
    with CaptureQueriesContext(connection) as many:
        get(raw, reverse("api:sessions"), page_size=5)
    assert len(many) == len(few)


def test_rate_limited_per_token_owner(world, settings):
    settings.API_RATE_LIMIT = "3/min"
    raw = token_for(world.mentee.user, "read")
    statuses = [api_client(raw).get(reverse("api:pairs")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert api_client(token_for(world.mentor.user)).get(reverse("api:pairs")).status_code == 200


def test_the_schema_is_served_at_a_stable_url(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/actions/{id}/done/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"


def test_last_used_is_recorded(world):
    token, raw = tokens.create(world.mentee.user, "sync", "read")
    api_client(raw).get(reverse("api:pairs"))
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at <= timezone.now()


def test_a_session_cookie_alone_is_not_enough(client, data):
    """No cookie authentication at the API, so a forged cross-site POST has nothing to ride."""
    world, _session, action = data
    client.force_login(world.mentee.user)
    assert client.get(reverse("api:pairs")).status_code == 401
    url = reverse("api:action_done", args=[action.pk])
    assert client.post(url, {}, content_type="application/json").status_code == 401


@pytest.mark.django_db
def test_checkins_are_their_authors_alone(world):
    """The API lists only your own check-ins, with their answers; the partner and the
    program's admins get nothing of them (admins see the health page's totals only)."""
    from checkins.models import CheckIn

    now = timezone.now()
    mine = CheckIn.objects.create(pair=world.pair, user=world.mentee.user, round=1, due_at=now,
                                  answered_at=now, score=4, learned="CHECKIN-SECRET",
                                  shared=True)  # fmt: skip
    mentee = api_client(token_for(world.mentee.user, "read", "t"))
    body = mentee.get("/api/v1/checkins/").json()
    assert [c["id"] for c in body["results"]] == [mine.pk]
    assert body["results"][0]["learned"] == "CHECKIN-SECRET"
    for other in (world.mentor.user, world.admin):
        client = api_client(token_for(other, "read", "t"))
        assert client.get("/api/v1/checkins/").json()["results"] == []
        assert client.get(f"/api/v1/checkins/{mine.pk}/").status_code == 404
    later = (now + datetime.timedelta(minutes=1)).isoformat()
    assert mentee.get("/api/v1/checkins/", {"updated_since": later}).json()["results"] == []
