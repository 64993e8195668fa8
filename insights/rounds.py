"""One round of everything that is due: reminders, nudges, digests, then delivery.

It lives at the top because it is the one place that sees every kind of due email.
"""

from django.utils import timezone

from checkins import idle, schedule
from insights import digests
from notifications import outbox
from sessions import agenda_nudge, nudges, reminders


def run_round(now=None):
    now = now or timezone.now()
    result = {
        "reminders": reminders.claim_due(now),
        "nudges": nudges.claim_due(now),
        "agenda_nudges": agenda_nudge.claim_due(now),
        "digests": digests.claim_due(now),
        "checkins": schedule.claim_due(now),
        "idle": idle.claim_idle(now),
    }
    result["delivery"] = outbox.deliver_due(now)
    return result
