"""Access helpers: one per object kind. 404 for strangers, 403 for read-only."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from mentorship import relations
from mentorship.models import Invite, Participant, Program, ScimToken, Skill, WebhookEndpoint
from mentorship.programs import can_create_program


def get_program_for_admin(user, slug):
    """A program its admin (or a superuser) may manage.

    A participant of the program gets 403 (they know it exists); anyone else 404.
    """
    program = get_object_or_404(Program, slug=slug)
    if not user.is_authenticated:
        raise Http404
    if program.is_admin(user):
        return program
    if Participant.objects.filter(program=program, user=user).exists():
        raise PermissionDenied
    raise Http404


def programs_visible_to(user):
    """Programs a person runs or takes part in (not withdrawn); every one for a superuser."""
    if not user.is_authenticated:
        return Program.objects.none()
    if user.is_superuser:
        return Program.objects.all()
    ids = Program.objects.filter(
        Q(admins=user)
        | Q(
            participants__user=user,
            participants__status__in=[Participant.Status.INVITED, Participant.Status.ACTIVE],
        )
    ).values("pk")
    return Program.objects.filter(pk__in=ids)


def require_program_creator(user):
    """Staff, superusers and existing program admins may create programs; others 403."""
    if not can_create_program(user):
        raise PermissionDenied


def get_own_participant(user, slug):
    """The signed-in user's own profile in the program; 404 if they are not in it."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Participant.objects.select_related("program", "user").exclude(
            status=Participant.Status.WITHDRAWN
        ),
        program__slug=slug,
        user=user,
    )


def get_invite_for_admin(user, slug, invite_id):
    program = get_program_for_admin(user, slug)
    return get_object_or_404(
        Invite.objects.select_related("program", "participant"), pk=invite_id, program=program
    )


def get_webhook_for_admin(user, slug, endpoint_id):
    program = get_program_for_admin(user, slug)
    return get_object_or_404(
        WebhookEndpoint.objects.select_related("program"), pk=endpoint_id, program=program
    )


def get_skill_for_admin(user, slug, skill_id):
    program = get_program_for_admin(user, slug)
    return get_object_or_404(Skill.objects.select_related("program"), pk=skill_id, program=program)


def get_participant_for_viewer(user, slug, participant_id):
    """(participant, show_private) for another person's profile page.

    Program admins see everything; the person themselves too; a partner or someone they
    exchanged a pairing request with sees the public part; everyone else gets 404.
    """
    if not user.is_authenticated:
        raise Http404
    participant = get_object_or_404(
        Participant.objects.select_related("program", "user"), pk=participant_id, program__slug=slug
    )
    if participant.user_id == user.pk or participant.program.is_admin(user):
        return participant, True
    if participant.status != Participant.Status.WITHDRAWN and relations.related(user, participant):
        return participant, False
    raise Http404


def is_email_admin(user):
    """Superusers and program admins see failed emails and may get the admin digest."""
    return user.is_authenticated and (user.is_superuser or user.administered_programs.exists())


def failed_emails_for(user, rows):
    """Of the failed-email rows, those to people of programs the user runs (all: superusers)."""
    if user.is_superuser:
        return rows
    programs = user.administered_programs.all()
    return rows.filter(
        Q(user__participations__program__in=programs) | Q(user__administered_programs__in=programs)
    ).distinct()


def require_site_admin(user):
    """Site-wide settings (site provisioning tokens): staff only; others 403."""
    if not (user.is_authenticated and (user.is_staff or user.is_superuser)):
        raise PermissionDenied


def get_scim_token_for_admin(user, slug, token_id):
    """A provisioning token of a program, for its admin; site tokens (slug None) for staff."""
    if slug is None:
        require_site_admin(user)
        return get_object_or_404(ScimToken, pk=token_id, program=None)
    program = get_program_for_admin(user, slug)
    return get_object_or_404(
        ScimToken.objects.select_related("program"), pk=token_id, program=program
    )
