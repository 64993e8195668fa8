"""iCalendar: each person's private feed and a single session's download."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from pairs.models import Pair
from sessions.models import CalendarFeed, NextAction, Session, new_token

FEED_PAST_DAYS = 90
FEED_LIMIT = 500
PRODID = "-//Mentorship//Sessions and next actions//EN"


def feed_for(user):
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def revoke(user):
    """A new secret: the old feed URL stops working at once."""
    feed = feed_for(user)
    feed.token = new_token()
    feed.save(update_fields=["token", "created_at"])
    return feed


def _calendar(name):
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _host():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "mentorship"


def _session_event(session, user):
    pair = session.pair
    partner = pair.partner_of(user)
    event = Event()
    event.add("uid", f"session-{session.pk}@{_host()}")
    event.add("dtstamp", session.updated_at or timezone.now())
    event.add("dtstart", session.occurred_at)
    event.add("dtend", session.occurred_at + datetime.timedelta(minutes=session.duration_minutes))
    name = partner.user.name if partner else str(pair)
    event.add("summary", _("Mentoring session with %(name)s") % {"name": name})
    event.add("url", settings.SITE_URL + pair.get_absolute_url())
    event.add("description", session.get_format_display())
    if session.status == Session.Status.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def _action_event(action):
    event = Event()
    event.add("uid", f"action-{action.pk}@{_host()}")
    event.add("dtstamp", action.updated_at or timezone.now())
    event.add("dtstart", action.due_on)
    event.add("dtend", action.due_on + datetime.timedelta(days=1))
    event.add("summary", _("Due: %(text)s") % {"text": action.text})
    event.add("url", settings.SITE_URL + Pair.url_for(action.pair_id))
    event.add("transp", "TRANSPARENT")
    return event


def user_feed(user, now=None):
    """Scheduled sessions and open action due dates of the person's live pairs (3 queries)."""
    now = now or timezone.now()
    pairs = {
        p.pk: p
        for p in Pair.objects.filter(
            Q(mentor__user=user) | Q(mentee__user=user), status__in=Pair.LIVE
        ).select_related("mentor__user", "mentee__user")
    }
    cal = _calendar(_("Mentorship"))
    sessions = Session.objects.filter(
        pair_id__in=pairs,
        status=Session.Status.SCHEDULED,
        occurred_at__gte=now - datetime.timedelta(days=FEED_PAST_DAYS),
    ).order_by("occurred_at")[:FEED_LIMIT]
    for session in sessions:
        session.pair = pairs[session.pair_id]
        cal.add_component(_session_event(session, user))
    actions = NextAction.objects.filter(pair_id__in=pairs, status=NextAction.Status.OPEN).order_by(
        "due_on"
    )[:FEED_LIMIT]
    for action in actions:
        if action.owned_by_role(pairs[action.pair_id].role_of(user)):
            cal.add_component(_action_event(action))
    return cal.to_ical()


def session_ics(session, user):
    cal = _calendar(_("Mentorship session"))
    cal.add("method", "PUBLISH")
    cal.add_component(_session_event(session, user))
    return cal.to_ical()
