"""A pair's lifecycle: proposed → active → paused → completed, or declined / ended early.

Either member or a program admin may pause, resume, complete or end a pair; ending early
needs a reason. Activation sends both people the introduction email.

Completing or ending can be undone for UNDO_SECONDS by whoever did it (a signed token the
page keeps for them); the other member (both, when an admin did it) hears of it by email
once that window has passed, unless it was undone.
"""

import datetime

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import webhooks
from notifications import outbox
from notifications.emails import absolute_url
from notifications.registry import Rendered
from pairs import intro
from pairs.models import Pair

S = Pair.Status

# action -> (allowed from, to). The buttons are in templates/pairs/_lifecycle.html.
TRANSITIONS = {
    "activate": ((S.PROPOSED,), S.ACTIVE),
    "decline": ((S.PROPOSED,), S.DECLINED),
    "pause": ((S.ACTIVE,), S.PAUSED),
    "resume": ((S.PAUSED,), S.ACTIVE),
    "complete": ((S.ACTIVE, S.PAUSED), S.COMPLETED),
    "end": ((S.ACTIVE, S.PAUSED), S.ENDED),
}
MAX_REASON = 2000
FINISHING = (S.COMPLETED, S.ENDED)
UNDO_SECONDS = 10 * 60
UNDO_SALT = "pairs.lifecycle.undo"
ENDED_KIND = "pair_ended"


class LifecycleError(Exception):
    """A change that cannot be made; the message is for the person."""


def may_change(pair, user):
    return user.pk in pair.member_user_ids() or pair.program.is_admin(user)


def change(pair, action, by, reason="", notify=True):
    """Move `pair` by `action`. notify=False: the caller sends its own notice to the others
    (a re-match request's kind message, an idle pair's closing notice) instead of ours."""
    if action not in TRANSITIONS:
        raise LifecycleError(_("Unknown action."))
    allowed_from, target = TRANSITIONS[action]
    reason = (reason or "").strip()
    if action == "end" and not reason:
        raise LifecycleError(_("Say why the pair ends early."))
    if len(reason) > MAX_REASON:
        raise LifecycleError(_("Keep the reason under %(n)s characters.") % {"n": MAX_REASON})
    if by is not None and not may_change(pair, by):
        raise LifecycleError(_("Only the two members or a program admin can do that."))
    with transaction.atomic():
        locked = Pair.objects.select_for_update().get(pk=pair.pk)
        if locked.status not in allowed_from:
            raise LifecycleError(
                _("This pair is %(status)s; it cannot be changed that way.")
                % {"status": locked.get_status_display().lower()}
            )
        today = timezone.localdate()
        previous = locked.status
        locked.status = target
        fields = ["status", "updated_at"]
        if target == S.ACTIVE and locked.started_on is None:
            locked.started_on = today
            fields.append("started_on")
        if target in (S.COMPLETED, S.ENDED, S.DECLINED):
            locked.ended_on = today
            locked.end_reason = reason
            fields += ["ended_on", "end_reason"]
        locked.save(update_fields=fields)
        if action == "activate":
            intro.queue(locked)
            webhooks.emit_pair(locked, webhooks.PAIR_ACTIVATED)
        if target in FINISHING and notify:
            _tell_the_others(locked, by)
        if target in (S.COMPLETED, S.ENDED, S.DECLINED):
            webhooks.emit_pair(locked, webhooks.PAIR_ENDED)
    pair.refresh_from_db()
    pair.previous_status = previous
    return pair


def _tell_the_others(pair, by):
    """Queue the notice to the member(s) who did not make the change, due once the undo
    window has passed (the periodic sweep sends it; an undo makes it skip)."""
    now = timezone.now()
    due = now + datetime.timedelta(seconds=UNDO_SECONDS)
    for member in (pair.mentor, pair.mentee):
        if by is not None and member.user_id == by.pk:
            continue
        key = f"{pair.pk}:{pair.status}:{member.user_id}:{int(now.timestamp())}"
        context = {"pair": pair.pk, "status": pair.status, "by": by.pk if by else None}
        outbox.record(ENDED_KIND, key, member.user, context, now=due)


def undo_token(pair):
    """A token that lets the person who completed or ended `pair` take it back."""
    payload = {"p": pair.pk, "from": pair.previous_status, "to": pair.status}
    return signing.dumps(payload, salt=UNDO_SALT)


def read_undo(pair, token):
    """The status to go back to, or None if the token is not for this pair's last change
    or its time has passed."""
    try:
        data = signing.loads(token or "", salt=UNDO_SALT, max_age=UNDO_SECONDS)
    except signing.BadSignature:
        return None
    if data.get("p") != pair.pk or data.get("to") != pair.status:
        return None
    if data.get("from") not in (S.ACTIVE, S.PAUSED):
        return None
    return data["from"]


def undo(pair, token, by):
    """Take back a completion or an early end within UNDO_SECONDS."""
    if by is not None and not may_change(pair, by):
        raise LifecycleError(_("Only the two members or a program admin can do that."))
    with transaction.atomic():
        locked = Pair.objects.select_for_update().get(pk=pair.pk)
        back_to = read_undo(locked, token)
        if back_to is None:
            raise LifecycleError(_("This can no longer be undone."))
        locked.status = back_to
        locked.ended_on = None
        locked.end_reason = ""
        locked.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    pair.refresh_from_db()
    return pair


def render_ended(row):
    """The notice to a partner that the pair was completed or ended, unless undone."""
    pair = (
        Pair.objects.select_related("program", "mentor__user", "mentee__user")
        .filter(pk=row.context.get("pair"))
        .first()
    )
    if pair is None:
        return "The pair no longer exists."
    if pair.status != row.context.get("status"):
        return "The change was undone."
    by = row.context.get("by")
    if by in pair.member_user_ids():
        by_name = pair.mentor.user.name if by == pair.mentor.user_id else pair.mentee.user.name
    else:
        by_name = _("a program admin")
    partner = pair.partner_of(row.user)
    return Rendered(
        template=ENDED_KIND,
        context={
            "user": row.user,
            "pair": pair,
            "program": pair.program,
            "by_name": by_name,
            "partner_name": partner.user.name if partner else "",
            "completed": pair.status == S.COMPLETED,
            "pair_url": absolute_url(pair.get_absolute_url()),
            "find_url": absolute_url(reverse("pairs:suggestions", args=[pair.program.slug])),
        },
    )


def activate(pair, by=None, check_access=True):
    return change(pair, "activate", by if check_access else None)
