"""Who may see or answer a check-in, and act on a help request. 404 for anyone else.

A check-in's text is its author's: nobody else opens it here, program admins included
(they see aggregates on the health page). A help request is its program admins' task.
"""

from django.http import Http404

from checkins.models import CheckIn, HelpRequest
from mentorship.access import get_program_for_admin


def get_checkin_for_user(user, pk):
    """The user's own check-in; 404 for anyone else (the partner too: shared answers show
    on the pair page, never through this page)."""
    if not user.is_authenticated:
        raise Http404
    checkin = (
        CheckIn.objects.select_related("pair__program", "pair__mentor__user", "pair__mentee__user")
        .filter(pk=pk, user=user)
        .first()
    )
    if checkin is None:
        raise Http404
    return checkin


def checkins_visible_to(user):
    """The list form of get_checkin_for_user (the REST API): the user's own check-ins."""
    if not user.is_authenticated:
        return CheckIn.objects.none()
    return CheckIn.objects.filter(user=user)


def get_help_request_for_admin(user, slug, pk):
    """(program, request) for one of the program's admins; 403 for its participants."""
    program = get_program_for_admin(user, slug)
    help_request = (
        HelpRequest.objects.select_related("pair__mentor__user", "pair__mentee__user")
        .filter(pk=pk, pair__program=program)
        .first()
    )
    if help_request is None:
        raise Http404
    return program, help_request
