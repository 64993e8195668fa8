from celery import shared_task


@shared_task(name="pairs.run_matching")
def run_matching(run_id):
    from pairs import pairing
    from pairs.models import MatchRun

    run = MatchRun.objects.select_related("program").filter(pk=run_id).first()
    if run is None or run.status not in (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING):
        return None
    pairing.run_matching(run)
    return run_id


@shared_task(name="pairs.send_pair_intro")
def send_pair_intro(pair_id):
    from pairs import intro

    return intro.send(pair_id)


@shared_task(name="pairs.expire_requests")
def expire_requests():
    from pairs import requests

    return requests.expire_due()
