"""Background work for program health: thin wrappers around sessions.health."""

from celery import shared_task

from sessions import health


@shared_task(name="sessions.send_stalled_nudge")
def send_stalled_nudge(sent_id):
    return health.deliver_nudge(sent_id)
