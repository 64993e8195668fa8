"""Idle pairs: no session and no activity for the program's idle period (Program.idle_days,
else twice the cadence) earns both people a re-engagement email; as long again without
activity closes the pair, with a notice to both and to the program's admins, unless either
says "we're still going" (or does anything) first.

What is due lives in PairTrack.idle_check_at (partial index `idle_check_due`): the moment
to look at the pair again. claim_idle locks due tracks (SKIP LOCKED), reads each pair's
last activity and either moves the moment on, warns, or closes; the warning and the
notices are SentEmail rows with unique keys, so each goes out once.
"""

import datetime

from django.db import transaction
from django.db.models import BigIntegerField, Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from checkins.models import CheckIn, PairTrack
from checkins.schedule import save_tracks
from mentorship.prepared import Param, any_of, prepared
from notifications import outbox
from notifications.models import EmailPreference
from pairs import lifecycle
from pairs.models import Pair
from sessions import cadence
from sessions.models import NextAction, Session, SessionSide

REENGAGE_KIND = "idle_reengage"
CLOSED_KIND = "idle_closed"
CLOSED_ADMIN_KIND = "idle_closed_admin"


class IdleError(Exception):
    """A "still going" that cannot be recorded; the message is for the person."""


def _latest(queryset, pair_path, field, pair_ids):
    """{pair id: the latest `field`} of a model whose rows lead to a pair by `pair_path`."""
    return dict(
        queryset.filter(**{f"{pair_path}__in": pair_ids})
        .order_by()
        .values(pair_path)
        .annotate(last=Max(field))
        .values_list(pair_path, "last")
    )


def last_activity(pairs, now):
    """{pair id: its last activity up to `now`}: the last logged session (sessions.cadence),
    any change to its sessions, sides or actions, an answered check-in, a "still going",
    else its start. Five queries whatever the number of pairs."""
    ids = [p.pk for p in pairs]
    sources = [
        cadence.last_logged(ids, now),
        _latest(Session.objects.all(), "pair_id", "updated_at", ids),
        _latest(SessionSide.objects.all(), "session__pair_id", "updated_at", ids),
        _latest(NextAction.objects.all(), "pair_id", "updated_at", ids),
        _latest(CheckIn.objects.filter(answered_at__isnull=False), "pair_id", "updated_at", ids),
    ]
    result = {}
    for pair in pairs:
        start = pair.started_on or timezone.localdate(pair.created_at)
        moments = [datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC)]
        moments += [s[pair.pk] for s in sources if s.get(pair.pk)]
        track = getattr(pair, "track", None)
        if track is not None and track.still_going_at:
            moments.append(track.still_going_at)
        result[pair.pk] = min(max(moments), now)
    return result


def period(program):
    return datetime.timedelta(days=program.idle_days_effective)


def claim_query(now, limit=200):
    return (
        PairTrack.objects.select_for_update(skip_locked=True)
        .filter(idle_check_at__lte=now)
        .order_by("idle_check_at", "pair_id")
        .values_list("pair_id", flat=True)[:limit]
    )


def claim_idle(now=None, limit=200):
    """Look at every pair whose idle check is due; returns {"warned": n, "closed": n}."""
    now = now or timezone.now()
    counts = {"warned": 0, "closed": 0}
    while True:
        with transaction.atomic():
            ids = list(claim_query(now, limit))
            if not ids:
                return counts
            tracks = list(
                PairTrack.objects.filter(pair_id__in=ids).select_related(
                    "pair__program", "pair__mentor__user", "pair__mentee__user"
                )
            )
            pairs = []
            for track in tracks:
                track.pair.track = track
                pairs.append(track.pair)
            last = last_activity(pairs, now)
            muted = set(
                EmailPreference.objects.filter(
                    user_id__in={u for p in pairs for u in p.member_user_ids()},
                    pair_notices=False,
                ).values_list("user_id", flat=True)
            )
            emails = []
            for track in tracks:
                outcome = _decide(track, last[track.pair_id], now, muted, emails)
                if outcome:
                    counts[outcome] += 1
            outbox.queue_many(emails)
            save_tracks(tracks, ["idle_check_at", "idle_warned_at", "closed_idle_at"])
        if len(ids) < limit:
            return counts


def _decide(track, since, now, muted, emails):
    pair = track.pair
    if pair.status != Pair.Status.ACTIVE:  # paused on purpose, or over: not idle
        track.idle_check_at = None
        track.idle_warned_at = None
        return None
    quiet = period(pair.program)
    if track.idle_warned_at and since > track.idle_warned_at:
        track.idle_warned_at = None  # they came back after the warning
    if track.idle_warned_at is None:
        if now < since + quiet:
            track.idle_check_at = since + quiet
            return None
        track.idle_warned_at = now
        track.idle_check_at = now + quiet
        close_at = (now + quiet).isoformat()
        for member in (pair.mentor.user, pair.mentee.user):
            if member.pk in muted or not member.is_active:
                continue
            key = f"{pair.pk}:{now.date().isoformat()}:{member.pk}"
            context = {"pair": pair.pk, "close_at": close_at}
            emails.append(outbox.new_row(REENGAGE_KIND, key, member, context, now))
        return "warned"
    close_at = track.idle_warned_at + quiet
    if now < close_at:
        track.idle_check_at = close_at
        return None
    reason = f"Closed after {2 * pair.program.idle_days_effective} days without activity."
    lifecycle.change(pair, "end", None, reason, notify=False)
    track.idle_check_at = None
    track.closed_idle_at = now
    recipients = [(pair.mentor.user, CLOSED_KIND), (pair.mentee.user, CLOSED_KIND)]
    recipients += [(admin, CLOSED_ADMIN_KIND) for admin in pair.program.admins.all()]
    for user, kind in recipients:
        if user.pk in muted or not user.is_active:
            continue
        context = {"pair": pair.pk}
        emails.append(outbox.new_row(kind, f"{pair.pk}:{user.pk}", user, context, now))
    return "closed"


def still_going(pair, by, now=None):
    """Either person says the pair is still going: the idle clock starts again."""
    if pair.role_of(by) is None:
        raise IdleError(_("Only the two people in a pair can say that."))
    if pair.status not in Pair.LIVE:
        when = formats.date_format(pair.ended_on) if pair.ended_on else ""
        raise IdleError(
            _("This pair was %(status)s on %(date)s; it cannot be kept going any more.")
            % {"status": pair.get_status_display().lower(), "date": when}
        )
    now = now or timezone.now()
    with transaction.atomic():
        track, _created = PairTrack.objects.select_for_update().get_or_create(pair=pair)
        track.still_going_at = now
        track.idle_warned_at = None
        track.idle_check_at = now + period(pair.program)
        track.save(update_fields=["still_going_at", "idle_warned_at", "idle_check_at"])
    return track


def warned_pair_ids(pair_ids):
    """The pairs among `pair_ids` that got a re-engagement email and have not answered it."""
    return set(_warned(pairs=pair_ids))


@prepared  # on every dashboard: compiled once (mentorship.prepared)
def _warned():
    warned = PairTrack.objects.filter(
        any_of("pair_id", Param("pairs", BigIntegerField(), many=True))
    )
    waiting = warned.filter(idle_warned_at__isnull=False, closed_idle_at__isnull=True)
    return waiting.order_by().values_list("pair_id", flat=True)
