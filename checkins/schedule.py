"""When check-ins are due, and the periodic claim that opens them.

What is due lives in PairTrack.next_checkin_at (partial index `checkin_due`). A pair gets
its track when it starts (the post_save hook `pair_saved`, connected in
CheckinsConfig.ready(); `arm_missing` catches pairs written without it): round 1 about
`checkin_first_days` after its start, then one every `checkin_every_days`, at 09:00 in
the earlier of the two people's zones (sessions.reminders.remind_instant). When a pair
completes or ends, its closing round is due once the undo window has passed; an undo puts
the regular round back.

claim_due, in one transaction per batch: lock due tracks (SKIP LOCKED on PostgreSQL, so two
runs at once take different pairs), open one CheckIn per person (unique by pair, person
and round), record one invitation email per person (a unique SentEmail key) and move the
track on. However often the claim runs, each round opens once and each email goes once.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from checkins.models import CheckIn, PairTrack
from notifications import outbox
from notifications.models import EmailPreference
from pairs import lifecycle
from pairs.models import Pair
from sessions.reminders import remind_instant

INVITE_KIND = "checkin_invite"
# A round whose moment passed longer ago than this when the pair's track is armed (a pair
# that started before check-ins existed) is skipped rather than sent late.
LATE_GRACE = datetime.timedelta(days=7)


def _people(pair):
    return [pair.mentor.user, pair.mentee.user]


def round_moment(pair, n):
    """Round n's moment: start + first days + (n - 1) x every days, 09:00 local."""
    program = pair.program
    start = pair.started_on or timezone.localdate(pair.created_at)
    day = start + datetime.timedelta(
        days=program.checkin_first_days + (n - 1) * program.checkin_every_days
    )
    return remind_instant(day, _people(pair))


def next_regular(pair, n, now):
    """(round, moment) of the first regular round from n on that is not too late to send."""
    moment = round_moment(pair, n)
    while moment < now - LATE_GRACE:
        n += 1
        moment = round_moment(pair, n)
    return n, moment


def idle_first_check(pair, now):
    return now + datetime.timedelta(days=pair.program.idle_days_effective)


def arm(pair, now=None):
    """Bring the pair's track in line with its status (called whenever a pair is saved)."""
    now = now or timezone.now()
    if pair.status not in Pair.STARTED:
        return None
    track = PairTrack.objects.filter(pair=pair).first()
    if track is None:
        if pair.status in lifecycle.FINISHING:
            return None  # ended before check-ins knew it: no closing round out of the blue
        n, moment = next_regular(pair, 1, now)
        return PairTrack.objects.create(
            pair=pair,
            next_round=n,
            next_checkin_at=moment,
            idle_check_at=(
                idle_first_check(pair, now) if pair.status == Pair.Status.ACTIVE else None
            ),
        )
    changed = {}
    if pair.status in lifecycle.FINISHING:
        if not track.final_due and not track.final_sent:
            changed = {
                "final_due": True,
                "next_checkin_at": now + datetime.timedelta(seconds=lifecycle.UNDO_SECONDS),
                "idle_check_at": None,
            }
    else:
        if track.final_due and not track.final_sent:  # the end was undone
            n, moment = next_regular(pair, track.next_round, now)
            changed = {"final_due": False, "next_round": n, "next_checkin_at": moment}
        if pair.status == Pair.Status.ACTIVE and track.idle_check_at is None:
            changed["idle_check_at"] = idle_first_check(pair, now)
    if changed:
        PairTrack.objects.filter(pk=track.pk).update(**changed)
    return track


def pair_saved(sender, instance, **kwargs):
    """post_save of Pair: keep its track armed. Connected in CheckinsConfig.ready()."""
    if kwargs.get("raw"):
        return
    pair = Pair.objects.select_related("program", "mentor__user", "mentee__user").get(
        pk=instance.pk
    )
    arm(pair)


RHYTHM = ("checkin_first_days", "checkin_every_days", "idle_days", "cadence_days")


def program_loaded(sender, instance, **kwargs):
    """post_init of Program: remember its rhythm, so a save can tell whether it changed.
    A program loaded without them (.only() on a page) remembers nothing: reading a deferred
    field here would load it, one query per row."""
    loaded = instance.__dict__
    if all(f in loaded for f in RHYTHM):
        instance._checkin_rhythm = tuple(loaded[f] for f in RHYTHM)


def program_saved(sender, instance, created=False, **kwargs):
    """post_save of Program: a changed rhythm re-plans its pairs' regular rounds and has the
    next idle round look at every live pair again (each track takes the new period)."""
    rhythm = tuple(getattr(instance, f, None) for f in RHYTHM)
    if created or kwargs.get("raw") or rhythm == getattr(instance, "_checkin_rhythm", rhythm):
        instance._checkin_rhythm = rhythm
        return
    instance._checkin_rhythm = rhythm
    now = timezone.now()
    tracks = PairTrack.objects.filter(pair__program=instance)
    tracks.filter(idle_check_at__isnull=False).update(idle_check_at=now)
    planned = list(
        tracks.filter(final_due=False, next_checkin_at__isnull=False).select_related(
            "pair__mentor__user", "pair__mentee__user"
        )
    )
    for track in planned:
        track.pair.program = instance
        track.next_round, track.next_checkin_at = next_regular(track.pair, track.next_round, now)
    save_tracks(planned, ["next_round", "next_checkin_at"])


def arm_missing(now=None, limit=1000):
    """Tracks for started pairs that have none (pairs written in bulk, or before this app);
    returns how many were armed."""
    now = now or timezone.now()
    missing = (
        Pair.objects.filter(status__in=Pair.LIVE)
        .filter(~Exists(PairTrack.objects.filter(pair=OuterRef("pk"))))
        .select_related("program", "mentor__user", "mentee__user")[:limit]
    )
    armed = 0
    for pair in missing:
        with transaction.atomic():
            if arm(pair, now) is not None:
                armed += 1
    return armed


def save_tracks(tracks, fields):
    """Write `fields` of each claimed track: one UPDATE per row, sent as one batch.

    bulk_update builds a CASE per field and row, which costs Django more time to compile
    than the database takes to run (a 500-pair claim spent most of its time there)."""
    if not tracks:
        return
    columns = [PairTrack._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(c.column)} = %s" for c in columns)
    # Only quoted column and table names are formatted in; values are parameters.
    sql = f"UPDATE {connection.ops.quote_name(PairTrack._meta.db_table)} SET {assignments} "  # noqa: S608
    sql += 'WHERE "pair_id" = %s'
    params = [
        [c.get_db_prep_save(getattr(t, c.attname), connection) for c in columns] + [t.pk]
        for t in tracks
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def claim_query(now, limit=500):
    """Pair ids whose round is due, locked; rows another claimer holds are skipped.

    Served by the partial index checkin_due (tracks with a round planned)."""
    return (
        PairTrack.objects.select_for_update(skip_locked=True)
        .filter(next_checkin_at__lte=now)
        .order_by("next_checkin_at", "pair_id")
        .values_list("pair_id", flat=True)[:limit]
    )


def _open_round(pair, n, kind, due_at, now, muted, checkins, emails):
    for user in _people(pair):
        if not user.is_active:
            continue
        checkins.append(
            CheckIn(
                pair=pair, program_id=pair.program_id, user=user, round=n, kind=kind, due_at=due_at
            )
        )
        if user.pk not in muted:
            context = {"pair": pair.pk, "round": n}
            emails.append(
                outbox.new_row(INVITE_KIND, f"{pair.pk}:{n}:{user.pk}", user, context, now)
            )


def claim_due(now=None, limit=500):
    """Open every round due by `now` (each once); returns how many check-ins were opened."""
    now = now or timezone.now()
    opened = 0
    while True:
        with transaction.atomic():
            ids = list(claim_query(now, limit))
            if not ids:
                return opened
            tracks = list(
                PairTrack.objects.filter(pair_id__in=ids).select_related(
                    "pair__program", "pair__mentor__user", "pair__mentee__user"
                )
            )
            user_ids = {u.pk for t in tracks for u in _people(t.pair)}
            muted = set(
                EmailPreference.objects.filter(user_id__in=user_ids, checkins=False).values_list(
                    "user_id", flat=True
                )
            )
            checkins, emails = [], []
            for track in tracks:
                pair, due_at = track.pair, track.next_checkin_at
                if track.final_due:
                    if pair.status in lifecycle.FINISHING and not track.final_sent:
                        _open_round(
                            pair, track.next_round, CheckIn.Kind.FINAL, due_at, now, muted,
                            checkins, emails,
                        )  # fmt: skip
                        track.final_sent = True
                        track.next_round += 1
                    track.next_checkin_at = None
                    continue
                if pair.status == Pair.Status.ACTIVE:
                    kind = CheckIn.Kind.FIRST if track.next_round == 1 else CheckIn.Kind.REGULAR
                    _open_round(pair, track.next_round, kind, due_at, now, muted, checkins, emails)
                if pair.status in Pair.LIVE:  # a paused pair skips this round
                    track.next_round, track.next_checkin_at = next_regular(
                        pair, track.next_round + 1, now
                    )
                else:
                    track.next_checkin_at = None
            created = CheckIn.objects.bulk_create(checkins, ignore_conflicts=True)
            opened += len(created)
            outbox.queue_many(emails)
            save_tracks(tracks, ["next_checkin_at", "next_round", "final_sent"])
        if len(ids) < limit:
            return opened
