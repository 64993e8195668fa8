"""A task run by a real Celery worker on Redis changes the database."""

import pytest
from celery.result import EagerResult

import mentorship.tasks  # noqa: F401  (registers the shared task with every Celery app)
from mentorship.models import WorkerHeartbeat


@pytest.mark.django_db(transaction=True)
def test_heartbeat_task_runs_on_a_real_worker(redis_required, celery_app, celery_worker):
    # The test app's copy of the task: the project app runs tasks in process when no
    # broker is configured, which would pass without any worker at all.
    task = celery_app.tasks["mentorship.heartbeat"]
    assert not celery_app.conf.task_always_eager
    result = task.delay("ci-worker")
    assert not isinstance(result, EagerResult)  # it went through Redis
    assert result.get(timeout=20)  # and the worker answered
    row = WorkerHeartbeat.objects.get(name="ci-worker")
    assert row.count == 1
    task.delay("ci-worker").get(timeout=20)
    row.refresh_from_db()
    assert row.count == 2
