"""Provisioning from an identity provider (SCIM): deactivating and reactivating people.

A deactivated person can no longer sign in, with a password or through single sign-on
(Django refuses inactive accounts; mentorship/sso.py says so on its page), and is withdrawn
from programs; nothing they wrote is deleted. A program's token reaches only that program:
it withdraws the person there, and turns the account off only when nothing else keeps it
(another program they take part in or run, or staff status)."""

import logging

from django.db import transaction
from django.utils import timezone

from mentorship import participation
from mentorship.models import Participant

log = logging.getLogger(__name__)


def _kept_elsewhere(user, program):
    if user.is_staff or user.is_superuser:
        return True
    if user.administered_programs.exclude(pk=program.pk).exists():
        return True
    return (
        user.participations.exclude(program=program)
        .exclude(status=Participant.Status.WITHDRAWN)
        .exists()
    )


@transaction.atomic
def deactivate(user, program=None):
    now = timezone.now()
    live = user.participations.exclude(status=Participant.Status.WITHDRAWN).select_related(
        "program"
    )
    if program is not None:
        live = live.filter(program=program)
    for participant in live:
        participation.withdraw(participant, now=now)
    if (program is None or not _kept_elsewhere(user, program)) and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    log.info(
        "scim deactivated: user=%s program=%s account_active=%s",
        user.pk,
        program.pk if program else "-",
        user.is_active,
    )


@transaction.atomic
def reactivate(user):
    """The account works again; programs are rejoined by an admin or an invitation."""
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        log.info("scim reactivated: user=%s", user.pk)
