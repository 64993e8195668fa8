"""Matching review (program admins), suggestions and requests (participants), pair lifecycle."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mentorship.bounds import small_int
from mentorship.models import Participant, User
from mentorship.prepared import Param, aggregate_row, one_row, prepared
from mentorship.programs import find_people
from mentorship.template_text import text, url_pattern
from mentorship.templatetags.people import avatar
from notifications.after_commit import enqueue
from pairs import exclusions, lifecycle, pairing
from pairs import partner_requests as pair_requests
from pairs.access import (
    get_pair_for_user,
    get_participant_for_user,
    get_program_for_admin,
    get_request_for_user,
)
from pairs.forms import MatchingSettingsForm
from pairs.models import Exclusion, MatchRun, Pair, PairRequest, Suggestion

IDS = BigIntegerField()  # an id's Param (mentorship.prepared)
PAGE_SIZE = 50  # rendering a row costs more than reading it: 2,000 at once took seconds
SKIPPED_SHOWN = 100  # skipped rows reported one by one after a bulk action
# What a review row reads (a user's name is their display name or email), as values: not
# every column of two people and their users, nor 250 model instances for a page of 50.
ROW_VALUES = (
    "pk",
    "mentor_id",
    "mentee_id",
    "mentor__user__display_name",
    "mentor__user__email",
    "mentee__user__display_name",
    "mentee__user__email",
    "status",
    "score",
    "breakdown",
    "reasons",
)


def _participant(program, pk):
    person = Participant.objects.select_related("user", "program").filter(
        program=program, pk=small_int(pk)
    )
    return person.first()


# The matching page's person pickers (pair by hand, never suggest together): a search field
# each, ?<name>_q=, answered with a few matches to choose from (the participants list's
# search), for htmx with ?pick=<name>. Who each may list: a filter of the program's people.
PICKERS = {
    "mentor": Participant.may_mentor_q,
    "mentee": Participant.may_be_mentee_q,
    "first": None,
    "second": None,
}


def _pickers(request, program, names):
    """{name: what its picker shows}: one query for each picker searched, none otherwise."""
    out = {}
    for name in names:
        q = request.GET.get(f"{name}_q", "")
        may = PICKERS[name]
        people, more = find_people(program, q, may(program) if may else None)
        chosen = small_int(request.GET.get(name))
        out[name] = {"name": name, "q": q, "people": people, "more": more, "chosen": chosen}
    return out


# The review's queries of the same shape on every request, compiled once
# (mentorship.prepared): about 0.3 ms of CPU each.
@prepared
def _runs_newest_first():
    runs = MatchRun.objects.filter(program_id=Param("program", IDS))
    return runs.order_by("-created_at", "-pk")[:1]


def _latest_run(program):
    found = _runs_newest_first(program=program.pk)
    return found[0] if found else None


@prepared
def _people_counts():
    # Counting status (never null), not pk: the (program, status, role) index answers it
    # alone, without reading the program's 8,000 participant rows (x10).
    people = Participant.objects.filter(program_id=Param("program", IDS))
    return aggregate_row(
        people,
        active=Count("status", filter=Q(status=Participant.Status.ACTIVE)),
        invited=Count("status", filter=Q(status=Participant.Status.INVITED)),
    )


@prepared
def _suggestion_count():
    return aggregate_row(Suggestion.objects.filter(run_id=Param("run", IDS)), n=Count("pk"))


@prepared
def _exclusions():
    # Names and reasons as values: not five model instances for each exclusion listed.
    return Exclusion.objects.filter(program_id=Param("program", IDS)).values_list(
        "first__user__display_name",
        "first__user__email",
        "second__user__display_name",
        "second__user__email",
        "reason",
    )


def _review_context(request, program, run, count=None):
    """Everything the review page shows, in a fixed number of queries. `count`: the run's
    suggestions, when the caller has counted them already (with its other counts)."""
    suggestions = Suggestion.objects.none()
    if run is not None:
        suggestions = run.suggestions.order_by("status", "-score", "pk")
    paginator = Paginator(suggestions, PAGE_SIZE)
    if count is not None:
        paginator.count = count  # its cached_property, given rather than queried
    page = paginator.get_page(request.GET.get("page"))
    drafts, together = 0, True
    if run is not None:
        # The page's values, not the paginator's queryset: its count would join the people
        # and users of all 2,000 suggestions (20 ms) rather than count them.
        rows = _rows(page.object_list.values_list(*ROW_VALUES))
        problems, together, drafts = pairing.draft_problems(run, [row[:5] for row in rows])
        page.object_list = _review_rows(program, rows, problems)
    return {
        "program": program,
        "run": run,
        "page": page,
        "drafts": drafts,
        # "Proven optimal" only stands next to drafts that can all be accepted.
        "drafts_hold": together,
        "objectives": program.Objective.choices,
        "words": _row_words(),
        "row_error": None,  # set for the one row sent back after a failed decision
    }


def _row_words():
    """The fixed words of a review row, translated once for all the rows of a page rather
    than in each row: the page and the one row sent back after a decision share them."""
    return {
        "select": _("Select"),
        "mentor": _("Mentor"),
        "mentee": _("Mentee"),
        "score": _("Score"),
        "why": _("Why"),
        "decision": _("Decision"),
        "cannot": _("Cannot be accepted:"),
        "accept": _("Accept"),
        "reject": _("Reject"),
        "swap": _("Swap mentor"),
        "accepted": _("Accepted"),
        "rejected": _("Rejected"),
    }


def _rows(values):
    """ROW_VALUES as (suggestion id, mentor id, mentee id, mentor's name, mentee's name,
    status, score, breakdown, reasons): pairing.draft_problems reads the first five."""
    name = User.name_of
    return [
        (pk, mentor_id, mentee_id, name(mentor, mentor_email), name(mentee, mentee_email), *rest)
        for pk, mentor_id, mentee_id, mentor, mentor_email, mentee, mentee_email, *rest in values
    ]


def _review_rows(program, rows, problems):
    """Each row (of _rows) as the review shows it, a dict (a template reads a dict's keys
    faster than a model's attributes), with its links, select label and avatars made here
    once per row rather than by template tags: a page has 50 rows."""
    decide = url_pattern("pairs:decide", program.slug)
    swap = url_pattern("pairs:swap", program.slug)
    select = _("Select %(a)s and %(b)s")
    out = []
    for pk, _mentor_id, _mentee_id, mentor, mentee, status, score, breakdown, reasons in rows:
        out.append(
            {
                "pk": pk,
                "status": status,
                "score": score,
                "breakdown": breakdown,
                "reasons": reasons,
                "warnings": (breakdown or {}).get("warnings", ()),
                "problems": problems.get(pk, []),
                "mentor": mentor,
                "mentee": mentee,
                "mentor_avatar": avatar(mentor, "small"),
                "mentee_avatar": avatar(mentee, "small"),
                "decide_url": decide.format(pk),
                "swap_url": swap.format(pk),
                # As {% blocktranslate %} does it: the names escaped, the translation as is.
                "select_label": SafeString(select % {"a": text(mentor), "b": text(mentee)}),
            }
        )
    return out


@login_required
@require_GET
def matching(request, slug):
    program = get_program_for_admin(request.user, slug)
    pick = request.GET.get("pick")
    if request.htmx and pick in PICKERS:
        picker = _pickers(request, program, [pick])[pick]
        return render(request, "pairs/matching.html#picker", {"pick": picker})
    run = _latest_run(program)
    if request.htmx and request.GET.get("partial") == "table":
        context = _review_context(request, program, run)
        return render(request, "pairs/matching.html#review-table", context)
    # Before a run: who it matches and who it leaves out (invited, not joined yet); and
    # the run's suggestions for the paginator: one statement (mentorship.prepared.one_row).
    counts = one_row(
        {"people": _people_counts, "suggestions": _suggestion_count},
        {"program": program.pk, "run": run.pk if run else None},
    )
    context = _review_context(request, program, run, counts["suggestions"]["n"])
    context["active_count"] = counts["people"]["active"]
    context["invited_count"] = counts["people"]["invited"]
    context["pickers"] = _pickers(request, program, PICKERS)
    context["exclusions"] = [
        {"first": User.name_of(a, a_email), "second": User.name_of(b, b_email), "reason": reason}
        for a, a_email, b, b_email, reason in _exclusions(program=program.pk)
    ]
    context["settings_form"] = _settings_form_html(program)
    return render(request, "pairs/matching.html", context)


_SETTINGS_HTML = {}  # (language, the form's values) -> the settings form's HTML
_SETTINGS_KEPT = 256  # programs × languages; past it the cache starts over


def _settings_form_html(program):
    """The matching settings form as the page shows it ({{ form.as_p }}). Its HTML follows
    from the program's values of its fields and the language alone (an unbound form), and
    rendering it through the form's templates took 2.5 ms of each request: kept per process.
    repr: 1 and 1.0 are one dict key but not the same HTML."""
    key = (
        get_language(),
        repr([getattr(program, name) for name in MatchingSettingsForm._meta.fields]),
    )
    html = _SETTINGS_HTML.get(key)
    if html is None:
        if len(_SETTINGS_HTML) >= _SETTINGS_KEPT:
            _SETTINGS_HTML.clear()
        html = _SETTINGS_HTML[key] = MatchingSettingsForm(instance=program).as_p()
    return html


@login_required
@require_POST
def matching_settings(request, slug):
    program = get_program_for_admin(request.user, slug)
    form = MatchingSettingsForm(request.POST, instance=program)
    if form.is_valid():
        form.save()
        messages.success(request, _("Matching settings saved. They apply to the next run."))
        return redirect("pairs:matching", slug)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect("pairs:matching", slug)


@login_required
@require_POST
def matching_run(request, slug):
    program = get_program_for_admin(request.user, slug)
    objective = request.POST.get("objective") or program.matching_objective
    if objective not in program.Objective.values:
        messages.error(request, _("Choose what the matching should aim for."))
        return redirect("pairs:matching", slug)
    busy = MatchRun.objects.filter(
        program=program, status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]
    ).first()
    if busy:
        messages.info(request, _("Matching is already running for this program."))
        run = busy
    else:
        run = pairing.start_run(program, request.user, objective)
        enqueue("pairs.run_matching", run.pk)
        messages.success(request, _("Matching started. Accepted pairs are kept."))
    if request.htmx:
        return render(request, "pairs/matching.html#progress", {"program": program, "run": run})
    return redirect("pairs:matching", slug)


@login_required
@require_GET
def run_progress(request, slug, run_id):
    program = get_program_for_admin(request.user, slug)
    run = MatchRun.objects.filter(program=program, pk=run_id).first()
    if run is None:
        raise Http404
    response = render(request, "pairs/matching.html#progress", {"program": program, "run": run})
    if request.htmx and run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED):
        response["HX-Refresh"] = "true"  # show the fresh draft list
    return response


def _row_outcome(request, program, suggestion, error, success):
    """After a change to one suggestion: its fresh row for htmx, else a message and the page."""
    if request.htmx:
        row = Suggestion.objects.values_list(*ROW_VALUES).get(pk=suggestion.pk)
        context = {
            "program": program,
            "s": _review_rows(program, _rows([row]), {})[0],
            "row_error": error,
            "words": _row_words(),
        }
        return render(request, "pairs/matching.html#suggestion-row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect("pairs:matching", program.slug)


def _suggestion(program, pk):
    suggestion = (
        Suggestion.objects.select_related("run", "mentor__user", "mentee__user")
        .filter(run__program=program, pk=pk)
        .first()
    )
    if suggestion is None:
        raise Http404
    return suggestion


@login_required
@require_POST
def suggestion_decide(request, slug, pk):
    program = get_program_for_admin(request.user, slug)
    suggestion = _suggestion(program, pk)
    accept = request.POST.get("action") == "accept"
    error = None
    try:
        if accept:
            pairing.accept_suggestion(suggestion, request.user)
        else:
            pairing.reject_suggestion(suggestion, request.user)
    except pairing.PairingError as exc:
        error = str(exc)
    success = _("Pair accepted.") if accept else _("Suggestion rejected.")
    return _row_outcome(request, program, suggestion, error, success)


@login_required
@require_POST
def suggestions_bulk(request, slug):
    program = get_program_for_admin(request.user, slug)
    run = _latest_run(program)
    action = request.POST.get("action")
    accept = action in ("accept", "accept_all")
    drafts = Suggestion.objects.none()
    if run is not None:
        # People for the error messages; pairing re-reads each row under a lock anyway.
        drafts = run.suggestions.filter(status=Suggestion.Status.DRAFT).select_related(
            "mentor__user", "mentee__user"
        )
        if action != "accept_all":
            ids = [i for i in map(small_int, request.POST.getlist("ids")) if i]
            drafts = drafts.filter(pk__in=ids)
    drafts = list(drafts.order_by("-score", "pk"))
    if not drafts:
        messages.warning(request, _("Select at least one draft suggestion."))
    else:
        done, failed = pairing.bulk(drafts, request.user, accept=accept)
        verb = _("accepted") if accept else _("rejected")
        messages.success(request, _("%(n)s suggestions %(verb)s.") % {"n": done, "verb": verb})
        if failed:
            messages.warning(
                request,
                _("%(n)s skipped, each below with its reason; they stay drafts.")
                % {"n": len(failed)},
            )
        for suggestion, error in failed[:SKIPPED_SHOWN]:
            messages.error(
                request,
                _("%(a)s ↔ %(b)s: %(error)s")
                % {
                    "a": suggestion.mentor.user.name,
                    "b": suggestion.mentee.user.name,
                    "error": error,
                },
            )
        if len(failed) > SKIPPED_SHOWN:
            messages.error(
                request,
                _("…and %(n)s more could not be changed; the list shows why.")
                % {"n": len(failed) - SKIPPED_SHOWN},
            )
    if request.htmx:
        context = _review_context(request, program, run)
        return render(request, "pairs/matching.html#review-table", context)
    return redirect("pairs:matching", slug)


@login_required
def suggestion_swap(request, slug, pk):
    """GET: the swap form, or with ?mentor= the new score; POST: save the swap."""
    program = get_program_for_admin(request.user, slug)
    suggestion = _suggestion(program, pk)
    mentor = _participant(program, request.POST.get("mentor") or request.GET.get("mentor"))
    if request.method == "POST":
        error = None
        if mentor is None:
            error = _("Choose a mentor from this program.")
        else:
            try:
                pairing.swap_suggestion(suggestion, mentor, request.user)
            except pairing.PairingError as exc:
                error = str(exc)
        return _row_outcome(request, program, suggestion, error, _("Suggestion changed."))
    preview = warnings = None
    if mentor is not None:
        preview, warnings = pairing.preview(mentor, suggestion.mentee, suggestion.run)
    mentors = (
        Participant.objects.filter(program=program, status=Participant.Status.ACTIVE)
        .exclude(pk=suggestion.mentee_id)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    mentors = mentors.filter(Participant.may_mentor_q(program))
    context = {
        "program": program,
        "s": suggestion,
        "mentors": mentors,
        "chosen": mentor,
        "preview": preview,
        "warnings": warnings,
    }
    if request.htmx and request.GET.get("preview"):
        return render(request, "pairs/swap.html#swap-preview", context)
    return render(request, "pairs/swap.html", context)


@login_required
def manual_pair(request, slug):
    program = get_program_for_admin(request.user, slug)
    mentor = _participant(program, request.POST.get("mentor") or request.GET.get("mentor"))
    mentee = _participant(program, request.POST.get("mentee") or request.GET.get("mentee"))
    preview = warnings = None
    if mentor and mentee and mentor.pk != mentee.pk:
        preview, warnings = pairing.preview(mentor, mentee)
    if request.method == "POST":
        if mentor is None or mentee is None:
            messages.error(request, _("Choose a mentor and a mentee from this program."))
        elif warnings and not request.POST.get("confirm"):
            messages.warning(request, _("Review the warnings and confirm to pair anyway."))
        else:
            try:
                pairing.create_pair(mentor, mentee, by=request.user, source=Pair.Source.MANUAL)
            except pairing.PairingError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("%(a)s and %(b)s are now paired.")
                    % {"a": mentor.user.name, "b": mentee.user.name},
                )
                return redirect("pairs:matching", slug)
    context = {
        "program": program,
        "mentor": mentor,
        "mentee": mentee,
        "preview": preview,
        "warnings": warnings,
    }
    if request.htmx:
        return render(request, "pairs/manual_preview.html", context)
    return render(request, "pairs/manual.html", context)


@login_required
@require_POST
def exclusion_add(request, slug):
    program = get_program_for_admin(request.user, slug)
    first = _participant(program, request.POST.get("first"))
    second = _participant(program, request.POST.get("second"))
    if first is None or second is None or first.pk == second.pk:
        messages.error(request, _("Choose two different people from this program."))
    else:
        exclusion, _created = exclusions.exclude(
            program, first, second, request.POST.get("reason", ""), by=request.user
        )
        a, b = exclusion.first, exclusion.second
        messages.success(
            request,
            _("%(a)s and %(b)s will not be suggested together.")
            % {"a": a.user.name, "b": b.user.name},
        )
    return redirect("pairs:matching", slug)


# -- participants ---------------------------------------------------------------------------


@login_required
@require_GET
def suggestions(request, slug):
    me = get_participant_for_user(request.user, slug)
    # Only this person's requests are shown here; the periodic task expires the rest.
    pair_requests.expire_due(participant=me)
    top = pair_requests.suggestions_for(me) if me.status == Participant.Status.ACTIVE else []
    related = PairRequest.objects.select_related("requester__user", "recipient__user")
    incoming = related.filter(recipient=me, status=PairRequest.Status.OPEN)
    outgoing = related.filter(requester=me).order_by("-created_at")[:20]
    return render(
        request,
        "pairs/suggestions.html",
        {
            "program": me.program,
            "me": me,
            "top": top,
            "incoming": incoming,
            "outgoing": outgoing,
        },
    )


@login_required
@require_POST
def request_create(request, slug):
    me = get_participant_for_user(request.user, slug)
    recipient = (
        Participant.objects.select_related("user", "program")
        .filter(pk=small_int(request.POST.get("recipient")))
        .first()
    )
    if recipient is None:
        messages.error(request, _("That person is not in this program."))
        return redirect("pairs:suggestions", slug)
    try:
        pair_requests.create_request(me, recipient, request.POST.get("message", ""))
    except pair_requests.RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Request sent to %(name)s.") % {"name": recipient.user.name})
    return redirect("pairs:suggestions", slug)


@login_required
@require_POST
def request_respond(request, pk):
    pair_request = get_request_for_user(request.user, pk)
    accept = request.POST.get("action") == "accept"
    try:
        pair_requests.respond(pair_request, request.user, accept)
    except pair_requests.RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("You are now paired. Check your email.") if accept else _("Declined.")
        )
    if request.POST.get("next") == "dashboard":  # answered from the dashboard's card
        return redirect("home")
    return redirect("pairs:suggestions", pair_request.program.slug)


@login_required
@require_POST
def request_withdraw(request, pk):
    pair_request = get_request_for_user(request.user, pk)
    try:
        pair_requests.withdraw(pair_request, request.user)
    except pair_requests.RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("pairs:suggestions", pair_request.program.slug)


# -- lifecycle ------------------------------------------------------------------------------


def _pair_page(pair):
    try:
        return pair.get_absolute_url()
    except NoReverseMatch:
        return None


@login_required
@require_POST
def pair_status(request, pk):
    pair = get_pair_for_user(request.user, pk)  # read access: members and admins may change it
    action = request.POST.get("action")
    undo = ""
    try:
        if action == "undo":
            lifecycle.undo(pair, request.POST.get("token"), request.user)
        else:
            lifecycle.change(pair, action, request.user, request.POST.get("reason"))
    except lifecycle.LifecycleError as exc:
        messages.error(request, str(exc))
    else:
        if pair.status in lifecycle.FINISHING:
            # The pair page offers whoever did it an undo for a few minutes.
            undo = "?" + urlencode({"undo": lifecycle.undo_token(pair)})
        messages.success(
            request, _("The pair is now %(s)s.") % {"s": pair.get_status_display().lower()}
        )

    def safe(url):
        return (
            url
            if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
            else ""
        )

    # `next`: a page that lists pairs (the admin's Pairs page) asks to come back to itself.
    target = (
        safe(request.POST.get("next", ""))
        or (_pair_page(pair) + undo if _pair_page(pair) else "")
        or safe(request.headers.get("Referer", ""))
        or reverse("home")
    )
    if request.htmx:
        response = HttpResponse()  # 200 also on error: the message shows on the page htmx goes to
        response["HX-Redirect"] = target
        return response
    return redirect(target)
