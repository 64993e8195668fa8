"""Withdrawing a participant from a program: their place ends, their history stays.

Higher apps react to a withdrawal through the `withdrawn` signal (pairs closes the person's
open pairing requests), so this module never imports them."""

import logging

from django.db import transaction
from django.dispatch import Signal

from mentorship.models import Participant

log = logging.getLogger(__name__)

withdrawn = Signal()  # sender=Participant, participant=..., now=...


@transaction.atomic
def withdraw(participant, now=None):
    """Mark participant withdrawn (profile, pairs and sessions are kept). True if it changed."""
    updated = (
        Participant.objects.filter(pk=participant.pk)
        .exclude(status=Participant.Status.WITHDRAWN)
        .update(status=Participant.Status.WITHDRAWN)
    )
    if not updated:
        return False
    participant.status = Participant.Status.WITHDRAWN
    withdrawn.send(sender=Participant, participant=participant, now=now)
    log.info(
        "participant withdrawn: participant=%s program=%s", participant.pk, participant.program_id
    )
    return True
