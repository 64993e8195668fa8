"""Reminders and weekly nudges: thin tasks that claim what is due, then deliver it.

`now` (ISO 8601) lets a caller run a round as of a given moment; beat leaves it out.
"""

from celery import shared_task

from notifications import outbox
from notifications.tasks import moment
from sessions import agenda_nudge, nudges, reminders


@shared_task(name="sessions.send_due_reminders")
def send_due_reminders(now=None):
    when = moment(now)
    return {"recorded": reminders.claim_due(when), "delivery": outbox.deliver_due(when)}


@shared_task(name="sessions.send_weekly_nudges")
def send_weekly_nudges(now=None):
    when = moment(now)
    return {
        "nudges": nudges.claim_due(when),
        "agenda_nudges": agenda_nudge.claim_due(when),
        "delivery": outbox.deliver_due(when),
    }
