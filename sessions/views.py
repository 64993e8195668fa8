"""Session logs, the pair page, my dashboard and calendars. Thin views over services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs import lifecycle
from sessions import actions as action_service
from sessions import agenda as agenda_service
from sessions import agreement as agreement_service
from sessions import dashboard as dashboard_service
from sessions import goals as goal_service
from sessions import ical as calendar_service
from sessions import panels, side_invites
from sessions import session_log as log_service
from sessions import timeline as timeline_service
from sessions.access import get_action_for_user, get_pair_for_user, get_session_for_user
from sessions.forms import (
    EMPTY_ACTION_ROWS,
    MAX_NEW_ACTIONS,
    AgendaItemForm,
    AgendaReviewForm,
    DoneForm,
    NewActionForm,
    ReviewForm,
    ScheduleForm,
    SharedForm,
    SideForm,
    new_action_indexes,
    small_int,
)
from sessions.models import CalendarFeed, NextAction, Session, SessionSide


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# Dashboard ---------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    now = timezone.now()
    board = dashboard_service.build(request.user, now)
    context = {"board": board, "panels": panels.dashboard_panels(request.user, board, now)}
    return render(request, "sessions/dashboard.html", context)


@login_required
@require_POST
def action_done(request, pk):
    action, access = get_action_for_user(request.user, pk, write=True)
    form = DoneForm(request.POST)
    error = None
    version = form.cleaned_data.get("version") if form.is_valid() else None
    try:
        action = action_service.mark_done(action, request.user, expected_version=version)
    except action_service.ActionError as exc:
        error = str(exc)
        action.refresh_from_db()
    if request.htmx:
        timeline_service.label_action(action)
        dashboard_service.flag_due(action, timezone.localdate())
        return render(
            request,
            "sessions/dashboard.html#action_item",
            {"action": action, "error": error, "just_done": error is None, "can_write": True},
            status=409 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Marked done: %(text)s") % {"text": action.text})
    return redirect(_safe_next(request, reverse("home")))


# Pair page ---------------------------------------------------------------------------


def _page_number(request):
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@login_required
@require_GET
def pair_page(request, pk):
    access = get_pair_for_user(request.user, pk)
    pair = access.pair
    page = _page_number(request)
    rows = timeline_service.balance(pair)
    timeline = timeline_service.timeline(pair, page, with_open_actions=access.can_write)
    # Whoever just completed or ended the pair comes back with a token to take it back.
    undo = request.GET.get("undo", "")
    context = {
        "access": access,
        "pair": pair,
        "pair_role": access.role,
        # Called by the template only when pair_role is empty: no query for the members.
        "is_program_admin": lambda: access.is_program_admin,
        "timeline": timeline,
        "counts": timeline_service.counts(pair),
        "upcoming": timeline.upcoming,
        "balance_rows": rows,
        "balance_charts": timeline_service.balance_sparklines(rows),
        "undo_token": undo if lifecycle.read_undo(pair, undo) is not None else "",
        "undo_minutes": lifecycle.UNDO_SECONDS // 60,
        "panels": panels.pair_panels(access, timezone.now()),
        "side_labels": timeline_service.side_labels(),
    }
    agreement = agreement_service.for_pair(pair)
    context["agreement"] = agreement
    context["agreement_confirmed"] = agreement_service.confirmed_by(agreement, pair)
    if access.can_write:
        context["open_actions"] = timeline.open_actions
        context["session_formats"] = Session.Format.choices
        context["goals"] = goal_service.pair_goals(pair, request.user)
        context["agenda_items"] = agenda_service.open_items(pair)
        context["agenda_form"] = AgendaItemForm()
    else:
        context["goal_counts"] = goal_service.counts(pair)  # counts only: never the text
    return render(request, "sessions/pair.html", context)


@login_required
@require_POST
def schedule(request, pk):
    access = get_pair_for_user(request.user, pk, write=True)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            log_service.schedule(access.pair, request.user, **form.cleaned_data)
        except log_service.LogError as exc:
            messages.error(request, str(exc))
            return redirect("sessions:pair", pk=access.pair.pk)
        messages.success(request, _("Next session scheduled. It is in your calendar feed."))
        return redirect(access.pair)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(access.pair)


# Logging a session and adding my side ------------------------------------------------


def _owner_choices(pair):
    return [
        ("mentor", _("%(name)s (mentor)") % {"name": pair.mentor.user.name}),
        ("mentee", _("%(name)s (mentee)") % {"name": pair.mentee.user.name}),
        ("both", _("Both of us")),
    ]


def default_owner(access, index):
    """The empty next-action rows start as: me, my partner, both of us (then me again)."""
    me = access.role or "mentee"
    partner = "mentee" if me == "mentor" else "mentor"
    return (me, partner, NextAction.Owner.BOTH)[index] if index < 3 else me


def _review_actions(pair, data, session=None):
    """Open actions, plus any the submitted form reviewed (they may have changed since);
    never the ones agreed in `session` itself (the side page does not ask about them)."""
    posted = set()
    if data is not None:
        for key in data:
            if key.startswith("review-") and key.endswith("-version"):
                pk = small_int(key[len("review-") : -len("-version")])
                if pk is not None:
                    posted.add(pk)
    actions = timeline_service.open_actions(pair)
    known = {a.pk for a in actions}
    missing = posted - known
    if missing:
        extra = NextAction.objects.filter(pair=pair, pk__in=list(missing)[:50])
        actions += [timeline_service.label_action(a) for a in extra]
    if session is not None:
        actions = [a for a in actions if a.created_in_id != session.pk]
    for a in actions:
        a.pair = pair
    return actions


def _build_forms(request, access, session=None, scheduled=None, my_side=None):
    pair = access.pair
    data = request.POST if request.method == "POST" else None
    if session is not None:
        shared_initial = {
            "occurred_at": session.occurred_at,
            "duration_minutes": session.duration_minutes,
            "format": session.format,
            "topics": session.topics,
            "shared_notes": session.shared_notes,
            "version": session.version,
        }
    elif scheduled is not None:
        shared_initial = {
            "occurred_at": scheduled.occurred_at,
            "duration_minutes": scheduled.duration_minutes,
            "format": scheduled.format,
        }
    else:
        now = timezone.localtime()
        shared_initial = {
            "occurred_at": now.replace(
                minute=now.minute - now.minute % 15, second=0, microsecond=0
            ),
            "duration_minutes": 45,
            "format": Session.Format.VIDEO,
        }
    side_initial = {"side_version": my_side.version if my_side else 0}
    if my_side is not None:
        for name in log_service.SIDE_FIELDS:
            side_initial[name] = getattr(my_side, name)
    reviews = [
        (a, ReviewForm(data, prefix=f"review-{a.pk}", initial={"version": a.version}))
        for a in _review_actions(pair, data, session)
    ]
    choices = _owner_choices(pair)
    goal_choices = _goal_choices(pair, request.user)
    indexes = new_action_indexes(data) if data is not None else list(range(EMPTY_ACTION_ROWS))
    new_forms = [
        NewActionForm(
            data,
            prefix=f"new-{i}",
            owner_choices=choices,
            goal_choices=goal_choices,
            initial={"owner": default_owner(access, i)},
        )
        for i in indexes
    ]
    # A new session opens with the open agenda: each item discussed or carried over.
    agenda_forms = []
    if session is None:
        agenda_forms = [
            (item, AgendaReviewForm(data, prefix=f"agenda-{item.pk}"))
            for item in agenda_service.open_items(pair)
        ]
    return {
        "shared_form": SharedForm(data, initial=shared_initial),
        "side_form": SideForm(data, initial=side_initial),
        "review_forms": reviews,
        "agenda_forms": agenda_forms,
        "new_forms": new_forms,
        "next_index": (max(indexes) + 1) if indexes else 0,
        "my_side": my_side,
    }


def _goal_choices(pair, user):
    return [(pk, text[:80]) for pk, text in goal_service.goal_options(pair, user)]


def _forms_valid(forms):
    ok = forms["shared_form"].is_valid() & forms["side_form"].is_valid()
    for _action, form in forms["review_forms"] + forms["agenda_forms"]:
        ok &= form.is_valid()
    for form in forms["new_forms"]:
        ok &= form.is_valid()
    return ok


def _service_inputs(forms):
    shared = {k: v for k, v in forms["shared_form"].cleaned_data.items() if k != "version"}
    side = {k: v for k, v in forms["side_form"].cleaned_data.items() if k != "side_version"}
    reviews = [
        log_service.Review(
            action_id=action.pk,
            decision=form.cleaned_data["decision"],
            version=form.cleaned_data["version"],
            new_due=form.cleaned_data.get("new_due"),
            reason=form.cleaned_data.get("reason") or "",
        )
        for action, form in forms["review_forms"]
    ]
    new_actions = [
        log_service.NewAction(
            text=form.cleaned_data["text"].strip(),
            owner=form.cleaned_data["owner"],
            due_on=form.cleaned_data["due_on"],
            goal_id=form.cleaned_data.get("goal"),
        )
        for form in forms["new_forms"]
        if (form.cleaned_data.get("text") or "").strip()
    ]
    agenda = {
        item.pk: form.cleaned_data["decision"]
        for item, form in forms["agenda_forms"]
        if form.cleaned_data.get("decision")
    }
    return shared, side, reviews, new_actions, agenda


def _after_save(request, access, result):
    pair = access.pair
    if result.created:
        messages.success(request, _("Session logged."))
        # Only if the partner has no side yet: queue_invite checks that itself.
        side_invites.queue_invite(result.session, access.partner)
    else:
        messages.success(request, _("Your side of the session is saved."))
    for prompt in result.prompts:
        messages.info(request, prompt)
    return redirect(pair.get_absolute_url() + f"#session-{result.session.pk}")


def _scheduled_from(request, pair):
    pk = small_int(request.POST.get("scheduled") or request.GET.get("scheduled"))
    if pk is None:
        return None
    return Session.objects.filter(pk=pk, pair=pair, status=Session.Status.SCHEDULED).first()


def _save_posted(request, access, forms, **save_kwargs):
    """Validate the posted forms and save the log: (redirect, None) or (None, error).

    Versions may be given as callables: they read cleaned_data, which exists only
    once the forms are valid.
    """
    if not _forms_valid(forms):
        return None, _("Please fix the marked fields. Nothing was saved yet; your text is kept.")
    shared, side, reviews, new_actions, agenda = _service_inputs(forms)
    save_kwargs = {k: v() if callable(v) else v for k, v in save_kwargs.items()}
    try:
        result = log_service.save_log(
            access.pair,
            request.user,
            access.role,
            shared=shared,
            side=side,
            reviews=reviews,
            new_actions=new_actions,
            agenda=agenda,
            **save_kwargs,
        )
    except log_service.LogError as exc:
        return None, str(exc)
    return _after_save(request, access, result), None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def log_session(request, pk):
    access = get_pair_for_user(request.user, pk, write=True)
    if not log_service.can_log(access.pair):
        messages.error(
            request,
            _("This pairing is %(status)s: new sessions can no longer be logged.")
            % {"status": access.pair.get_status_display().lower()},
        )
        return redirect(access.pair)
    scheduled = _scheduled_from(request, access.pair)
    forms = _build_forms(request, access, scheduled=scheduled)
    error = None
    if request.method == "POST":
        response, error = _save_posted(request, access, forms, scheduled=scheduled, side_version=0)
        if response:
            return response
    return _render_log(request, access, forms, error, mode="log", scheduled=scheduled)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def session_side(request, pk):
    """Add my side to a session my partner logged, or edit my side (and the shared part)."""
    session, access = get_session_for_user(request.user, pk, write=True)
    if session.status != Session.Status.LOGGED:
        raise Http404
    # Both sides in one query: mine fills the form, my partner's shows beside it.
    rows = SessionSide.objects.filter(session=session).select_related("author")
    sides = {side.side: side for side in rows}
    my_side = sides.pop(access.role, None)
    partner_side = next(iter(sides.values()), None)
    forms = _build_forms(request, access, session=session, my_side=my_side)
    error = None
    if request.method == "POST":
        response, error = _save_posted(
            request,
            access,
            forms,
            session=session,
            session_version=lambda: forms["shared_form"].cleaned_data.get("version"),
            side_version=lambda: forms["side_form"].cleaned_data.get("side_version"),
        )
        if response:
            return response
    return _render_log(
        request, access, forms, error, mode="side", session=session, partner_side=partner_side
    )


def _error_fields(forms):
    """Each field with an error, in page order, for the summary that links to them."""
    all_forms = [
        *(form for _action, form in forms["review_forms"]),
        forms["shared_form"],
        forms["side_form"],
        *forms["new_forms"],
    ]
    return [
        {"id": field.id_for_label, "label": field.label, "error": field.errors[0]}
        for form in all_forms
        if form.is_bound
        for field in form
        if field.errors
    ]


def _render_log(request, access, forms, error, mode, **extra):
    context = {
        "access": access,
        "pair": access.pair,
        "mode": mode,
        "error": error,
        "error_fields": _error_fields(forms) if error else [],
        "new_errors": any(form.is_bound and form.errors for form in forms["new_forms"]),
        "max_new_actions": MAX_NEW_ACTIONS,
        "side_labels": timeline_service.side_labels(),
        **forms,
        **extra,
    }
    if mode == "log":  # the first sessions are where the pair agrees how they will work
        context["agreement"] = agreement_service.for_pair(access.pair)
    status = 400 if error else 200
    return render(request, "sessions/log.html", context, status=status)


@login_required
@require_GET
def action_row(request, pk):
    """One more empty next-action row for the log form (htmx), with the next index."""
    access = get_pair_for_user(request.user, pk, write=True)
    index = min(small_int(request.GET.get("i")) or 0, MAX_NEW_ACTIONS - 1)
    form = NewActionForm(
        prefix=f"new-{index}",
        owner_choices=_owner_choices(access.pair),
        goal_choices=_goal_choices(access.pair, request.user),
        initial={"owner": default_owner(access, index)},
    )
    return render(
        request,
        "sessions/log.html#new_action_row",
        {
            "form": form,
            "pair": access.pair,
            "next_index": index + 1,
            "max_new_actions": MAX_NEW_ACTIONS,
            "oob": True,
        },
    )


# Calendar ----------------------------------------------------------------------------


def _ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def session_ics(request, pk):
    session, access = get_session_for_user(request.user, pk, write=True)
    return _ics_response(
        calendar_service.session_ics(session, request.user), f"session-{session.pk}.ics"
    )


@never_cache
@login_required
@require_GET
def calendar_page(request):
    feed = calendar_service.feed_for(request.user)
    url = request.build_absolute_uri(reverse("sessions:feed", args=[feed.token]))
    return render(request, "sessions/calendar.html", {"feed": feed, "feed_url": url})


@login_required
@require_POST
def calendar_revoke(request):
    calendar_service.revoke(request.user)
    messages.success(request, _("Your calendar link was replaced. The old link no longer works."))
    return redirect("sessions:calendar")


@require_GET
def feed(request, token):
    entry = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if entry is None or not entry.user.is_active:
        raise Http404
    return _ics_response(calendar_service.user_feed(entry.user), "mentorship.ics")
