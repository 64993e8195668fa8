"""Each program's weekly summary for its channel (mentorship.webhooks.WEEKLY_SUMMARY):
counts only, recorded once per program and ISO week (the first round of the week posts it)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import webhooks
from mentorship.models import Participant, Program, WebhookEndpoint
from pairs.models import Pair
from sessions.models import NextAction, Session


def counts(program, now):
    """The week's figures: people, pairs, sessions and actions (the 7 days before `now`)."""
    since = now - datetime.timedelta(days=7)
    today = now.date()  # UTC: a program has no zone of its own (mentorship/timezones.py)
    pairs = Pair.objects.filter(program=program)
    actions = NextAction.objects.filter(pair__program=program)
    return {
        "active_participants": program.participants.filter(
            status=Participant.Status.ACTIVE
        ).count(),
        "live_pairs": pairs.filter(status__in=Pair.LIVE).count(),
        "pairs_started": pairs.filter(started_on__gte=since.date()).count(),
        "sessions_logged": Session.objects.filter(
            pair__program=program, status=Session.Status.LOGGED, occurred_at__gte=since
        ).count(),
        "actions_done": actions.filter(status=NextAction.Status.DONE, done_at__gte=since).count(),
        "actions_overdue": actions.overdue(today).count(),
    }


def text_for(program, week, figures):
    return _(
        "%(program)s, week %(week)s: %(pairs)s live pairs (%(started)s new), %(sessions)s "
        "sessions logged, %(done)s actions done, %(overdue)s overdue."
    ) % {
        "program": program.name,
        "week": week,
        "pairs": figures["live_pairs"],
        "started": figures["pairs_started"],
        "sessions": figures["sessions_logged"],
        "done": figures["actions_done"],
        "overdue": figures["actions_overdue"],
    }


def post_weekly(now=None):
    """Record this week's summary for every program with an endpoint that wants it;
    returns how many deliveries were recorded (0 on a second round in the same week)."""
    now = now or timezone.now()
    year, week, _day = now.isocalendar()
    label = f"{year}-W{week:02d}"
    wanted = (
        WebhookEndpoint.objects.filter(active=True)
        .values_list("program_id", "events")
        .order_by("program_id")
    )
    program_ids = {pid for pid, events in wanted if webhooks.WEEKLY_SUMMARY in events}
    recorded = 0
    for program in Program.objects.filter(pk__in=program_ids):

        def data(program=program):
            figures = counts(program, now)
            return {
                "program": program.slug,
                "week": label,
                "counts": figures,
                "title": _("Weekly summary: %(program)s") % {"program": program.name},
                "text": text_for(program, label, figures),
            }

        recorded += len(
            webhooks.emit(program.pk, webhooks.WEEKLY_SUMMARY, f"{program.pk}:{label}", data)
        )
    return recorded
