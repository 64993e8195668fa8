"""A task run by a real Celery worker on Redis changes the database."""

import pytest
from celery.result import EagerResult

from mentorship.models import WorkerHeartbeat


@pytest.mark.django_db(transaction=True)
def test_heartbeat_task_runs_on_a_real_worker(redis_required, celery_app, celery_worker, settings):
    # Every task is registered by the celery_includes fixture, not by whichever test
    # happened to import its module earlier: this module imports none of them.
    names = {name for name in celery_app.tasks if not name.startswith("celery.")}
    assert names == {
        "notifications.deliver_email",
        "notifications.deliver_pending_email",
        "notifications.deliver_webhook",
        "notifications.deliver_pending_webhooks",
        "mentorship.heartbeat",
        "pairs.run_matching",
        "pairs.expire_requests",
        "sessions.send_due_reminders",
        "sessions.send_weekly_nudges",
        "insights.send_weekly_digests",
        "insights.post_weekly_summaries",
        "checkins.send_due_checkins",
        "insights.fold_health_rollups",
        "checkins.arm_missing",
    }
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= names
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
