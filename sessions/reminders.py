"""Action reminders: what is due lives in NextAction.next_reminder_at.

rearm() is called whenever an action is created, its due date moves, or its status
changes; a periodic task claims rows whose next_reminder_at has passed.
"""

import datetime

from django.utils import timezone

REMIND_AT = datetime.time(9, 0)  # in UTC; refined per person by the reminder service


def next_reminder_time(action, program, now=None):
    """When the next reminder for this action is due, or None."""
    if action.status != "open":
        return None
    now = now or timezone.now()
    lead = datetime.timedelta(days=program.reminder_lead_days)
    follow = datetime.timedelta(days=program.overdue_followup_days)
    due = datetime.datetime.combine(action.due_on, REMIND_AT, tzinfo=datetime.UTC)
    for moment in (due - lead, due + follow):
        if moment > now:
            return moment
    return None


def rearm(action, save=True):
    """Recompute next_reminder_at; call after creating or changing an action."""
    action.next_reminder_at = next_reminder_time(action, action.pair.program)
    if save and action.pk:
        type(action).objects.filter(pk=action.pk).update(next_reminder_at=action.next_reminder_at)
    return action.next_reminder_at
