"""Check-ins, the way out and idle pairs: access helper, service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from checkins import answers, checkin_links, idle, way_out
from checkins.access import get_checkin_for_user, get_help_request_for_admin
from checkins.forms import CheckinForm
from notifications.links import LinkError
from notifications.views import link_page, link_problem
from sessions.access import get_pair_for_user


def _answer_page(request, checkin, by, score=None, done_url=None):
    """The check-in form (GET: prefilled, with a one-click score if given; POST: saves)."""
    closed = answers.closed_reason(checkin)
    if closed:
        return link_page(request, _("This check-in is closed"), closed, status=409)
    form = CheckinForm(
        request.POST if request.method == "POST" else None,
        initial=CheckinForm.initial_for(checkin, score),
    )
    if request.method == "POST" and form.is_valid():
        again = checkin.answered_at is not None
        try:
            answers.answer(checkin, by, **form.answers())
        except answers.CheckinError as exc:
            form.add_error(None, str(exc))
        else:
            saved = _("Thank you: your check-in is saved.")
            messages.success(request, _("Your check-in is updated.") if again else saved)
            return redirect(done_url or checkin.pair.get_absolute_url())
    partner = checkin.pair.partner_of(checkin.user)
    return render(
        request,
        "checkins/answer.html",
        {
            "checkin": checkin,
            "form": form,
            "partner": partner.user if partner else None,
            "one_click": score is not None and request.method == "GET",
            "can_rematch": checkin.pair.status in checkin.pair.LIVE,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, pk):
    checkin = get_checkin_for_user(request.user, pk)
    return _answer_page(request, checkin, request.user)


@never_cache
@require_http_methods(["GET", "POST"])
def answer_link(request, token):
    """The one-click score links in the invitation: the form prefilled, saved on POST."""
    try:
        link, checkin, score = checkin_links.resolve_answer(token)
    except LinkError as error:
        return link_problem(request, error)
    # Signed in as its recipient: on to the pair page; anyone else stays on the link's page.
    done = None if request.user == link.user else request.path
    return _answer_page(request, checkin, link.user, score=score, done_url=done)


@login_required
@require_http_methods(["GET", "POST"])
def rematch(request, pk):
    """Ask to end the pair and be matched again: a confirm page, then the POST does it."""
    access = get_pair_for_user(request.user, pk, write=True)
    pair = access.pair
    if request.method == "POST":
        try:
            way_out.request_rematch(pair, request.user)
        except way_out.WayOutError as exc:
            messages.error(request, str(exc))
            return redirect(pair)
        messages.success(
            request,
            _(
                "The pair has ended. A program admin will help you find a new partner; "
                "%(partner)s gets a kind note from us."
            )
            % {"partner": access.partner.name},
        )
        return redirect(reverse("pairs:suggestions", args=[pair.program.slug]))
    return render(
        request,
        "checkins/rematch.html",
        {"pair": pair, "partner": access.partner, "live": pair.status in pair.LIVE},
    )


@login_required
@require_POST
def still_going(request, pk):
    access = get_pair_for_user(request.user, pk, write=True)
    try:
        idle.still_going(access.pair, request.user)
    except idle.IdleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Noted: your pair stays open. Enjoy your next session!"))
    if request.POST.get("next") == "dashboard":
        return redirect("home")
    return redirect(access.pair)


@never_cache
@require_http_methods(["GET", "POST"])
def still_going_link(request, token):
    try:
        link, pair = checkin_links.resolve_still_going(token)
    except LinkError as error:
        return link_problem(request, error)
    partner = pair.partner_of(link.user).user.name
    if request.method == "GET":
        return link_page(
            request,
            _("Still going?"),
            _("Tell us your pair with %(partner)s is still going, and it stays open.")
            % {"partner": partner},
            button=_("We're still going"),
        )
    try:
        idle.still_going(pair, link.user)
    except idle.IdleError as exc:
        return link_page(request, _("Nothing changed"), str(exc), status=409)
    return link_page(
        request,
        _("Your pair stays open"),
        _("Thank you. Log your next session with %(partner)s when you meet.")
        % {"partner": partner},
    )


@login_required
@require_POST
def resolve(request, slug, pk):
    program, help_request = get_help_request_for_admin(request.user, slug, pk)
    if answers.resolve(help_request, request.user):
        messages.success(request, _("Marked handled."))
    else:
        messages.info(request, _("Someone had already marked it handled."))
    return redirect("health:pairs", slug=program.slug)
