"""Who may see or change a pair's sessions and actions.

One helper per object kind. Pair members read and write; the program's admins
(and superusers) read dates, counts and statuses only (views get ``can_write``
False and ``can_read_content`` False); anyone else gets 404.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404

from pairs import access as pairs_access
from pairs.models import Pair
from sessions.models import Goal, NextAction, Session


@dataclass(frozen=True)
class PairAccess:
    pair: Pair
    role: str | None  # "mentor", "mentee" or None for an admin
    user: object

    @cached_property
    def is_program_admin(self):
        """Asked only where a page needs it: a non-member got here as an admin already."""
        return self.role is None or self.pair.program.is_admin(self.user)

    @property
    def is_member(self):
        return self.role is not None

    # Content (notes, sides, action text) is for members only.
    can_read_content = is_member
    can_write = is_member

    @property
    def partner(self):
        if self.role == "mentor":
            return self.pair.mentee.user
        if self.role == "mentee":
            return self.pair.mentor.user
        return None


def get_pair_for_user(user, pk, write=False):
    """A PairAccess for a member (read/write) or a program admin (read-only: 403 on write).

    Built on pairs.access.get_pair_for_user: strangers get 404.
    """
    return access_for(user, pairs_access.get_pair_for_user(user, pk, write=write))


def access_for(user, pair):
    """The PairAccess of a pair already known to be visible to the user (a pair of
    pairs_visible_to): what get_pair_for_user decides, for lists."""
    return PairAccess(pair=pair, role=pair.role_of(user), user=user)


def sessions_visible_to(user):
    """Sessions of the pairs the user may see (pairs.access.pairs_visible_to)."""
    return Session.objects.filter(pair__in=pairs_access.pairs_visible_to(user))


def actions_visible_to(user):
    """Next actions of the pairs the user may see."""
    return NextAction.objects.filter(pair__in=pairs_access.pairs_visible_to(user))


def _get_for_user(model, user, pk, write):
    """(object, PairAccess) for a row of a pair the user may see; 404 for anyone else."""
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404
    access = get_pair_for_user(user, obj.pair_id, write=write)
    obj.pair = access.pair
    return obj, access


def get_session_for_user(user, pk, write=False):
    """(session, PairAccess) for a session of a pair the user may see."""
    return _get_for_user(Session, user, pk, write)


def get_action_for_user(user, pk, write=False):
    """(action, PairAccess) for a next action of a pair the user may see."""
    return _get_for_user(NextAction, user, pk, write)


def get_goal_for_user(user, pk, write=False):
    """(goal, PairAccess): its owner reads and writes; the partner reads a shared goal (403
    on write); a private goal is 404 to everyone else. Program admins never read a goal's
    text (403); strangers get 404."""
    goal, access = _get_for_user(Goal, user, pk, write)
    if not access.is_member:
        raise PermissionDenied
    if goal.owner_id != user.pk:
        if not goal.shared:
            raise Http404
        if write:
            raise PermissionDenied
    return goal, access
