"""The dashboard and the pair page keep a fixed number of queries whatever the number of
check-ins (the panels checkins adds through sessions.panels)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkins.models import CheckIn, PairTrack
from tests.checkins_helpers import at, start_pair
from tests.factories import make_pair, make_participant

pytestmark = pytest.mark.django_db
NOW = at(2026, 12, 20, 12)


def checkins(pair, first_round, rounds):
    """`rounds` rounds for both people: answered and shared by the mentee, open for both
    in the last one."""
    for n in range(first_round, first_round + rounds):
        due = NOW - datetime.timedelta(days=first_round + rounds - n)
        last = n == first_round + rounds - 1
        for user in (pair.mentor.user, pair.mentee.user):
            CheckIn.objects.create(
                pair=pair, user=user, round=n, due_at=due,
                answered_at=None if last else due, score=None if last else 4,
                learned="l", shared=user == pair.mentee.user,
            )  # fmt: skip


def count(client, user, url):
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["dashboard", "pair"])
def test_fixed_queries_whatever_the_number_of_check_ins(client, world, page):
    second = make_pair(world.mentor, make_participant(world.program, role="mentee"))
    start_pair(world.pair)
    PairTrack.objects.filter(pair=world.pair).update(idle_warned_at=at(2026, 12, 15))
    checkins(world.pair, 1, 2)
    url = reverse("home") if page == "dashboard" else world.pair.get_absolute_url()
    small = count(client, world.mentor.user, url)
    checkins(world.pair, 3, 40)
    checkins(second, 1, 40)
    PairTrack.objects.filter(pair=second).update(idle_warned_at=at(2026, 12, 15))
    assert CheckIn.objects.count() > 160
    assert count(client, world.mentor.user, url) == small


def test_no_panel_queries_for_an_admin_on_the_pair_page(client, world):
    checkins(world.pair, 1, 3)
    client.force_login(world.admin)
    html = client.get(world.pair.get_absolute_url()).content.decode()
    assert 'id="checkins-title"' not in html
