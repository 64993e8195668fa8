"""Inviting the partner to add their side once one member has logged a session.

The request only queues the invitation (a pending SentEmail row); notifications.outbox
renders and sends it, with its retries and backoff. A broker outage therefore delays
the email until the next delivery sweep instead of losing it.
"""

from django.urls import reverse

from notifications import outbox
from notifications.emails import absolute_url
from notifications.registry import Rendered
from sessions.models import Session, SessionSide

KIND = "add_your_side"


def key_for(session, user):
    return f"{session.pk}:{user.pk}"


def _not_wanted(session, user):
    """Why this person should not (or no longer) be invited, or None."""
    role = session.pair.role_of(user)
    if role is None:
        return "The recipient is not in this pair."
    if session.status != Session.Status.LOGGED:
        return "The session is not logged."
    if SessionSide.objects.filter(session=session, side=role).exists():
        return "The recipient already added their side."
    return None


def queue_invite(session, user):
    """Record the invitation once per (session, person); True if it was new."""
    if _not_wanted(session, user):
        return False
    return bool(outbox.queue(KIND, key_for(session, user), user, {"session": session.pk}))


def render(row):
    session = (
        Session.objects.select_related("pair__mentor__user", "pair__mentee__user")
        .filter(pk=row.context.get("session"))
        .first()
    )
    if session is None:
        return "The session was deleted."
    reason = _not_wanted(session, row.user)
    if reason:
        return reason
    partner = session.pair.partner_of(row.user).user
    return Rendered(
        template=KIND,
        context={
            "user": row.user,
            "partner_name": partner.name,
            "session": session,
            "url": absolute_url(reverse("sessions:side", args=[session.pk])),
        },
        unsubscribe_url=None,
    )
