"""Access helpers: one per object kind. 404 for strangers, 403 for read-only."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from mentorship.models import Participant, Program


def get_program_for_admin(user, slug):
    """A program its admin (or a superuser) may manage.

    A participant of the program gets 403 (they know it exists); anyone else 404.
    """
    try:
        program = Program.objects.get(slug=slug)
    except Program.DoesNotExist:
        raise Http404
    if not user.is_authenticated:
        raise Http404
    if user.is_superuser or program.admins.filter(pk=user.pk).exists():
        return program
    if Participant.objects.filter(program=program, user=user).exists():
        raise PermissionDenied
    raise Http404
