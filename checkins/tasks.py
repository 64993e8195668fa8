"""Check-ins and idle pairs: thin tasks that claim what is due, then deliver it.

`now` (ISO 8601) lets a caller run a round as of a given moment; beat leaves it out.
"""

from celery import shared_task

from checkins import idle, schedule
from notifications import outbox
from notifications.tasks import moment


@shared_task(name="checkins.send_due_checkins")
def send_due_checkins(now=None):
    when = moment(now)
    return {
        "checkins": schedule.claim_due(when),
        "idle": idle.claim_idle(when),
        "delivery": outbox.deliver_due(when),
    }


@shared_task(name="checkins.arm_missing")
def arm_missing(now=None):
    return {"armed": schedule.arm_missing(moment(now))}
