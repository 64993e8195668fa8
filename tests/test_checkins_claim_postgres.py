"""Two sweeps at once (PostgreSQL, two connections): every due round opens once and every
invitation is recorded once; SKIP LOCKED keeps the sweeps off each other's pairs."""

import datetime
import threading

import pytest
import time_machine
from django.db import connections

from checkins import idle, schedule
from checkins.models import CheckIn, PairTrack
from notifications.models import SentEmail
from tests.factories import make_pair, make_participant, make_program
from tests.services import race, require_postgres

pytestmark = pytest.mark.postgres
UTC = datetime.UTC


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(2))
def test_concurrent_sweeps_open_each_round_once(attempt):
    require_postgres()
    program = make_program(idle_days=365)
    start = datetime.date(2026, 11, 2)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=UTC), tick=False):
        for _ in range(30):
            mentor = make_participant(program, role="mentor")
            mentee = make_participant(program, role="mentee")
            make_pair(mentor, mentee, started_on=start)
    assert PairTrack.objects.filter(next_checkin_at__isnull=False).count() == 30
    now = datetime.datetime(2026, 12, 2, 9, tzinfo=UTC)
    # Small batches so the two sweeps interleave over many claims.
    results = race([lambda: schedule.claim_due(now, limit=4) for _ in range(3)])
    assert all(kind == "ok" for kind, _ in results), results
    assert CheckIn.objects.count() == 60
    assert SentEmail.objects.filter(kind=schedule.INVITE_KIND).count() == 60
    assert set(PairTrack.objects.values_list("next_round", flat=True)) == {2}


@pytest.mark.django_db(transaction=True)
def test_the_claim_skips_rows_another_sweep_holds():
    require_postgres()
    from django.db import transaction

    program = make_program(idle_days=365)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=UTC), tick=False):
        pairs = [
            make_pair(make_participant(program, role="mentor"),
                      make_participant(program, role="mentee"),
                      started_on=datetime.date(2026, 11, 2))
            for _ in range(3)
        ]  # fmt: skip
    now = datetime.datetime(2026, 12, 2, 9, tzinfo=UTC)
    held, go = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic():
            list(PairTrack.objects.select_for_update().filter(pair=pairs[0]))
            held.set()
            go.wait(10)

    thread = threading.Thread(target=lambda: (holder(), connections.close_all()))
    thread.start()
    held.wait(10)
    try:
        with transaction.atomic():
            ids = list(schedule.claim_query(now))
            idle_ids = list(idle.claim_query(datetime.datetime(2027, 1, 1, tzinfo=UTC)))
    finally:
        go.set()
        thread.join(10)
    assert sorted(ids) == sorted(p.pk for p in pairs[1:])
    assert pairs[0].pk not in idle_ids
