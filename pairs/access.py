"""Access helpers for pairs, requests and the matching pages. 404 for strangers, 403 read-only."""

from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Q
from django.http import Http404

from mentorship.access import get_program_for_admin
from mentorship.models import Participant, Program
from mentorship.prepared import Param, prepared
from pairs.models import Pair, PairRequest

__all__ = [
    "get_pair_for_user",
    "get_participant_for_user",
    "get_program_for_admin",
    "get_request_for_user",
    "pairs_visible_to",
]


def get_pair_for_user(user, pk, *, write=False):
    """A pair its members may read and change; the program's admins may read it (403 on
    write). Lifecycle changes need only read access: `lifecycle.change` lets members and
    admins pause, resume, complete or end. Anyone else: 404."""
    if not user.is_authenticated:
        raise Http404
    found = _pair_with_people(pk=pk)
    if not found:
        raise Http404
    pair = found[0]
    if user.pk in pair.member_user_ids():
        return pair
    if pair.program.is_admin(user):
        if write:
            raise PermissionDenied
        return pair
    raise Http404


@prepared  # every pair page and action asks: compiled once (mentorship.prepared)
def _pair_with_people():
    pairs = Pair.objects.select_related("program", "mentor__user", "mentee__user")
    return pairs.filter(pk=Param("pk", BigIntegerField())).order_by()


def pairs_visible_to(user):
    """The list form of get_pair_for_user: the pairs a person is in and the pairs of the
    programs they run (every pair for a superuser, whom Program.is_admin lets in)."""
    if not user.is_authenticated:
        return Pair.objects.none()
    if user.is_superuser:
        return Pair.objects.all()
    mine = Pair.objects.filter(
        Q(mentor__user=user) | Q(mentee__user=user) | Q(program__admins=user)
    ).values("pk")
    return Pair.objects.filter(pk__in=mine)


def get_participant_for_user(user, slug):
    """The signed-in user's own participation in a program (404 if none)."""
    if not user.is_authenticated:
        raise Http404
    participant = (
        Participant.objects.select_related("program", "user")
        .filter(program__slug=slug, user=user)
        .first()
    )
    if participant is None:
        if Program.objects.filter(slug=slug).exists() and user.is_superuser:
            raise PermissionDenied
        raise Http404
    return participant


def get_request_for_user(user, pk):
    """A pairing request its requester or recipient may act on; anyone else 404."""
    if not user.is_authenticated:
        raise Http404
    request = (
        PairRequest.objects.select_related("program", "requester__user", "recipient__user")
        .filter(pk=pk)
        .first()
    )
    if request is None or user.pk not in (request.requester.user_id, request.recipient.user_id):
        raise Http404
    return request
