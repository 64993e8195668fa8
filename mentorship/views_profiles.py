"""A participant's own profile per program (guided onboarding, later edits) and the
profile another person may see where a feature needs it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentorship import access, profiles, relations
from mentorship.forms import ProfileForm, availability_formset
from mentorship.models import Skill


def _edit(request, slug, onboarding):
    participant = access.get_own_participant(request.user, slug)
    form = ProfileForm(request.POST or None, instance=participant)
    formset = availability_formset(participant, request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {**form.cleaned_data, "availability": formset.windows}
        profiles.save_profile(participant, data, onboarding=onboarding)
        if onboarding:
            messages.success(request, _("You're all set. You can change this any time."))
        else:
            messages.success(request, _("Profile saved."))
        return redirect("programs:profile", slug)
    return render(
        request,
        "profiles/edit.html",
        {
            "participant": participant,
            "program": participant.program,
            "form": form,
            "formset": formset,
            "onboarding": onboarding,
            "skill_options": Skill.objects.filter(program=participant.program)
            .order_by("name")
            .values_list("name", flat=True),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def onboarding(request, slug):
    return _edit(request, slug, onboarding=True)


@login_required
def profile_edit(request, slug):
    return _edit(request, slug, onboarding=False)


def _show(request, participant, show_private):
    return render(
        request,
        "profiles/show.html",
        {
            "participant": participant,
            "program": participant.program,
            "card": profiles.public_view(participant),
            "show_private": show_private,
            # Their pairs (statuses and dates): for themselves and the program's admins.
            "pairs": relations.pairs_of(participant) if show_private else [],
            "own": participant.user_id == request.user.pk,
        },
    )


@login_required
def profile(request, slug):
    participant = access.get_own_participant(request.user, slug)
    if participant.onboarded_at is None:
        return redirect("programs:onboarding", slug)
    return _show(request, participant, show_private=True)


@login_required
def person(request, slug, pk):
    participant, show_private = access.get_participant_for_viewer(request.user, slug, pk)
    return _show(request, participant, show_private)
