"""The pairs app's answers to mentorship.relations: who is matched, who is related."""

from django.db.models import Exists, OuterRef, Q

from mentorship.models import Participant
from pairs.models import Pair, PairRequest


def matched_expression():
    """True for a participant in a pair that holds a slot (proposed, active or paused)."""
    return Exists(
        Pair.objects.filter(status__in=Pair.OCCUPYING).filter(
            Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk"))
        )
    )


def pairs_of(participant):
    pairs = (
        Pair.objects.filter(Q(mentor=participant) | Q(mentee=participant))
        .select_related("mentor__user", "mentee__user")
        .order_by("-created_at", "-pk")
    )
    return [
        {
            "partner": pair.partner_of(participant.user).user.name,
            "role": pair.role_of(participant.user),
            "status": pair.get_status_display(),
            "started_on": pair.started_on,
            "url": pair.get_absolute_url(),
        }
        for pair in pairs
    ]


def related(viewer, participant):
    """True when viewer is participant's partner (a pair that is or was real), or the two
    sent each other a pairing request, in participant's program."""
    mine = Participant.objects.filter(program_id=participant.program_id, user=viewer)
    partnered = Pair.objects.filter(status__in=Pair.PARTNERED).filter(
        Q(mentor__in=mine, mentee=participant) | Q(mentee__in=mine, mentor=participant)
    )
    asked = PairRequest.objects.filter(
        Q(requester__in=mine, recipient=participant) | Q(recipient__in=mine, requester=participant)
    )
    return partnered.exists() or asked.exists()
