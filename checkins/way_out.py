"""A graceful way out: either person may end a pair that is not a good fit and be matched
again. The pair ends through pairs.lifecycle (so capacity frees up and a re-match run sees
the person as free), the two are excluded from each other (pairs.exclusions), program admins
get a task (a HelpRequest on the program's pages) and the partner a kind message instead of
the usual notice. The person's reasons stay in their check-in: nothing they wrote goes to
the pair's end reason, the admins or the partner.
"""

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from checkins.answers import ask_for_help
from checkins.models import HelpRequest
from notifications import outbox
from pairs import exclusions, lifecycle
from pairs.models import Pair

PARTNER_KIND = "rematch_partner"
END_REASON = "A member asked to be re-matched (not a good fit)."


class WayOutError(Exception):
    """A request that cannot be made; the message is for the person."""


def request_rematch(pair, by):
    """End `pair` at `by`'s request and ask the admins to match them again."""
    if pair.role_of(by) is None:
        raise WayOutError(_("Only the two people in a pair can ask to end it."))
    with transaction.atomic():
        locked = Pair.objects.select_for_update().get(pk=pair.pk)
        if locked.status not in Pair.LIVE:
            when = formats.date_format(locked.ended_on) if locked.ended_on else ""
            raise WayOutError(
                _(
                    "This pair is already %(status)s%(when)s, so there is nothing to end. "
                    "To find a new partner, use “Find a partner” in the program."
                )
                % {
                    "status": locked.get_status_display().lower(),
                    "when": _(" (since %(date)s)") % {"date": when} if when else "",
                }
            )
        try:
            lifecycle.change(locked, "end", by, END_REASON, notify=False)
        except lifecycle.LifecycleError as exc:
            raise WayOutError(str(exc))
        exclusions.exclude(
            locked.program, locked.mentor, locked.mentee, _("Asked to be re-matched"), by=by
        )
        ask_for_help(locked, by, HelpRequest.Kind.REMATCH)
        partner = locked.partner_of(by).user
        outbox.queue(PARTNER_KIND, f"{locked.pk}:{partner.pk}", partner, {"pair": locked.pk})
    pair.refresh_from_db()
    return pair
