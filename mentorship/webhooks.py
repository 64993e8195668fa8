"""Program webhooks: the events, and emit(), which the apps that make the events call.

An event becomes one WebhookDelivery per active endpoint of the program subscribed to it
(notifications/webhooks.py delivers, signs, retries). Payloads carry ids, dates,
statuses and counts only, never what people wrote: build them with the helpers here.
"""

from django.utils.translation import gettext_lazy as _

from mentorship.models import WebhookEndpoint
from notifications import webhooks
from notifications.registry import Destination

PAIR_PROPOSED = "pair.proposed"
PAIR_ACTIVATED = "pair.activated"
PAIR_ENDED = "pair.ended"
SESSION_LOGGED = "session.logged"
ACTION_DONE = "action.done"
# Someone asked an admin for help or to be re-matched (checkins.answers.ask_for_help).
CHECKIN_NEEDS_ATTENTION = "checkin.needs_attention"
WEEKLY_SUMMARY = "program.weekly_summary"

EVENTS = {
    PAIR_PROPOSED: _("A pair is proposed"),
    PAIR_ACTIVATED: _("A pair starts"),
    PAIR_ENDED: _("A pair ends (completed, ended early or declined)"),
    SESSION_LOGGED: _("A session is logged (date and status only)"),
    ACTION_DONE: _("A next action is done"),
    CHECKIN_NEEDS_ATTENTION: _("A check-in needs attention"),
    WEEKLY_SUMMARY: _("Weekly summary (counts only)"),
}


def _day(value):
    return value.isoformat() if value else None


def emit(program_id, event, key, data):
    """Record `event` for every active endpoint of the program that wants it, once per
    (endpoint, event, key); delivered after the transaction commits. Returns the ids.

    `data` may be a function returning it: it is called only if an endpoint wants the
    event (one query when none does)."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    wanted = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(program_id=program_id, active=True)
        if event in endpoint.events
    ]
    if not wanted:
        return []
    if callable(data):
        data = data()
    ids = []
    for endpoint in wanted:
        row_id = webhooks.queue(event, key, endpoint.target, data)
        if row_id:
            ids.append(row_id)
    return ids


def pair_data(pair):
    return {
        "pair": {
            "id": pair.pk,
            "program": pair.program.slug,
            "status": pair.status,
            "mentor": pair.mentor_id,
            "mentee": pair.mentee_id,
            "started_on": _day(pair.started_on),
            "ended_on": _day(pair.ended_on),
        }
    }


def emit_pair(pair, event):
    """pair.proposed / activated / ended, once per pair and status."""
    return emit(pair.program_id, event, f"pair:{pair.pk}:{pair.status}", lambda: pair_data(pair))


def emit_session_logged(session, pair):
    return emit(
        pair.program_id, SESSION_LOGGED, f"session:{session.pk}", lambda: _session(session, pair)
    )


def _session(session, pair):
    return {
        "session": {
            "id": session.pk,
            "pair": pair.pk,
            "status": session.status,
            "occurred_at": session.occurred_at.isoformat(),
            "duration_minutes": session.duration_minutes,
        },
        "program": pair.program.slug,
    }


def emit_action_done(action, pair):
    key = f"action:{action.pk}:{action.version}"
    return emit(pair.program_id, ACTION_DONE, key, lambda: _action(action, pair))


def _action(action, pair):
    return {
        "action": {
            "id": action.pk,
            "pair": pair.pk,
            "owner": action.owner,
            "status": action.status,
            "due_on": _day(action.due_on),
            "done_at": action.done_at.isoformat() if action.done_at else None,
        },
        "program": pair.program.slug,
    }


def emit_checkin_needs_attention(program_id, checkin_id, pair_id, status, **fields):
    """A help or re-match request (checkin_id: the request's id; status: its kind): ids,
    dates and statuses in `fields` only."""
    data = {"checkin": {"id": checkin_id, "pair": pair_id, "status": status, **fields}}
    return emit(program_id, CHECKIN_NEEDS_ATTENTION, f"checkin:{checkin_id}:{status}", data)


def resolve_endpoint(row, endpoint_id):
    """Where an "endpoint:<id>" delivery goes, read at send time."""
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        return "The endpoint was removed."
    if not endpoint.active:
        return "The endpoint is turned off."
    return Destination(url=endpoint.url, format=endpoint.format, secret=endpoint.secret)
