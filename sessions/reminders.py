"""Action reminders: what is due lives in NextAction.next_reminder_at; each person gets at
most one reminder email per local day, listing all their due actions across their pairs.

rearm() is called whenever an action is created, its due date moves, or its status
changes; a periodic task claims rows whose next_reminder_at has passed (claim_due).

When (the rule, here only: next_reminder_time and after_reminder):
- the first reminder is at 09:00 `reminder_lead_days` before the due date, and never later
  than the day before it, whatever the lead time (a lead of 0 counts as 1);
- an action armed after that moment (created or moved late) is first reminded at the next
  09:00 that is still on or before its due date: created today and due tomorrow, it is
  reminded tomorrow morning (or this morning, if armed before 09:00), never first once
  it is overdue;
- then once more `overdue_followup_days` after the due date, if still open.
09:00 is in the recipient's own time zone (for an action both people own, at the earlier
of their two 09:00s, so nobody hears of it late).

A claim, in one transaction: lock the due rows (SKIP LOCKED on PostgreSQL, so two runs
at once take different rows), group them by recipient and write one SentEmail of kind
"reminder_daily" per person with the key "user:local date" (unique: one email per person
per local day, however many claims run). A person whose email for today already exists
gets the new actions added to it while it has not been picked up for sending; once it
has, they go into tomorrow's email (due at their 09:00). next_reminder_at then moves to
the next moment (or None). Delivery sends the pending rows (notifications.outbox) and
renders each at send time: actions done, moved or no longer theirs since drop out.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from mentorship.timezones import local_today, zone
from notifications import links, outbox
from notifications.emails import absolute_url
from notifications.models import EmailPreference, SentEmail
from pairs.models import Pair
from sessions import action_links
from sessions.models import NextAction

log = logging.getLogger(__name__)

REMIND_AT = datetime.time(9, 0)  # in the recipient's time zone

DAILY = "reminder_daily"
# Kinds of the one-email-per-action reminders before the daily email: rows still pending
# from before an upgrade render as a daily email of their one action.
LEGACY_KINDS = ("reminder_due", "reminder_overdue", "reminder_snoozed")
KINDS = (DAILY, *LEGACY_KINDS)
# A row for a later day is due a little after that day's 09:00, so the claim at 09:00 can
# still add that day's own reminders to it before delivery takes it.
LATER_DAY_GRACE = datetime.timedelta(minutes=10)

# Snooze choices: (name, days from the person's today); "due" is the due date itself.
SNOOZE_TOMORROW, SNOOZE_3_DAYS, SNOOZE_WEEK, SNOOZE_UNTIL_DUE = "1", "3", "7", "due"
SNOOZE_DAYS = {SNOOZE_TOMORROW: 1, SNOOZE_3_DAYS: 3, SNOOZE_WEEK: 7}
SNOOZE_CHOICES = (SNOOZE_TOMORROW, SNOOZE_3_DAYS, SNOOZE_WEEK, SNOOZE_UNTIL_DUE)


def remind_instant(day, users):
    """09:00 on `day` in the earliest of the users' time zones, as a UTC datetime."""
    zones = {zone(user.time_zone) for user in users} or {datetime.UTC}
    return min(
        datetime.datetime.combine(day, REMIND_AT, tzinfo=zone).astimezone(datetime.UTC)
        for zone in zones
    )


def lead_days(program):
    """Days before the due date of the first reminder: the program's, at least 1."""
    return max(program.reminder_lead_days, 1)


def first_reminder(action, program, now, users=None):
    """The first reminder's moment, armed at `now`: 09:00 lead days before the due date or,
    if that has passed, the next 09:00 still on or before the due date; None if none is."""
    users = _recipients(action) if users is None else users
    day = action.due_on - datetime.timedelta(days=lead_days(program))
    while day <= action.due_on:
        moment = remind_instant(day, users)
        if moment > now:
            return moment
        day += datetime.timedelta(days=1)
    return None


def followup(action, program, users=None):
    """The overdue follow-up's moment."""
    users = _recipients(action) if users is None else users
    return remind_instant(
        action.due_on + datetime.timedelta(days=program.overdue_followup_days), users
    )


def next_reminder_time(action, program, now=None):
    """When to remind of an action armed (created, moved, reopened) at `now`, or None."""
    if action.status != NextAction.Status.OPEN:
        return None
    now = now or timezone.now()
    users = _recipients(action)
    first = first_reminder(action, program, now, users)
    if first is not None:
        return first
    after = followup(action, program, users)
    return after if after > now else None


def after_reminder(action, program, now):
    """The moment after a reminder went out (or was due) at `now`: the overdue follow-up
    if it is still ahead, else None. No catching up on the days before the due date."""
    if action.status != NextAction.Status.OPEN:
        return None
    after = followup(action, program)
    return after if after > now else None


def rearm(action, save=True):
    """Recompute next_reminder_at; call after creating or changing an action."""
    action.next_reminder_at = next_reminder_time(action, action.pair.program)
    if save and action.pk:
        type(action).objects.filter(pk=action.pk).update(next_reminder_at=action.next_reminder_at)
    return action.next_reminder_at


def snooze_choices(action, user, now=None):
    """The snooze choices that make sense for this action today: (choice, until) pairs."""
    today = local_today(user, now)
    choices = [
        (choice, remind_instant(today + datetime.timedelta(days=days), [user]))
        for choice, days in SNOOZE_DAYS.items()
    ]
    if action.due_on > today + datetime.timedelta(days=1):
        choices.append((SNOOZE_UNTIL_DUE, remind_instant(action.due_on, [user])))
    return choices


def snooze(action, user, choice, now=None):
    """Remind `user` of this action next at 09:00 their time tomorrow, in 3 days, in a week,
    or on the due date: that replaces the next reminder, earlier or later (the overdue
    follow-up still comes after it if it is later). The same choice twice on one day gives
    the same moment, so a second click changes nothing.

    Returns the next reminder time, or None when there is nothing to snooze.
    """
    if action.status != NextAction.Status.OPEN:
        return None
    until = dict(snooze_choices(action, user, now)).get(choice)
    if until is None:
        raise ValueError(f"not a snooze choice for this action: {choice!r}")
    changed = NextAction.objects.filter(pk=action.pk, status=NextAction.Status.OPEN).update(
        next_reminder_at=until
    )
    action.next_reminder_at = until if changed else None
    return action.next_reminder_at


def _recipients(action):
    pair = action.pair
    people = {"mentor": pair.mentor, "mentee": pair.mentee}
    return [people[role].user for role in action.owner_roles()]


def claim_query(now, limit=500):
    """Ids of due reminders, locked; rows another claimer holds are skipped (PostgreSQL).

    Served by the partial index action_reminder_due (open rows with a reminder armed).
    """
    return (
        NextAction.objects.select_for_update(skip_locked=True)
        .filter(status=NextAction.Status.OPEN, next_reminder_at__lte=now)
        .order_by("next_reminder_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def daily_key(user, day):
    return f"{user.pk}:{day.isoformat()}"


def claim_due(now=None, limit=500):
    """Record the reminders due by `now` into each person's email of the day; returns how
    many emails this call created (additions to an existing one do not count)."""
    now = now or timezone.now()
    recorded = 0
    while True:
        with transaction.atomic():
            ids = list(claim_query(now, limit))
            if not ids:
                return recorded
            # Locked above; load them with what the emails need (no lock on the joins).
            due = list(
                NextAction.objects.filter(pk__in=ids)
                .select_related("pair__program", "pair__mentor__user", "pair__mentee__user")
                .order_by("due_on", "pk")
            )
            user_ids = {u.pk for action in due for u in _recipients(action)}
            muted = set(
                EmailPreference.objects.filter(user_id__in=user_ids, reminders=False).values_list(
                    "user_id", flat=True
                )
            )
            people = {}  # user id -> (user, [[action id, due date], …])
            for action in due:
                if action.pair.status == Pair.Status.ACTIVE:
                    for user in _recipients(action):
                        if user.pk in muted or not user.is_active:
                            continue
                        item = [action.pk, action.due_on.isoformat()]
                        people.setdefault(user.pk, (user, []))[1].append(item)
                # Paused or ended pairs get no reminder; either way the moment has passed.
                action.next_reminder_at = after_reminder(action, action.pair.program, now)
            recorded += _record_daily(people.values(), now)
            NextAction.objects.bulk_update(due, ["next_reminder_at"])
        if len(ids) < limit:
            return recorded


def _record_daily(people, now):
    """One row per person for their local today (one insert for all); those who already
    have one get the items added to it, or to a later day's."""
    rows = []
    for user, items in people:
        day = local_today(user, now)
        rows.append(outbox.new_row(DAILY, daily_key(user, day), user, _context(day, items), now))
    inserted = {row.key for row in outbox.queue_many(rows)}
    for user, items in people:
        if daily_key(user, local_today(user, now)) not in inserted:
            _add_to_existing(user, items, now)
    return len(inserted)


def _context(day, items):
    return {"day": day.isoformat(), "actions": items}


def _add_to_existing(user, items, now):
    """Add items to the person's email of today if it is still waiting to be picked up
    (never claimed for sending: attempts 0, locked here so delivery skips it meanwhile);
    otherwise to the next day's, created if need be, due at that day's 09:00."""
    day = local_today(user, now)
    for _attempt in range(7):
        key = daily_key(user, day)
        row = SentEmail.objects.select_for_update().filter(kind=DAILY, key=key).first()
        if row is None:
            moment = max(now, remind_instant(day, [user]) + LATER_DAY_GRACE)
            if outbox.record(DAILY, key, user, _context(day, items), now=moment):
                return
            continue  # someone else created it just now: add to theirs
        if row.status == SentEmail.Status.PENDING and row.attempts == 0:
            known = {item[0] for item in row.context.get("actions", [])}
            row.context["actions"] = row.context.get("actions", []) + [
                item for item in items if item[0] not in known
            ]
            row.save(update_fields=["context"])
            return
        day += datetime.timedelta(days=1)
    log.error("Reminders of actions %s for user %s found no day to go in", items, user.pk)


def pair_url(pair_id):
    return absolute_url(Pair.url_for(pair_id))


def _items(context):
    """[(action id, due date ISO)] of a row: the daily email's, or a legacy row's one."""
    if "actions" in context:
        return [(item[0], item[1]) for item in context["actions"]]
    if context.get("action") is not None:
        return [(context["action"], context.get("due_on"))]
    return []


def _actions(ids):
    """{pk: action} with what a reminder shows (one query)."""
    return NextAction.objects.select_related(
        "pair__program", "pair__mentor__user", "pair__mentee__user"
    ).in_bulk([i for i in ids if isinstance(i, int)])


def prepare(rows):
    """One query for a whole batch: the actions the reminders are about."""
    actions = _actions({pk for row in rows for pk, _due in _items(row.context)})
    for row in rows:
        row.actions = actions


def why_not(action, due_on, user):
    """Why this action no longer belongs in the person's reminder, or None."""
    if action is None:
        return "The action no longer exists."
    if action.status != NextAction.Status.OPEN:
        return f"The action is {action.status}."
    if action.pair.status != Pair.Status.ACTIVE:
        return f"The pair is {action.pair.status}."
    if action.due_on.isoformat() != due_on:
        return "The due date moved; a new reminder is armed."
    if user.pk not in {u.pk for u in _recipients(action)}:
        return "The recipient no longer owns this action."
    return None


def render(row):
    """The day's reminder as it stands now: the actions still open and still the person's,
    or why none is left."""
    user = row.user
    items = _items(row.context)
    actions = getattr(row, "actions", None)
    if actions is None:
        actions = _actions([pk for pk, _due in items])
    today = local_today(user)  # the recipient's today
    shown, reasons = [], []
    for pk, due_on in items:
        action = actions.get(pk)
        reason = why_not(action, due_on, user)
        if reason:
            reasons.append(reason)
            continue
        pair = action.pair
        partner = pair.partner_of(user)
        shown.append(
            {
                "action": action,
                "overdue": action.overdue_on(today),
                "program": pair.program,
                "partner_name": partner.user.name if partner else "",
                "shared": action.owner == NextAction.Owner.BOTH,
                "done_url": links.make_url(action_links.DONE, user, action.pk),
                "snooze_url": links.make_url(action_links.SNOOZE, user, action.pk),
                "pair_url": pair_url(pair.pk),
            }
        )
    if not shown:
        return reasons[0] if len(reasons) == 1 else "No action in it is due any more."
    if outbox.opted_out(user, "reminders"):
        return "The recipient turned reminders off."
    shown.sort(key=lambda item: (not item["overdue"], item["action"].due_on, item["action"].pk))
    overdue = sum(item["overdue"] for item in shown)
    return outbox.list_email(
        "action_reminder",
        user,
        "reminders",
        {
            "items": shown,
            "first": shown[0],
            "overdue_count": overdue,
            "due_count": len(shown) - overdue,
        },
    )
