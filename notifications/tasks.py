"""Email delivery tasks: thin wrappers around notifications.outbox."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from notifications import outbox, webhooks


def moment(now):
    """A task's optional `now` (ISO 8601), so a caller can run a round as of a moment."""
    return parse_datetime(now) if now else None


@shared_task(name="notifications.deliver_email")
def deliver_email(row_id):
    """Send one queued email now; if this never runs, the periodic sweep sends it."""
    return outbox.deliver_rows([row_id])


@shared_task(name="notifications.deliver_pending_email")
def deliver_pending_email(now=None):
    return outbox.deliver_due(moment(now))


@shared_task(name="notifications.deliver_webhook")
def deliver_webhook(row_id):
    """POST one queued webhook now; if this never runs, the periodic sweep sends it."""
    return webhooks.deliver_rows([row_id])


@shared_task(name="notifications.deliver_pending_webhooks")
def deliver_pending_webhooks(now=None):
    return webhooks.deliver_due(moment(now))
