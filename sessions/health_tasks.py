"""Background work for program health: thin wrappers around sessions.health."""

from celery import shared_task

from sessions import delivery


@shared_task(name="sessions.send_stalled_nudge")
def send_stalled_nudge(sent_id):
    # Nudges now go through the delivery outbox (sessions.tasks.deliver_email); this
    # name stays for messages queued before the change.
    return delivery.deliver_rows([sent_id])
