"""Which programs a person joins by signing in through single sign-on, and where they land."""

import logging

from django.db import transaction
from django.urls import reverse

from mentorship.email_domains import domain_of, parse
from mentorship.models import Participant, Program

log = logging.getLogger(__name__)


def programs_for_domain(domain):
    """Programs whose admins let people with an address at domain join through SSO."""
    if not domain:
        return []
    # The field is short and bounded (email_domains.MAX_DOMAINS); a substring match narrows
    # the rows in the database and parse() decides exactly.
    candidates = Program.objects.filter(sso_email_domains__icontains=domain)
    return [p for p in candidates if domain in parse(p.sso_email_domains)]


@transaction.atomic
def join_by_domain(user):
    """Join user to every program open to their email domain. Someone an admin withdrew
    (or SCIM deactivated) stays withdrawn: signing in again is not a way back."""
    joined = []
    for program in programs_for_domain(domain_of(user.email)):
        participant, created = Participant.objects.get_or_create(
            program=program, user=user, defaults={"status": Participant.Status.ACTIVE}
        )
        if not created and participant.status == Participant.Status.INVITED:
            participant.status = Participant.Status.ACTIVE
            participant.save(update_fields=["status", "updated_at"])
        if created:
            joined.append(program)
            log.info("sso joined: user=%s program=%s", user.pk, program.pk)
    return joined


def landing_url(user):
    """The "ask your program admin" page for someone in no program who runs none, else None."""
    if not user.is_authenticated or user.is_staff or user.is_superuser:
        return None
    if user.administered_programs.exists():
        return None
    if user.participations.exclude(status=Participant.Status.WITHDRAWN).exists():
        return None
    return reverse("sso_no_program")
