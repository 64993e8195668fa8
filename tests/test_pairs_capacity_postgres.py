"""Two admins accepting at once cannot overbook a mentor (PostgreSQL, two connections)."""

import pytest
from django.db import connection

from pairs import pairing
from pairs.models import MatchRun, Pair, Suggestion
from tests.factories import make_participant, make_program, make_user
from tests.services import race, require_postgres

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_accepts_cannot_overbook_a_mentor(attempt):
    require_postgres()
    admin = make_user()
    program = make_program(admins=[admin])
    mentor = make_participant(program, role="mentor", teaches=["SQL"], capacity=1)
    mentees = [make_participant(program, role="mentee", learns=["SQL"]) for _ in range(2)]
    run = MatchRun.objects.create(program=program, status="done")
    suggestions = [
        Suggestion.objects.create(run=run, mentor=mentor, mentee=m, score=1.0) for m in mentees
    ]
    # Hold the lock long enough that both transactions overlap for sure.
    original = pairing.check_can_pair

    def slow_check(a, b):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.3)")
        return original(a, b)

    pairing.check_can_pair = slow_check
    try:
        results = race([lambda s=s: pairing.accept_suggestion(s, admin) for s in suggestions])
    finally:
        pairing.check_can_pair = original
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, pairing.PairingError) and "no capacity left" in str(error)
    assert Pair.objects.filter(mentor=mentor, status__in=Pair.OCCUPYING).count() == 1
    assert sorted(Suggestion.objects.values_list("status", flat=True)) == ["accepted", "draft"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_request_accepts_for_one_mentee_make_one_pair():
    require_postgres()
    from pairs import partner_requests as requests

    program = make_program()
    mentee = make_participant(program, role="mentee", learns=["SQL"])
    mentors = [make_participant(program, role="mentor", teaches=["SQL"]) for _ in range(2)]
    asks = [requests.create_request(m, mentee) for m in mentors]
    # The mentee asked by two mentors: two accept clicks at once (two tabs).
    results = race([lambda r=r: requests.respond(r, mentee.user, True) for r in asks])
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    assert Pair.objects.filter(mentee=mentee).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_manual_pairs_cannot_overbook_a_mentor():
    require_postgres()
    program = make_program()
    mentor = make_participant(program, role="mentor", capacity=2)
    mentees = [make_participant(program, role="mentee") for _ in range(4)]
    results = race([lambda m=m: pairing.create_pair(mentor, m) for m in mentees])
    assert sorted(kind for kind, _ in results) == ["error", "error", "ok", "ok"], results
    assert Pair.objects.filter(mentor=mentor, status__in=Pair.OCCUPYING).count() == 2
