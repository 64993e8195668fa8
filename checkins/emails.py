"""The check-in and way-out emails, rendered at send time from the ids in each row.

Every one is on a list the person can leave (preferences page): check-in invitations on
"checkins", the idle, closing and re-match notices on "pair_notices". Dates are on the
recipient's own calendar (mentorship.timezones).
"""

import datetime

from django.urls import reverse
from django.utils.dateparse import parse_datetime

from checkins import checkin_links, idle, schedule, way_out
from checkins.answers import closed_reason
from checkins.forms import SCORE_CHOICES
from checkins.models import CheckIn, PairTrack
from mentorship.timezones import local_date
from notifications import links, outbox
from notifications.emails import absolute_url
from pairs.models import Pair


def _pair(pk):
    return (
        Pair.objects.select_related("program", "mentor__user", "mentee__user").filter(pk=pk).first()
    )


def render_invite(row):
    user = row.user
    checkin = (
        CheckIn.objects.select_related("pair__program", "pair__mentor__user", "pair__mentee__user")
        .filter(pair_id=row.context.get("pair"), user=user, round=row.context.get("round"))
        .first()
    )
    if checkin is None:
        return "The check-in no longer exists."
    if checkin.answered_at is not None:
        return "Already answered."
    if closed_reason(checkin):
        return "The pair has ended; this check-in is closed."
    if outbox.opted_out(user, "checkins"):
        return "The recipient turned check-ins off."
    pair = checkin.pair
    partner = pair.partner_of(user)
    return outbox.list_email(
        schedule.INVITE_KIND,
        user,
        "checkins",
        {
            "user": user,
            "checkin": checkin,
            "final": checkin.kind == CheckIn.Kind.FINAL,
            "program": pair.program,
            "partner_name": partner.user.name if partner else "",
            "scores": [
                # The form's labels, worded in the recipient's language (the outbox's).
                (n, str(label), checkin_links.answer_url(user, checkin, n))
                for n, label in SCORE_CHOICES
            ],
            "answer_url": checkin_links.answer_url(user, checkin),
            "pair_url": absolute_url(pair.get_absolute_url()),
        },
    )


def render_reengage(row):
    user = row.user
    pair = _pair(row.context.get("pair"))
    if pair is None:
        return "The pair no longer exists."
    if pair.status != Pair.Status.ACTIVE:
        return f"The pair is {pair.status}."
    track = PairTrack.objects.filter(pair=pair).first()
    if track is None or track.idle_warned_at is None:
        return "The pair is active again."
    if outbox.opted_out(user, "pair_notices"):
        return "The recipient turned pair notices off."
    close_at = parse_datetime(row.context.get("close_at", "")) or (
        track.idle_warned_at + idle.period(pair.program)
    )
    partner = pair.partner_of(user)
    return outbox.list_email(
        idle.REENGAGE_KIND,
        user,
        "pair_notices",
        {
            "user": user,
            "program": pair.program,
            "partner_name": partner.user.name if partner else "",
            "days": pair.program.idle_days_effective,
            # The day the pair would close, on the recipient's calendar.
            "close_on": local_date(close_at, user),
            "still_going_url": links.make_url(checkin_links.STILL_GOING, user, pair.pk),
            "pair_url": absolute_url(pair.get_absolute_url()),
            "log_url": absolute_url(reverse("sessions:log", args=[pair.pk])),
        },
    )


def render_closed(row):
    user = row.user
    pair = _pair(row.context.get("pair"))
    if pair is None:
        return "The pair no longer exists."
    if pair.status != Pair.Status.ENDED:
        return "The pair was not closed after all."
    if outbox.opted_out(user, "pair_notices"):
        return "The recipient turned pair notices off."
    admin = row.kind == idle.CLOSED_ADMIN_KIND
    partner = pair.partner_of(user)
    return outbox.list_email(
        row.kind,
        user,
        "pair_notices",
        {
            "user": user,
            "pair": pair,
            "program": pair.program,
            "partner_name": partner.user.name if partner else "",
            "days": 2 * pair.program.idle_days_effective,
            "ended_on": pair.ended_on or datetime.date.today(),
            "find_url": absolute_url(reverse("pairs:suggestions", args=[pair.program.slug])),
            "pairs_url": absolute_url(reverse("health:pairs", args=[pair.program.slug]))
            if admin
            else "",
        },
    )


def render_partner(row):
    """The kind message to the partner of someone who asked to be re-matched."""
    user = row.user
    pair = _pair(row.context.get("pair"))
    if pair is None:
        return "The pair no longer exists."
    if pair.status != Pair.Status.ENDED:
        return "The pair did not end after all."
    if outbox.opted_out(user, "pair_notices"):
        return "The recipient turned pair notices off."
    partner = pair.partner_of(user)
    return outbox.list_email(
        way_out.PARTNER_KIND,
        user,
        "pair_notices",
        {
            "user": user,
            "program": pair.program,
            "partner_name": partner.user.name if partner else "",
            "find_url": absolute_url(reverse("pairs:suggestions", args=[pair.program.slug])),
        },
    )
