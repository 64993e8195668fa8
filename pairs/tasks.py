"""Matching and request expiry in the background: thin wrappers around pairs' services."""

from celery import shared_task

from pairs import pairing, partner_requests
from pairs.models import MatchRun


@shared_task(name="pairs.run_matching")
def run_matching(run_id):
    run = MatchRun.objects.select_related("program").filter(pk=run_id).first()
    if run is None or run.status not in (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING):
        return None
    pairing.run_matching(run)
    return run_id


@shared_task(name="pairs.expire_requests")
def expire_requests():
    return partner_requests.expire_due()
