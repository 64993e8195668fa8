"""Exclusions: two people never to be suggested together in a program (matching reads them
in pairing.blocked_pairs). Admins add them on the matching page; a person who asks to be
re-matched away from a partner gets one too (checkins.way_out)."""

from pairs.models import Exclusion

MAX_REASON = 200


def exclude(program, first, second, reason="", by=None):
    """The one Exclusion for these two participants (either order); (exclusion, created)."""
    a, b = sorted([first, second], key=lambda p: p.pk)
    return Exclusion.objects.get_or_create(
        program=program,
        first=a,
        second=b,
        defaults={"reason": (reason or "")[:MAX_REASON], "created_by": by},
    )
