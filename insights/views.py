"""Views for program health, my growth and exports: access check, service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from checkins import figures as checkin_figures
from insights import charts, exports, figures, pair_list, ranges, stalled
from insights.forms import PairFilterForm
from insights.growth import growth_for
from mentorship import template_text as text
from mentorship.access import get_program_for_admin
from mentorship.listing import render_filtered_list
from mentorship.templatetags.people import avatar
from pairs.models import Pair
from sessions import cadence


def _percent(ratio):
    return "–" if ratio is None else f"{round(ratio * 100)}%"


def _stalled_rows(program, result, now):
    """The stalled pairs' table rows, their cells' text ready: the template only places
    them (its tags, filters and translations cost more per row than this)."""
    today = timezone.localdate(now)
    nudge_url = text.url_pattern("health:nudge_pair", program.slug)
    viewer = timezone.get_current_timezone()  # the request runs in the viewer's zone
    rows = []
    for pair in result.stalled:
        days = cadence.days_since(
            pair.last_session, pair.started_on, pair.created_at, today, viewer
        )
        rows.append(
            {
                "pair": pair,
                "names": f"{pair.mentor_name} ↔ {pair.mentee_name}",
                "started": text.date(pair.started_on or timezone.localdate(pair.created_at)),
                "last_session": pair.last_session and text.date(pair.last_session),
                "last_done": pair.last_done and text.date(pair.last_done),
                "quiet_for": ngettext("%(days)s day", "%(days)s days", days) % {"days": days},
                "nudged": pair.pk in result.nudged,
                "nudge_url": nudge_url.format(pair.pk),
                "pair_url": Pair.url_for(pair.pk),
            }
        )
    return rows


def _pair_rows(program, page):
    """The Pairs page's rows with their sentences, dates and links built here, once per page:
    through the template engine they cost ~1 ms a row (25 rows a page)."""
    pair_url = text.url_pattern("sessions:pair")
    person_url = text.url_pattern("programs:person", program.slug)
    status_url = text.url_pattern("pairs:status")
    status_labels = text.choice_labels(Pair.Status)
    # The templates' {% blocktranslate %} msgids, translated once for all the rows.
    title = _("%(mentor)s and %(mentee)s")
    actions = _("%(open)s open, %(overdue)s overdue")
    sides = _("mentor %(m)s · mentee %(e)s")
    per_month = {}  # by rate: a handful of values on a page
    rows = []
    for pair in page.object_list:
        mentor, mentee = pair.mentor.user.name, pair.mentee.user.name
        figures = pair.figures
        days, rate = figures["days_since"], figures["per_month"]
        if rate not in per_month:
            per_month[rate] = text.blocktranslate(
                "%(n)s (cadence: %(e)s)",
                n=floatformat(rate, 1),
                e=floatformat(figures["expected_per_month"], 1),
            )
        rows.append(
            {
                "pk": pair.pk,
                "status": pair.status,
                "status_label": status_labels.get(pair.status, pair.status),
                "avatars": avatar(mentor, "small") + avatar(mentee, "small"),
                "url": pair_url.format(pair.pk),
                "title": text.fill(title, mentor=mentor, mentee=mentee),
                "behind": figures["behind"],
                "mentor": mentor,
                "mentor_url": person_url.format(pair.mentor_id),
                "mentee": mentee,
                "mentee_url": person_url.format(pair.mentee_id),
                "started": text.date(pair.started_on) if pair.started_on else "—",
                "last_session": pair.last_session and text.date(pair.last_session),
                "days_ago": text.blocktranslate_count(
                    "%(n)s day ago", "%(n)s days ago", days, n=days
                ),
                "next_session": pair.next_session and text.date(pair.next_session),
                "per_month": per_month[rate],
                "actions": text.fill(actions, open=pair.open_actions, overdue=pair.overdue),
                "sides": text.fill(sides, m=pair.mentor_sides, e=pair.mentee_sides),
                "status_url": status_url.format(pair.pk),
            }
        )
    return rows


@login_required
@require_GET
def dashboard(request, slug):
    program = get_program_for_admin(request.user, slug)
    form, date_range = ranges.range_from_request(request.GET, program)
    now = timezone.now()
    result = figures.cached_program_health(program, date_range, now)
    # Read fresh: an admin who just marked one handled must not see it again.
    help_requests = checkin_figures.open_requests(program)
    context = {
        "program": program,
        "form": form,
        "invalid": form.is_bound and not form.is_valid(),
        "h": result,
        "charts": charts.dashboard_charts(result),
        "stalled_rows": _stalled_rows(program, result, now),
        "matched_percent": _percent(result.participants["matched_ratio"]),
        "completion_percent": _percent(result.completion_ratio),
        "goals_percent": _percent(result.goals["with_goals_ratio"]),
        "export_kinds": exports.KINDS,
        "stalled_limit": figures.STALLED_SHOWN,
        "cache_seconds": figures.cache_seconds(),
        "not_fit_percent": _percent(result.checkins.get("not_fit_share")),
        "answer_percent": _percent(result.checkins.get("answer_share")),
        "help_requests": help_requests,
        "help_pairs": len({r.pair_id for r in help_requests}),
    }
    template = "health/dashboard.html"
    if request.htmx and not request.htmx.boosted:
        template += "#body"
    return render(request, template, context)


@login_required
@require_POST
def nudge_pair(request, slug, pair_id):
    program = get_program_for_admin(request.user, slug)
    pair = figures.active_pair_or_none(program, pair_id)
    if pair is None:
        raise Http404
    queued = stalled.nudge_pair(pair, by=request.user)
    names = {"mentor": pair.mentor.user.name, "mentee": pair.mentee.user.name}
    if queued:
        feedback = _("Nudged just now")
        flash = _("We emailed %(mentor)s and %(mentee)s a nudge to meet.") % names
    else:
        feedback = _("Already nudged today")
        flash = _("%(mentor)s and %(mentee)s were already nudged today.") % names
    if request.htmx:
        return render(
            request,
            "health/_nudged.html",
            {"feedback": feedback, "queued": queued, "pair": pair},
        )
    messages.success(request, flash)
    return redirect("health:dashboard", slug=program.slug)


@login_required
@require_GET
def export(request, slug, kind):
    program = get_program_for_admin(request.user, slug)
    if kind not in exports.KINDS:
        raise Http404
    return exports.export_response(program, kind)


@login_required
@require_GET
def growth(request):
    return render(request, "health/growth.html", {"growth": growth_for(request.user)})


@login_required
@require_GET
def pairs(request, slug):
    """Every pair of the program for its admins: status, people, rhythm, overdue actions."""
    program = get_program_for_admin(request.user, slug)
    form = PairFilterForm(request.GET or None)
    filters = form.filters()
    page = pair_list.page(program, request.GET.get("page"), **filters)
    return render_filtered_list(
        request,
        "health/pairs.html",
        program=program,
        form=form,
        filters=filters,
        page=page,
        extra={
            "help_requests": checkin_figures.open_requests(program),
            "rows": _pair_rows(program, page),
            "next_path": request.get_full_path(),
        },
    )
