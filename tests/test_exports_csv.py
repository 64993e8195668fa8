"""CSV exports: admins only, metadata only, formula-safe, streamed."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from tests import health_data
from tests.factories import make_pair, make_participant, make_user
from tests.health_data import MARKER, NOW, admins_only, health_settings, populate  # noqa: F401

pytestmark = pytest.mark.django_db
frozen = health_data.frozen  # fixture: the clock stands still at NOW

KINDS = ("pairs", "sessions", "actions")
EXPECTED = admins_only(200)


def export(client, world, kind):
    response = client.get(reverse("health:export", args=[world.program.slug, kind]))
    body = b"".join(response.streaming_content).decode() if response.status_code == 200 else ""
    return response, body


def rows_of(body):
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", EXPECTED)
def test_each_persona_and_no_content_ever(client, world, frozen, persona, kind):
    populate(world, pairs=2)
    user = world.personas()[persona]
    if user:
        client.force_login(user)
    response, body = export(client, world, kind)
    assert response.status_code == EXPECTED[persona]
    if response.status_code == 200:
        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="main-{kind}-2026-11-20.csv"' in response["Content-Disposition"]
        assert len(rows_of(body)) > 1
    assert MARKER not in body


def test_unknown_kind_is_404(client, world):
    client.force_login(world.admin)
    assert client.get("/programs/main/health/export/notes.csv").status_code == 404


def test_pairs_export_rows(client, world, frozen):
    populate(world, pairs=1, sessions_per_pair=2, actions_per_pair=3)
    quiet = make_pair(
        make_participant(world.program, make_user("q1@example.com"), role="mentor"),
        make_participant(world.program, make_user("q2@example.com"), role="mentee"),
        started_on=datetime.date(2026, 9, 1),
    )
    client.force_login(world.admin)
    rows = rows_of(export(client, world, "pairs")[1])
    header, data = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert header[:3] == ["pair_id", "status", "source"]
    row = data[str(world.pair.pk)]
    assert row["mentor_email"] == "mentor@example.com"
    assert row["logged_sessions"] == "2"
    assert row["last_session_utc"] == "2026-11-17T12:00:00Z"
    assert (row["actions_open"], row["actions_done"], row["actions_dropped"]) == ("2", "2", "2")
    assert row["actions_overdue"] == "2"
    assert row["stalled"] == "no"
    assert data[str(quiet.pk)]["stalled"] == "yes"
    assert data[str(quiet.pk)]["logged_sessions"] == "0"


def test_sessions_and_actions_exports_carry_counts_not_text(client, world, frozen):
    populate(world, pairs=1, sessions_per_pair=2, actions_per_pair=3)
    client.force_login(world.admin)
    rows = rows_of(export(client, world, "sessions")[1])
    assert "topics" not in rows[0] and "shared_notes" not in rows[0]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["occurred_at_utc"] == "2026-11-10T12:00:00Z"  # oldest first
    assert first["mentor_side_logged"] == first["mentee_side_logged"] == "yes"
    assert first["sides_with_questions"] == first["sides_with_learnings"] == "2"
    assert first["actions_created"] == "3"
    assert len(rows) == 3
    rows = rows_of(export(client, world, "actions")[1])
    assert "text" not in rows[0] and "dropped_reason" not in rows[0]
    assert len(rows) == 7
    assert {r[2] for r in rows[1:]} == {"mentor", "mentee", "both"}


def test_cells_cannot_run_as_formulas(client, world, frozen):
    world.mentor.user.display_name = '=HYPERLINK("http://evil","x")'
    world.mentor.user.save()
    world.mentee.user.display_name = "+1+cmd|' /C calc'!A0"
    world.mentee.user.save()
    client.force_login(world.admin)
    rows = rows_of(export(client, world, "pairs")[1])
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["mentor"] == '\'=HYPERLINK("http://evil","x")'
    assert row["mentee"] == "'+1+cmd|' /C calc'!A0"


@pytest.mark.parametrize("kind", KINDS)
def test_query_count_is_fixed(client, world, frozen, kind, django_assert_num_queries):
    populate(world, pairs=1, sessions_per_pair=1, actions_per_pair=1)
    client.force_login(world.admin)
    with django_assert_num_queries(5) as ctx:  # session, user, program, admin check, rows
        export(client, world, kind)
    populate(world, pairs=5, sessions_per_pair=3, actions_per_pair=4)
    with django_assert_num_queries(len(ctx.captured_queries)):
        export(client, world, kind)


def test_large_exports_stream_in_pieces(client, world, frozen):
    populate(world, pairs=3, sessions_per_pair=20, actions_per_pair=20)  # 1,200 actions
    client.force_login(world.admin)
    response = client.get(reverse("health:export", args=[world.program.slug, "actions"]))
    pieces = list(response.streaming_content)
    assert len(pieces) == 4  # the header, then 500 + 500 + 200 rows
    assert sum(p.count(b"\n") for p in pieces) == 1201
