"""Every list and detail page runs as many queries with a larger history as with a small one.

The pages are every URL pattern of the root URLconf (tests/test_authz_matrix.py walks
them) that a program admin or a pair member may GET, outside Django's admin. Each is
requested once to warm up, counted, then counted again after the program has grown:
more pairs, sessions with both sides, actions of every status, participants, a match
run's suggestions, invites and pair requests. A page whose count grows with the data
fails, named with both counts.
"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api_helpers import api_client, token_for
from tests.factories import World, make_pair, make_participant, make_session, make_user
from tests.health_data import NOW, populate
from tests.test_authz_matrix import (
    ALL,
    _row_for,
    client_for,
    concrete_url,
    persona_user,
    sample,
)

pytestmark = pytest.mark.django_db
WHO = ("program_admin", "participant", "other_participant", "stranger")


@pytest.fixture
def world(db):
    """The whole test a day after the history's fixed dates: on the real date the grown
    pairs would go stalled as the calendar moves on, and a health page with stalled pairs
    asks one more (flat) question than one without."""
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=True):
        yield World()


def pages(world):
    """(key, url, persona): each GET page as the admin and as the mentee (whose history
    grows) when they may see it, else as the first persona it answers 200 to."""
    out = []
    for pattern in ALL:
        if pattern.key.startswith("admin:"):
            continue
        row = _row_for(pattern, world)
        if not row.get:
            continue
        allowed = [p for p in WHO if row.get.get(p) == 200]
        who = [p for p in allowed if p in WHO[:2]] or allowed[:1]
        url = concrete_url(pattern, row, world) if who else None
        # The REST API's rows are asked with the persona's token, as the matrix does.
        out += [(f"{pattern.key} as {persona}", url, (persona, row.api)) for persona in who]
    return out


def client_of(world, persona, api):
    if api:
        return api_client(token_for(persona_user(world, persona), "read", "flat"))
    return client_for(world, persona)


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def grow(world):
    """A program ten times as busy around the same personas."""
    from mentorship.models import Invite
    from pairs.models import PairRequest, Suggestion

    populate(world, pairs=10, sessions_per_pair=6, actions_per_pair=6)
    # The mentee in a second pair, with its own history and a session to come.
    second = make_pair(make_participant(world.program, make_user(), role="mentor"), world.mentee)
    populate_pair = populate.__globals__["logged_session"]
    now = timezone.now()
    for i in range(5):
        populate_pair(second, now - datetime.timedelta(days=4 + 9 * i))
    make_session(second, when=now + datetime.timedelta(days=3), status="scheduled")
    make_session(world.pair, when=now + datetime.timedelta(days=5), status="scheduled")
    run = sample(world, "match_run")
    people = [make_participant(world.program, make_user(), role="mentor") for _ in range(6)]
    Suggestion.objects.bulk_create(
        Suggestion(run=run, mentor=m, mentee=world.other, score=0.5) for m in people
    )
    for i in range(6):
        Invite.objects.create(program=world.program, email=f"more{i}@example.com")
        PairRequest.objects.create(
            program=world.program,
            requester=people[i],
            recipient=world.mentee,
            expires_at=now + datetime.timedelta(days=7),
        )


def test_every_page_counts_the_same_queries_whatever_the_history(world, settings):
    settings.HEALTH_CACHE_SECONDS = 0  # count the figures' queries, not a cache hit
    visits = pages(world)
    assert len(visits) >= 25, [key for key, _, _ in visits]  # the walk found the pages
    clients = {}
    small = {}
    for key, url, persona in visits:
        if persona not in clients:
            clients[persona] = client_of(world, *persona)
        client = clients[persona]
        count(client, url)  # first visit: one-off work (a calendar feed's token, …)
        small[key] = count(client, url)
    grow(world)
    grown = {key: count(clients[persona], url) for key, url, persona in visits}
    changed = {key: (small[key], grown[key]) for key in small if small[key] != grown[key]}
    assert not changed, f"queries grew with the history (small, larger): {changed}"
