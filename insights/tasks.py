"""Background work for insights: thin wrappers around its services."""

from celery import shared_task

from insights import digests, rollups, summaries
from notifications import outbox
from notifications.tasks import moment


@shared_task(name="insights.send_weekly_digests")
def send_weekly_digests(now=None):
    when = moment(now)
    return {"digests": digests.claim_due(when), "delivery": outbox.deliver_due(when)}


@shared_task(name="insights.post_weekly_summaries")
def post_weekly_summaries(now=None):
    return {"summaries": summaries.post_weekly(moment(now))}


@shared_task(name="insights.fold_health_rollups")
def fold_health_rollups():
    """Fold program health's recorded changes into its day rows (PostgreSQL)."""
    return {"days": rollups.fold() if rollups.enabled() else 0}
