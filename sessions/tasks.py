from celery import shared_task

from mentorship.models import User
from sessions import side_invites
from sessions.models import Session


@shared_task(name="sessions.invite_to_add_side")
def invite_to_add_side(session_id, user_id):
    """Email the partner that a session was logged and their side is welcome."""
    session = (
        Session.objects.select_related("pair__mentor__user", "pair__mentee__user")
        .filter(pk=session_id)
        .first()
    )
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if session is None or user is None:
        return None
    row = side_invites.send_invite(session, user)
    return row.status if row else None


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
