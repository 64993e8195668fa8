"""make run's server also runs the periodic tasks in process when there is no broker."""

import contextlib
import threading

import pytest
from django.db import OperationalError

from mentorship.management.commands.devserver import run_beat_forever
from mentorship.models import WorkerHeartbeat


@pytest.mark.django_db(transaction=True)
def test_in_process_beat_runs_the_schedule(settings):
    settings.CELERY_BEAT_SCHEDULE = {"hb": {"task": "mentorship.heartbeat", "schedule": 3600}}
    stop = threading.Event()
    thread = threading.Thread(target=run_beat_forever, args=(stop,), kwargs={"tick": 0.05})
    thread.start()
    try:
        for _ in range(100):
            # Shared-cache in-memory SQLite refuses a read while the beat thread writes
            # ("table is locked") instead of waiting: look again at the next poll.
            with contextlib.suppress(OperationalError):
                if WorkerHeartbeat.objects.exists():
                    break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(5)
    # Ran once at start, and not again within the hour.
    assert WorkerHeartbeat.objects.get().count == 1
