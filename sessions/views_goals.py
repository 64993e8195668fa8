"""Goals, the working agreement and the agenda: thin views over sessions.goals,
sessions.agreement and sessions.agenda. Each page works without JavaScript; the agenda and
a goal's progress also answer htmx with their partial."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sessions import agenda as agenda_service
from sessions import agreement as agreement_service
from sessions import goals as goal_service
from sessions.access import get_goal_for_user, get_pair_for_user
from sessions.forms import AgendaItemForm, AgreementForm, GoalForm, ProgressForm

# Goals ----------------------------------------------------------------------------------------


def _goal_values(form):
    data = form.cleaned_data
    return {
        "text": data["text"],
        "why": data.get("why") or "",
        "target_on": data["target_on"],
        "shared": bool(data.get("shared")),
        "milestones": data.get("milestones") or [],
    }


def _render_goal_form(request, access, form, goal=None, status=200):
    return render(
        request,
        "sessions/goal_form.html",
        {"pair": access.pair, "access": access, "form": form, "goal": goal},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request, pk):
    access = get_pair_for_user(request.user, pk, write=True)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                goal = goal_service.create_goal(
                    access.pair, request.user, access.role, **_goal_values(form)
                )
            except goal_service.GoalError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Goal saved."))
                return redirect("sessions:goal", pk=goal.pk)
        return _render_goal_form(request, access, form, status=400)
    return _render_goal_form(request, access, form)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, pk):
    goal, access = get_goal_for_user(request.user, pk, write=True)
    initial = {
        "text": goal.text,
        "why": goal.why,
        "target_on": goal.target_on,
        "shared": goal.shared,
        "milestones": "\n".join(m.text for m in goal.milestones.all()),
    }
    data = request.POST if request.method == "POST" else None
    form = GoalForm(data, initial=initial, old_target=goal.target_on)
    if request.method == "POST":
        if form.is_valid():
            try:
                goal_service.update_goal(goal, request.user, **_goal_values(form))
            except goal_service.GoalError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Goal saved."))
                return redirect("sessions:goal", pk=goal.pk)
        return _render_goal_form(request, access, form, goal=goal, status=400)
    return _render_goal_form(request, access, form, goal=goal)


def _progress_form(goal, data=None):
    return ProgressForm(
        data,
        milestones=goal.milestone_list,
        initial={"status": goal.status, "done": [m.pk for m in goal.milestone_list if m.done]},
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def goal_detail(request, pk):
    goal, access = get_goal_for_user(request.user, pk)
    goal_service.detail(goal)
    context = {"goal": goal, "pair": access.pair, "access": access}
    if goal.owner_id == request.user.pk:
        context["progress_form"] = _progress_form(goal)
    return render(request, "sessions/goal.html", context)


@login_required
@require_POST
def goal_progress(request, pk):
    goal, access = get_goal_for_user(request.user, pk, write=True)
    goal_service.detail(goal)
    form = ProgressForm(request.POST, milestones=goal.milestone_list)
    error = None
    if form.is_valid():
        try:
            goal = goal_service.set_progress(
                goal,
                request.user,
                status=form.cleaned_data["status"],
                done_milestones=form.cleaned_data["done"],
            )
        except goal_service.GoalError as exc:
            error = str(exc)
    else:
        error = _("Choose where the goal stands.")
    if request.htmx:
        goal_service.detail(goal)
        context = {
            "goal": goal,
            "pair": access.pair,
            "access": access,
            "progress_form": _progress_form(goal),
            "error": error,
            "saved": error is None,
        }
        return render(request, "sessions/goal.html#progress", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Progress saved."))
    return redirect("sessions:goal", pk=goal.pk)


# The working agreement ------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agreement(request, pk):
    access = get_pair_for_user(request.user, pk, write=True)
    pair, role = access.pair, access.role
    current = agreement_service.for_pair(pair)
    initial = {
        "cadence": current.cadence,
        "format": current.format,
        "learn": getattr(current, f"{role}_learn"),
        "teach": getattr(current, f"{role}_teach"),
        "confirm": bool(getattr(current, f"{role}_confirmed_at")),
        "version": current.version,
    }
    form = AgreementForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                agreement_service.save(pair, role, **form.cleaned_data)
            except agreement_service.AgreementError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The agreement is saved."))
                return redirect(pair.get_absolute_url() + "#agreement")
        status = 400
    partner_role = "mentee" if role == "mentor" else "mentor"
    return render(
        request,
        "sessions/agreement.html",
        {
            "pair": pair,
            "access": access,
            "form": form,
            "agreement": current,
            "confirmed": agreement_service.confirmed_by(current, pair),
            "partner_learn": getattr(current, f"{partner_role}_learn"),
            "partner_teach": getattr(current, f"{partner_role}_teach"),
        },
        status=status,
    )


# The agenda -----------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agenda(request, pk):
    """The open agenda and a field to add to it; htmx gets the block back."""
    access = get_pair_for_user(request.user, pk, write=True)
    pair = access.pair
    form = AgendaItemForm(request.POST if request.method == "POST" else None)
    status = 200
    added = False
    if request.method == "POST":
        if form.is_valid():
            try:
                agenda_service.add_item(pair, request.user, access.role, form.cleaned_data["text"])
            except agenda_service.AgendaError as exc:
                form.add_error("text", str(exc))
            else:
                added = True
                if not request.htmx:
                    messages.success(request, _("Added to the agenda for your next session."))
                    return redirect("sessions:agenda", pk=pair.pk)
                form = AgendaItemForm()
        if not added:
            status = 400
    context = {
        "pair": pair,
        "access": access,
        "agenda_items": agenda_service.open_items(pair),
        "agenda_form": form,
        "added": added,
    }
    template = "sessions/_agenda.html" if request.htmx else "sessions/agenda.html"
    return render(request, template, context, status=status)
