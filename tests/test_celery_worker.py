"""A task run by a real Celery worker on Redis changes the database."""

import time

import pytest

from mentorship.models import WorkerHeartbeat
from mentorship.tasks import heartbeat


@pytest.mark.django_db(transaction=True)
def test_heartbeat_task_runs_on_a_real_worker(redis_required, celery_app, celery_worker):
    result = heartbeat.delay("ci-worker")
    result.get(timeout=20)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not WorkerHeartbeat.objects.filter(name="ci-worker"):
        time.sleep(0.1)
    row = WorkerHeartbeat.objects.get(name="ci-worker")
    assert row.count == 1
    heartbeat.delay("ci-worker").get(timeout=20)
    row.refresh_from_db()
    assert row.count == 2
