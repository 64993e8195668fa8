"""The admin's Pairs page: who is with whom and how they are doing (never what they wrote)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insights import pair_list
from pairs.models import Pair
from sessions import cadence
from sessions.models import SessionSide
from tests.factories import make_action, make_pair, make_participant, make_session

pytestmark = pytest.mark.django_db
MARKER = "zq-private-marker"


def url(world, **params):
    base = reverse("health:pairs", args=[world.program.slug])
    if params:
        base += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return base


def test_admin_sees_each_pair_with_dates_and_counts_never_content(client, world):
    session = make_session(world.pair, topics=MARKER, shared_notes=MARKER)
    SessionSide.objects.create(
        session=session,
        author=world.mentee.user,
        side="mentee",
        learned=MARKER,
        private_note=MARKER,
    )
    make_action(world.pair, text=MARKER, due_on=timezone.localdate() - datetime.timedelta(days=2))
    ahead = timezone.now() + datetime.timedelta(days=3)
    make_session(world.pair, when=ahead, status="scheduled", topics=MARKER)
    client.force_login(world.admin)
    page = client.get(url(world)).content.decode()
    assert "Maya Mentor and Theo Mentee" in page and world.pair.get_absolute_url() in page
    assert "1 open, 1 overdue" in page and "mentor 0 · mentee 1" in page
    assert "not scheduled" not in page  # the next session is shown
    assert MARKER not in page


def test_only_program_admins(client, world):
    for user, status in ((world.mentor.user, 403), (world.other_admin, 404), (world.stranger, 404)):
        client.force_login(user)
        assert client.get(url(world)).status_code == status


def test_filters_and_empty_states(client, world):
    other = make_pair(world.mentor, world.other, status="paused")
    client.force_login(world.admin)
    page = client.get(url(world, status="paused")).content.decode()
    assert "Maya Mentor and Olga Other" in page and "Theo Mentee" not in page
    page = client.get(url(world, q="theo")).content.decode()
    assert "Theo Mentee" in page and "Olga Other" not in page
    page = client.get(url(world, q="nobody-like-this")).content.decode()
    assert "No pair matches these filters." in page
    Pair.objects.filter(pk__in=[other.pk, world.pair.pk]).delete()
    assert "No pairs yet." in client.get(url(world)).content.decode()


def test_attention_filters_use_the_cadence_rules(client, world):
    now = timezone.now()
    today = timezone.localdate(now)
    program = world.program
    pairs = [world.pair]
    # A spread of last sessions and starts around the cadence and twice the cadence.
    c = program.cadence_days
    long_ago = today - datetime.timedelta(days=90)
    for days in (c - 1, c, c + 1, 2 * c + 1):
        pair = make_pair(
            make_participant(program, role="mentor"), make_participant(program), started_on=long_ago
        )
        make_session(pair, when=now - datetime.timedelta(days=days))
        pairs.append(pair)
    quiet = make_pair(
        make_participant(program, role="mentor"),
        make_participant(program),
        started_on=today - datetime.timedelta(days=3 * c),
    )
    pairs.append(quiet)
    rows = {p.pk: p for p in pair_list.pairs_for_admin(program, now)}

    def behind_by_row(p):
        days = cadence.days_since(p.last_session, p.started_on, p.created_at, today, "UTC")
        return cadence.is_behind(p, days, p.next_session is not None)

    threshold, day = cadence.stalled_threshold(program, now, "UTC")

    def stalled_by_row(p):
        return cadence.is_stalled(
            p.status, p.last_session, p.started_on, p.created_at, threshold, day
        )

    behind = {pk for pk, p in rows.items() if behind_by_row(p)}
    stalled = {pk for pk, p in rows.items() if stalled_by_row(p)}
    assert behind and stalled and behind != stalled  # the data tells the two apart
    got_behind = {p.pk for p in pair_list.pairs_for_admin(program, now, attention="behind")}
    got_stalled = {p.pk for p in pair_list.pairs_for_admin(program, now, attention="stalled")}
    assert got_behind == behind and got_stalled == stalled
    client.force_login(world.admin)
    page = client.get(url(world, attention="stalled")).content.decode()
    assert {p.pk for p in pairs if f'id="pair-{p.pk}"' in page} == stalled


def test_a_fixed_number_of_queries_and_pages_of_25(client, world):
    client.force_login(world.admin)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(world)).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(29):
        pair = make_pair(make_participant(world.program, role="mentor"),
                         make_participant(world.program))  # fmt: skip
        make_session(pair)
        make_action(pair)
    assert queries() == few
    page = client.get(url(world)).content.decode()
    assert page.count('class="card pair-row"') == 25 and "Page 1 of 2" in page
    assert client.get(url(world, page=2)).content.decode().count('class="card pair-row"') == 5


def test_htmx_gets_only_the_results(client, world):
    client.force_login(world.admin)
    response = client.get(url(world, q="theo"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="pair-results">') and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_pause_resume_and_end_from_the_list_come_back_to_it(client, world):
    client.force_login(world.admin)
    back = url(world, status="active")
    status = reverse("pairs:status", args=[world.pair.pk])
    response = client.post(status, {"action": "pause", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    world.pair.refresh_from_db()
    assert world.pair.status == "paused"
    client.post(status, {"action": "end", "next": back})  # no reason: refused
    world.pair.refresh_from_db()
    assert world.pair.status == "paused"
    client.post(
        status, {"action": "end", "reason": "Theo moved on", "next": "https://evil.example/"}
    )
    world.pair.refresh_from_db()
    assert world.pair.status == "ended" and world.pair.end_reason == "Theo moved on"


def test_person_pages_show_their_pairs_to_admins_not_to_partners(client, world):
    person = reverse("programs:person", args=[world.program.slug, world.mentee.pk])
    client.force_login(world.admin)
    page = client.get(person).content.decode()
    assert "With Maya Mentor" in page and world.pair.get_absolute_url() in page
    client.force_login(world.mentor.user)
    assert "With Maya Mentor" not in client.get(person).content.decode()
