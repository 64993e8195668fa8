"""Programs: who may create them, the participants list with its filters, CSV export."""

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from mentorship import availability, relations
from mentorship.bounds import small_int
from mentorship.models import Participant, Program, Skill

PAGE_SIZE = 25


def can_create_program(user):
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or user.administered_programs.exists()


@transaction.atomic
def create_program(form, user):
    program = form.save()
    program.admins.add(user)
    return program


class AdminError(ValueError):
    pass


@transaction.atomic
def remove_admin(program, user_id):
    admins = list(program.admins.select_for_update().values_list("pk", flat=True))
    if user_id not in admins:
        raise AdminError(_("That person is not an admin of this program."))
    if len(admins) == 1:
        raise AdminError(_("A program needs at least one admin."))
    program.admins.remove(user_id)


def programs_for(user):
    """(programs I run, my participations) for the programs page."""
    administered = Program.objects.all() if user.is_superuser else user.administered_programs
    administered = (
        administered.all()
        .annotate(n_participants=Count("participants", distinct=True))
        .order_by("name")
    )
    participations = (
        user.participations.exclude(status=Participant.Status.WITHDRAWN)
        .select_related("program")
        .order_by("program__name")
    )
    return administered, participations


def status_counts(program):
    counts = dict(program.participants.values_list("status").annotate(n=Count("pk")).order_by())
    return {s: counts.get(s, 0) for s in Participant.Status.values}


def participants(program, q="", role="", status="", skill="", matched=""):
    """The filtered participants of program, with what the list shows, in one query each."""
    qs = Participant.objects.filter(program=program).select_related("user")
    if q:
        qs = qs.filter(search_q(q))
    if role in Participant.Role.values:
        qs = qs.filter(role=role)
    if status in Participant.Status.values:
        qs = qs.filter(status=status)
    if skill:
        skill_id = small_int(skill)
        if skill_id is not None:
            qs = qs.filter(
                Exists(
                    Participant.teaches.through.objects.filter(
                        participant=OuterRef("pk"), skill_id=skill_id
                    )
                )
                | Exists(
                    Participant.learns.through.objects.filter(
                        participant=OuterRef("pk"), skill_id=skill_id
                    )
                )
            )
    matched_expr = relations.matched_expression()
    if matched_expr is not None:
        qs = qs.annotate(is_matched=matched_expr)
        if matched == "matched":
            qs = qs.filter(is_matched=True)
        elif matched == "unmatched":
            qs = qs.filter(is_matched=False)
    skills_qs = Skill.objects.order_by("name")
    return qs.prefetch_related(
        Prefetch("teaches", queryset=skills_qs), Prefetch("learns", queryset=skills_qs)
    ).order_by("user__display_name", "user__email", "pk")


def search_q(q):
    """The participants list's search: name, email or department contains q."""
    return (
        Q(user__email__icontains=q)
        | Q(user__display_name__icontains=q)
        | Q(department__icontains=q)
    )


PICK_SHOWN = 10  # a person picker lists at most this many matches


def find_people(program, q, may=None, shown=PICK_SHOWN):
    """Active participants of program that the search q finds (and the filter `may`
    allows), by name: (at most `shown` of them, whether more match). One query; none
    for an empty search."""
    q = (q or "").strip()[:100]
    if not q:
        return [], False
    found = list(
        Participant.objects.filter(program=program, status=Participant.Status.ACTIVE)
        .filter(search_q(q), may or Q())
        .select_related("user")
        .order_by("user__display_name", "user__email", "pk")[: shown + 1]
    )
    return found[:shown], len(found) > shown


def page_of(queryset, number):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(number)


EXPORT_HEADER = [
    "email",
    "name",
    "role",
    "status",
    "time_zone",
    "teaches",
    "learns",
    "goals",
    "department",
    "manager_email",
    "capacity",
    "availability",
]


def export_rows(program):
    qs = participants(program)
    for p in qs.iterator(chunk_size=500):
        yield [
            p.user.email,
            p.user.display_name,
            p.role,
            p.status,
            p.user.time_zone,
            "; ".join(s.name for s in p.teaches.all()),
            "; ".join(s.name for s in p.learns.all()),
            p.goals,
            p.department,
            p.manager_email,
            p.capacity,
            availability.to_text(p.availability),
        ]
