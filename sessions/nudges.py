"""The weekly nudge: one combined email per person per ISO week.

It goes out on the person's nudge weekday (their preference, else the program's; with
several programs the earliest program's) from 09:00 in their own time zone, daylight
saving included (zoneinfo), and only on that day (mentorship.weekly). A periodic task
runs every ~15 minutes and calls claim_due(): for each person whose day it is it records one
SentEmail(kind="nudge", key="user:YYYY-Www"); the unique key means two beat
processes, or the task fired twice, still make one nudge, and the rows are inserted
before their contents are built, so two workers running the round at once never build the
same nudge twice; a batch another worker is claiming at that moment is skipped, not waited
for (mentorship.locks), so two workers split the round. A nudge with nothing in it is
recorded as skipped and never sent.

People are processed in batches by primary key with a handful of queries per batch,
so memory stays flat however many people there are.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mentorship import locks
from mentorship.importing import fast_bulk_update
from mentorship.models import Participant, User
from mentorship.timezones import local_date, local_today
from mentorship.weekly import due_now, weekday_for
from notifications import outbox
from notifications.models import EmailPreference, SentEmail
from pairs.models import Pair
from sessions import cadence
from sessions.models import NextAction, Session, SessionSide
from sessions.reminders import pair_url

KIND = "nudge"
SIDES_WINDOW_DAYS = 28


def _batches(queryset, size):
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _candidates():
    # EXISTS per user (index on participant.user_id): each batch reads only its own range.
    active = Participant.objects.filter(user=OuterRef("pk"), status=Participant.Status.ACTIVE)
    return User.objects.filter(Exists(active), is_active=True).only("pk", "email", "time_zone")


def _weekdays(user_ids, prefs):
    """The nudge weekday per user (mentorship.weekly's rule), from their active programs."""
    earliest = {}
    rows = (
        Participant.objects.filter(user_id__in=user_ids, status=Participant.Status.ACTIVE)
        .order_by("program__start_date", "program_id")
        .values_list("user_id", "program__nudge_weekday")
    )
    for user_id, weekday in rows:
        earliest.setdefault(user_id, weekday)
    return {uid: weekday_for(prefs.get(uid), earliest.get(uid)) for uid in user_ids}


def _session_item(session, user):
    return {
        "id": session.pk,
        "date": local_date(session.occurred_at, user).isoformat(),  # the recipient's day
        "topics": session.topics,
    }


def build_contents(users, now):
    """{user pk: content dict} for the given users; content["pairs"] may be empty."""
    user_ids = [u.pk for u in users]
    participant_ids = list(
        Participant.objects.filter(user_id__in=user_ids).values_list("pk", flat=True)
    )
    pairs = list(
        Pair.objects.filter(status=Pair.Status.ACTIVE)
        .filter(Q(mentor_id__in=participant_ids) | Q(mentee_id__in=participant_ids))
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("program__start_date", "pk")
    )
    pair_ids = [p.pk for p in pairs]
    actions = defaultdict(list)
    for action in NextAction.objects.filter(
        pair_id__in=pair_ids, status=NextAction.Status.OPEN
    ).order_by("due_on", "pk"):
        actions[action.pair_id].append(action)
    week_ago = now - datetime.timedelta(days=7)
    window = now - datetime.timedelta(days=SIDES_WINDOW_DAYS)
    recent = defaultdict(list)
    for session in Session.objects.filter(
        pair_id__in=pair_ids, status=Session.Status.LOGGED, occurred_at__gte=window
    ).order_by("occurred_at"):
        recent[session.pair_id].append(session)
    sides = set(
        SessionSide.objects.filter(
            session__pair_id__in=pair_ids,
            session__status=Session.Status.LOGGED,
            session__occurred_at__gte=window,
        ).values_list("session_id", "side")
    )
    last_logged = cadence.last_logged(pair_ids, now)
    scheduled = cadence.next_scheduled(pair_ids, now)
    contents = {pk: {"pairs": []} for pk in user_ids}
    for pair in pairs:
        for role, me, partner in (
            ("mentor", pair.mentor, pair.mentee),
            ("mentee", pair.mentee, pair.mentor),
        ):
            if me.user_id not in contents:
                continue
            user = me.user
            today = local_today(user, now)  # the recipient's, as on their dashboard
            partner_role = "mentee" if role == "mentor" else "mentor"
            mine, theirs = [], []
            for action in actions[pair.pk]:
                action.pair = pair
                item = {
                    "id": action.pk,
                    "text": action.text,
                    "due_on": action.due_on.isoformat(),
                    "overdue": action.overdue_on(today),
                }
                if action.owned_by_role(role):
                    mine.append(item)
                elif action.owner == partner_role:
                    theirs.append(item)
            sessions = [
                {
                    "id": s.pk,
                    "date": local_date(s.occurred_at, user).isoformat(),
                    "topics": s.topics,
                }
                for s in recent[pair.pk]
                if s.occurred_at >= week_ago
            ]
            to_add = [
                {
                    "id": s.pk,
                    "date": local_date(s.occurred_at, user).isoformat(),
                    "topics": s.topics,
                }
                for s in recent[pair.pk]
                if (s.pk, role) not in sides
            ]
            last = last_logged.get(pair.pk)
            since = cadence.days_since(last, pair.started_on, pair.created_at, today, user)
            past_cadence = cadence.is_behind(pair, since, pair.pk in scheduled)
            if not (mine or theirs or sessions or to_add or past_cadence):
                continue
            contents[me.user_id]["pairs"].append(
                {
                    "pair": pair.pk,
                    "program": pair.program.name,
                    "partner": partner.user.name,
                    "role": role,
                    "my_actions": mine,
                    "partner_actions": theirs,
                    "sessions": sessions,
                    "sides_to_add": to_add,
                    "past_cadence": past_cadence,
                    "days_since": since if last else None,
                    "cadence_days": pair.program.cadence_days,
                }
            )
    return contents


def claim_due(now=None, batch_size=500):
    """Record this week's nudge for everyone whose moment has passed; returns counts."""
    now = now or timezone.now()
    counts = {"pending": 0, "skipped": 0}
    for users in _batches(_candidates(), batch_size):
        with transaction.atomic():
            # A batch another worker is claiming right now is theirs: skip it rather than
            # wait for their commit and find every key taken (the unique key still decides).
            if locks.try_batch(KIND, users[0].pk):
                _claim_batch(users, now, counts)
    return counts


def _claim_batch(users, now, counts):
    ids = [u.pk for u in users]
    prefs = {p.user_id: p for p in EmailPreference.objects.filter(user_id__in=ids)}
    weekdays = _weekdays(ids, prefs)
    due = {}
    for user in users:
        pref = prefs.get(user.pk)
        if pref is not None and not pref.nudges:
            continue
        week, is_due = due_now(user.time_zone, weekdays[user.pk], now)
        if is_due:
            due[user.pk] = (user, f"{user.pk}:{week}")
    if not due:
        return
    done = set(
        SentEmail.objects.filter(kind=KIND, key__in=[key for _, key in due.values()]).values_list(
            "key", flat=True
        )
    )
    todo = [(user, key) for user, key in due.values() if key not in done]
    if not todo:
        return
    # Insert first, build after: the unique (kind, key) decides which claimer builds each
    # nudge. A concurrent claim inserting the same keys waits for this transaction and
    # then inserts none (or all, if this one rolled back), so two workers running the
    # round never build the same nudges twice; until the commit no worker can deliver
    # the rows.
    rows = outbox.queue_many([outbox.new_row(KIND, key, user, {}, now) for user, key in todo])
    if not rows:
        return
    contents = build_contents([row.user for row in rows], now)
    for row in rows:
        row.context = contents[row.user.pk]
        if not row.context["pairs"]:
            row.status = SentEmail.Status.SKIPPED
            row.last_error = "Nothing to say this week."
        counts[row.status] += 1
    fast_bulk_update(rows, ["context", "status", "last_error"])

    return counts


def _action_ids(content):
    return [a["id"] for p in content["pairs"] for a in p["my_actions"] + p["partner_actions"]]


def _open_among(ids):
    if not ids:
        return set()
    return set(
        NextAction.objects.filter(pk__in=ids, status=NextAction.Status.OPEN).values_list(
            "pk", flat=True
        )
    )


def prepare(rows):
    """One query for a whole batch: which listed actions are still open."""
    still_open = _open_among([i for row in rows for i in _action_ids(row.context or {"pairs": []})])
    for row in rows:
        row.open_action_ids = still_open


def _still_open(row):
    cached = getattr(row, "open_action_ids", None)
    if cached is not None:
        return cached
    return _open_among(_action_ids(row.context or {"pairs": []}))


def render(row):
    """The nudge, minus anything done since it was recorded; skipped if nothing is left."""
    user = row.user
    if outbox.opted_out(user, "nudges"):
        return "The recipient turned the weekly nudge off."
    content = row.context or {"pairs": []}
    still_open = _still_open(row)
    pairs = []
    for entry in content.get("pairs", []):
        entry = dict(entry)
        for name in ("my_actions", "partner_actions"):
            entry[name] = [
                {**a, "due_on": datetime.date.fromisoformat(a["due_on"])}
                for a in entry[name]
                if a["id"] in still_open
            ]
        for name in ("sessions", "sides_to_add"):
            entry[name] = [
                {**s, "date": datetime.date.fromisoformat(s["date"])} for s in entry[name]
            ]
        if not (
            entry["my_actions"]
            or entry["partner_actions"]
            or entry["sessions"]
            or entry["sides_to_add"]
            or entry["past_cadence"]
        ):
            continue
        entry["url"] = pair_url(entry["pair"])
        pairs.append(entry)
    if not pairs:
        return "Nothing left to say: everything in it was done meanwhile."
    return outbox.list_email("weekly_nudge", user, "nudges", {"pairs": pairs})
