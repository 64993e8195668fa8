"""The matching task on a real Celery worker updates the run's progress and stage."""

import time

import pytest

from pairs import pairing
from pairs.models import MatchRun
from pairs.tasks import run_matching
from tests.factories import make_participant, make_program, make_user


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_run_matching_on_a_real_worker(redis_required, celery_app, celery_worker):
    admin = make_user()
    program = make_program(admins=[admin])
    for i in range(6):
        make_participant(program, role="mentor", teaches=["SQL", f"s{i}"], capacity=2)
    for i in range(10):
        make_participant(program, role="mentee", learns=["SQL", f"s{i % 6}"])
    run = pairing.start_run(program, admin)
    assert run.status == "queued" and run.progress == 0
    run_matching.delay(run.pk).get(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == "done":
            break
        time.sleep(0.1)
    assert run.status == MatchRun.Status.DONE and run.progress == 100 and run.stage == "Done"
    assert run.suggestions.count() == 10
    assert run.summary["matched"] == 10 and run.summary["certified_optimal"]


@pytest.mark.django_db
def test_run_matching_skips_finished_runs():
    program = make_program()
    run = MatchRun.objects.create(program=program, status="done")
    assert run_matching.delay(run.pk).get() is None


@pytest.mark.django_db
def test_a_failing_run_is_marked_failed(monkeypatch):
    program = make_program()
    run = pairing.start_run(program, None)

    def boom(*args, **kwargs):
        raise ValueError("solver exploded")

    monkeypatch.setattr(pairing, "_run", boom)
    with pytest.raises(ValueError):
        pairing.run_matching(run)
    run.refresh_from_db()
    assert run.status == "failed" and "solver exploded" in run.error


@pytest.mark.django_db
def test_peer_program_pairs_from_one_pool():
    program = make_program(kind="peer")
    people = [
        make_participant(program, role="both", teaches=[f"s{i}"], learns=[f"s{(i + 1) % 6}"])
        for i in range(6)
    ]
    run = pairing.run_matching(pairing.start_run(program, None))
    pairs = list(run.suggestions.all())
    assert len(pairs) == 3
    used = [p.mentor_id for p in pairs] + [p.mentee_id for p in pairs]
    assert sorted(used) == sorted(p.pk for p in people)
    # A small pool is paired exactly: proven, so no bound to show.
    assert run.summary["certified_optimal"] and run.summary["upper_bound"] is None


@pytest.mark.django_db
def test_progress_and_stage_move_forward_while_running(monkeypatch):
    program = make_program()
    for i in range(3):
        make_participant(program, role="mentor", teaches=["SQL"], capacity=1)
        make_participant(program, role="mentee", learns=["SQL", f"x{i}"])
    run = pairing.start_run(program, None)
    seen = []
    original = pairing._progress

    def record(run_, progress, stage):
        original(run_, progress, stage)
        row = MatchRun.objects.get(pk=run_.pk)
        seen.append((row.progress, row.stage))

    monkeypatch.setattr(pairing, "_progress", record)
    pairing.run_matching(run)
    stages = [stage for _p, stage in seen]
    assert [p for p, _s in seen] == sorted(p for p, _s in seen)
    assert {"Scoring pairs", "Finding the best pairs", "Saving suggestions"} <= set(stages)
