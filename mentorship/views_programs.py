"""Program admin pages: programs list, create and edit, the admin home, participants, export,
skill vocabulary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship import access, admin_invites, csvutil, programs, skills
from mentorship.forms import (
    AddAdminForm,
    ParticipantFilterForm,
    ProgramForm,
    SkillMergeForm,
    SkillRenameForm,
)
from mentorship.listing import render_filtered_list
from mentorship.models import Invite


@login_required
def program_list(request):
    administered, participations = programs.programs_for(request.user)
    return render(
        request,
        "programs/list.html",
        {
            "administered": administered,
            "participations": participations,
            "can_create": programs.can_create_program(request.user),
        },
    )


@login_required
def program_create(request):
    access.require_program_creator(request.user)
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = programs.create_program(form, request.user)
        messages.success(request, _("Program created. Now bring people in."))
        return redirect("programs:detail", program.slug)
    return render(request, "programs/form.html", {"form": form, "program": None})


@login_required
def program_edit(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        program = form.save()
        messages.success(request, _("Program saved."))
        return redirect("programs:detail", program.slug)
    if request.method == "POST":
        program.refresh_from_db()  # the page header must not show an unsaved slug or name
    return render(
        request,
        "programs/form.html",
        {
            "form": form,
            "program": program,
            "admins": program.admins.order_by("email"),
            "admin_form": AddAdminForm(),
        },
    )


@login_required
@require_POST
def admin_add(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    form = AddAdminForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        admin_invites.invite_admin(program, email, request.user)
        messages.success(request, admin_invites.sent_message(email))
    else:
        messages.error(request, _("Enter a valid email address."))
    return redirect("programs:edit", slug)


@login_required
@require_POST
def admin_remove(request, slug, user_id):
    program = access.get_program_for_admin(request.user, slug)
    try:
        programs.remove_admin(program, user_id)
    except programs.AdminError as exc:
        messages.error(request, str(exc))
        return redirect("programs:edit", slug)
    messages.success(request, _("Removed an admin."))
    if user_id == request.user.pk and not request.user.is_superuser:
        return redirect("programs:list")  # they no longer run it
    return redirect("programs:edit", slug)


@login_required
def program_detail(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "counts": programs.status_counts(program),
            "pending_invites": program.invites.filter(status=Invite.Status.PENDING).count(),
            "skill_count": program.skills.count(),
            "admins": program.admins.all(),
        },
    )


@login_required
def participants(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    form = ParticipantFilterForm(request.GET or None, program=program)
    filters = form.filters()
    page = programs.page_of(programs.participants(program, **filters), request.GET.get("page"))
    return render_filtered_list(
        request, "programs/participants.html", program=program, form=form, filters=filters,
        page=page,
    )  # fmt: skip


@login_required
def participants_export(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    stamp = timezone.localdate().isoformat()
    return csvutil.streaming_csv_response(
        f"{program.slug}-participants-{stamp}.csv",
        programs.EXPORT_HEADER,
        programs.export_rows(program),
    )


@login_required
def skill_list(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    vocabulary = program.skills.annotate(
        n_teach=Count("teachers", distinct=True), n_learn=Count("learners", distinct=True)
    ).order_by("name")
    return render(
        request,
        "programs/skills.html",
        {
            "program": program,
            "skills": vocabulary,
            "merge_form": SkillMergeForm(program=program),
        },
    )


@login_required
@require_POST
def skill_rename(request, slug, pk):
    skill = access.get_skill_for_admin(request.user, slug, pk)
    form = SkillRenameForm(request.POST)
    if form.is_valid():
        old = skill.name
        try:
            skills.rename(skill, form.cleaned_data["name"])
            messages.success(
                request, _("Renamed “%(old)s” to “%(new)s”.") % {"old": old, "new": skill.name}
            )
        except skills.SkillError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Give the skill a name of at most 80 characters."))
    return redirect("programs:skills", slug)


@login_required
@require_POST
def skill_merge(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    form = SkillMergeForm(request.POST, program=program)
    if form.is_valid():
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]
        name = source.name
        skills.merge(source, target)
        messages.success(
            request,
            _("Merged “%(source)s” into “%(target)s”: everyone who had it now has “%(target)s”.")
            % {"source": name, "target": target.name},
        )
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    return redirect("programs:skills", slug)
