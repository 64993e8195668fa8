"""Action reminders: what is due lives in NextAction.next_reminder_at.

rearm() is called whenever an action is created, its due date moves, or its status
changes; a periodic task claims rows whose next_reminder_at has passed (claim_due).

A claim, in one transaction: lock the due rows (SKIP LOCKED on PostgreSQL, so two
runs at once take different rows), write one SentEmail per recipient with the key
"action:kind:due date:user" (unique: the same reminder is recorded at most once even
if two claims overlap) and move next_reminder_at to the next moment (or None).
Delivery then sends the pending rows (notifications.outbox).

Reminders go out at 09:00 in the recipient's own time zone (for an action both people
own, at the earlier of their two 09:00s, so nobody hears of it late).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from mentorship.timezones import local_today, zone
from notifications import links, outbox
from notifications.emails import absolute_url
from notifications.models import EmailPreference
from pairs.models import Pair
from sessions import action_links
from sessions.models import NextAction

REMIND_AT = datetime.time(9, 0)  # in the recipient's time zone

DUE_SOON = "reminder_due"
OVERDUE = "reminder_overdue"
SNOOZED = "reminder_snoozed"
KINDS = (DUE_SOON, OVERDUE, SNOOZED)
SNOOZE_DAYS = 7


def remind_instant(day, users):
    """09:00 on `day` in the earliest of the users' time zones, as a UTC datetime."""
    zones = {zone(user.time_zone) for user in users} or {datetime.UTC}
    return min(
        datetime.datetime.combine(day, REMIND_AT, tzinfo=zone).astimezone(datetime.UTC)
        for zone in zones
    )


def moments(action, program):
    """(before the due date, overdue follow-up) as UTC datetimes."""
    users = _recipients(action)
    lead = datetime.timedelta(days=program.reminder_lead_days)
    followup = datetime.timedelta(days=program.overdue_followup_days)
    return (
        remind_instant(action.due_on - lead, users),
        remind_instant(action.due_on + followup, users),
    )


def next_reminder_time(action, program, now=None):
    """When the next reminder for this action is due, or None."""
    if action.status != "open":
        return None
    now = now or timezone.now()
    for moment in moments(action, program):
        if moment > now:
            return moment
    return None


def rearm(action, save=True):
    """Recompute next_reminder_at; call after creating or changing an action."""
    action.next_reminder_at = next_reminder_time(action, action.pair.program)
    if save and action.pk:
        type(action).objects.filter(pk=action.pk).update(next_reminder_at=action.next_reminder_at)
    return action.next_reminder_at


def snooze(action, issued_at, now=None):
    """Remind again a week after the link was issued; the same link twice changes nothing.

    Returns the new reminder time, or None when there is nothing to snooze.
    """
    if action.status != NextAction.Status.OPEN:
        return None
    now = now or timezone.now()
    base = datetime.datetime.fromtimestamp(issued_at, tz=datetime.UTC) if issued_at else now
    until = base + datetime.timedelta(days=SNOOZE_DAYS)
    with transaction.atomic():
        current = (
            NextAction.objects.select_for_update()
            .filter(pk=action.pk)
            .values_list("next_reminder_at", flat=True)
            .first()
        )
        if current is None or current < until:
            NextAction.objects.filter(pk=action.pk).update(next_reminder_at=until)
            action.next_reminder_at = until
        else:
            action.next_reminder_at = current
    return action.next_reminder_at


def _recipients(action):
    pair = action.pair
    people = {"mentor": pair.mentor, "mentee": pair.mentee}
    return [people[role].user for role in action.owner_roles()]


def kind_for(action, program, now):
    before, overdue = moments(action, program)
    if now >= overdue:
        return OVERDUE, action.due_on.isoformat()
    if action.next_reminder_at is None or action.next_reminder_at <= before:
        return DUE_SOON, action.due_on.isoformat()
    # Later than the regular moment: the person snoozed it.
    return SNOOZED, action.next_reminder_at.strftime("%Y%m%dT%H%M")


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


def claim_due(now=None, limit=500):
    """Record the reminders due by `now` (at most once each); returns how many were recorded."""
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
                .order_by("next_reminder_at", "pk")
            )
            user_ids = {u.pk for action in due for u in _recipients(action)}
            muted = set(
                EmailPreference.objects.filter(user_id__in=user_ids, reminders=False).values_list(
                    "user_id", flat=True
                )
            )
            rows = []
            for action in due:
                program = action.pair.program
                if action.pair.status == Pair.Status.ACTIVE:
                    kind, when = kind_for(action, program, now)
                    for user in _recipients(action):
                        if user.pk in muted or not user.is_active:
                            continue
                        key = f"{action.pk}:{kind}:{when}:{user.pk}"
                        context = {"action": action.pk, "due_on": action.due_on.isoformat()}
                        rows.append(outbox.new_row(kind, key, user, context, now))
                # Paused or ended pairs get no reminder; either way the moment has passed.
                action.next_reminder_at = next_reminder_time(action, program, now)
            recorded += len(outbox.queue_many(rows))  # those this claim inserted
            NextAction.objects.bulk_update(due, ["next_reminder_at"])
        if len(ids) < limit:
            return recorded


def pair_url(pair_id):
    return absolute_url(Pair.url_for(pair_id))


def _actions(ids):
    """{pk: action} with what a reminder shows (one query)."""
    return NextAction.objects.select_related(
        "pair__program", "pair__mentor__user", "pair__mentee__user"
    ).in_bulk([i for i in ids if i is not None])


def prepare(rows):
    """One query for a whole batch: the actions the reminders are about."""
    actions = _actions({row.context.get("action") for row in rows})
    for row in rows:
        row.actions = actions


def render(row):
    """The reminder as it stands now, or why it no longer applies."""
    user = row.user
    action_id = row.context.get("action")
    actions = getattr(row, "actions", None)
    if actions is None:
        actions = _actions([action_id])
    action = actions.get(action_id)
    if action is None:
        return "The action no longer exists."
    if action.status != NextAction.Status.OPEN:
        return f"The action is {action.status}."
    if action.pair.status != Pair.Status.ACTIVE:
        return f"The pair is {action.pair.status}."
    if action.due_on.isoformat() != row.context.get("due_on"):
        return "The due date moved; a new reminder is armed."
    if user.pk not in {u.pk for u in _recipients(action)}:
        return "The recipient no longer owns this action."
    if outbox.opted_out(user, "reminders"):
        return "The recipient turned reminders off."
    pair = action.pair
    partner = pair.partner_of(user)
    today = local_today(user)  # the recipient's today
    return outbox.list_email(
        "action_reminder",
        user,
        "reminders",
        {
            "kind": row.kind,
            "overdue": action.overdue_on(today),
            "action": action,
            "program": pair.program,
            "partner_name": partner.user.name if partner else "",
            "shared": action.owner == NextAction.Owner.BOTH,
            "done_url": links.make_url(action_links.DONE, user, action.pk),
            "snooze_url": links.make_url(action_links.SNOOZE, user, action.pk),
            "snooze_days": SNOOZE_DAYS,
            "pair_url": pair_url(pair.pk),
        },
    )
