"""Next actions: the only place their state changes.

Every change checks the version the person saw, so a stale form cannot silently
overwrite what the partner changed meanwhile, and re-arms the reminder.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import bounds, webhooks
from sessions import reminders
from sessions.models import NextAction

MAX_TEXT = 500


class ActionError(Exception):
    """A change that cannot be made; the message is for the person."""


def _check_due(due_on, today=None):
    if due_on is None:
        raise ActionError(_("Give the action a due date."))
    try:
        bounds.due_date(due_on, today)
    except bounds.DateOutOfRange as exc:
        raise ActionError(str(exc)) from exc


def create_action(pair, text, owner, due_on, by, session=None, goal_id=None):
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Say what the action is."))
    if len(text) > MAX_TEXT:
        raise ActionError(_("Keep an action under %(n)s characters.") % {"n": MAX_TEXT})
    if owner not in NextAction.Owner.values:
        raise ActionError(_("Choose who owns the action."))
    _check_due(due_on)
    action = NextAction(
        pair=pair,
        text=text,
        owner=owner,
        due_on=due_on,
        created_by=by,
        created_in=session,
        goal_id=goal_id,
    )
    reminders.rearm(action, save=False)
    action.save()
    return action


@transaction.atomic
def _change(action, expected_version, **changes):
    """Apply changes if nobody changed the action since expected_version."""
    query = NextAction.objects.filter(pk=action.pk)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    updated = query.update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not updated:
        raise ActionError(
            _("Your partner changed this action meanwhile. Reload to see the latest version.")
        )
    # Keep the loaded pair (with both people): the reminder time depends on their zones.
    pair = action.pair if NextAction._meta.get_field("pair").is_cached(action) else None
    action.refresh_from_db()
    if pair is not None and pair.pk == action.pair_id:
        action.pair = pair
    reminders.rearm(action)
    return action


def mark_done(action, by, expected_version=None, session=None):
    if action.status == NextAction.Status.DONE:
        return action  # done twice is still done: a second click changes nothing
    if action.status == NextAction.Status.DROPPED:
        raise ActionError(_("This action was dropped; it cannot be marked done."))
    action = _change(
        action,
        expected_version,
        status=NextAction.Status.DONE,
        done_at=timezone.now(),
        done_by=by,
        reviewed_in=session,
    )
    webhooks.emit_action_done(action, action.pair)
    return action


def drop(action, by, reason, expected_version=None, session=None):
    if action.status != NextAction.Status.OPEN:
        raise ActionError(_("Only an open action can be dropped."))
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ActionError(_("Keep the reason under 2,000 characters."))
    return _change(
        action,
        expected_version,
        status=NextAction.Status.DROPPED,
        dropped_reason=reason,
        reviewed_in=session,
    )


def carry_over(action, by, new_due_on, expected_version=None, session=None, reason=""):
    """Keep the action open with a new due date (this re-arms its reminders); what got in
    the way, if said, is kept and shown on the pair page."""
    if action.status != NextAction.Status.OPEN:
        raise ActionError(_("Only an open action can be carried over."))
    _check_due(new_due_on)
    reason = (reason or "").strip()[:2000]
    return _change(
        action, expected_version, due_on=new_due_on, reviewed_in=session, dropped_reason=reason
    )


def reopen(action, by, expected_version=None):
    if action.status == NextAction.Status.OPEN:
        return action
    return _change(
        action, expected_version, status=NextAction.Status.OPEN, done_at=None, done_by=None
    )
