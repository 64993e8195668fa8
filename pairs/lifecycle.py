"""A pair's lifecycle: proposed → active → paused → completed, or declined / ended early.

Either member or a program admin may pause, resume, complete or end a pair; ending early
needs a reason. Activation sends both people the introduction email.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


class LifecycleError(Exception):
    """A change that cannot be made; the message is for the person."""


def may_change(pair, user):
    return user.pk in pair.member_user_ids() or pair.program.is_admin(user)


def change(pair, action, by, reason=""):
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
    pair.refresh_from_db()
    return pair


def activate(pair, by=None, check_access=True):
    return change(pair, "activate", by if check_access else None)
