from celery import shared_task


# Reminders, nudges, digests and their delivery (sessions.delivery). Thin: each parses
# its arguments and calls a service. `now` (ISO 8601) lets a caller run a round as of
# a given moment; beat leaves it out.
def _moment(now):
    from django.utils.dateparse import parse_datetime

    return parse_datetime(now) if now else None


@shared_task(name="sessions.send_due_reminders")
def send_due_reminders(now=None):
    from sessions import delivery, reminders

    moment = _moment(now)
    return {"recorded": reminders.claim_due(moment), "delivery": delivery.deliver_due(moment)}


@shared_task(name="sessions.send_weekly_nudges")
def send_weekly_nudges(now=None):
    from sessions import delivery, digests, nudges

    moment = _moment(now)
    return {
        "nudges": nudges.claim_due(moment),
        "digests": digests.claim_due(moment),
        "delivery": delivery.deliver_due(moment),
    }


@shared_task(name="sessions.deliver_pending_email")
def deliver_pending_email(now=None):
    from sessions import delivery

    return delivery.deliver_due(_moment(now))


@shared_task(name="sessions.deliver_email")
def deliver_email(row_id):
    """Send one recorded email now; if this never runs, the periodic sweep sends it."""
    from sessions import delivery

    return delivery.deliver_rows([row_id])
