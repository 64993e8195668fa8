"""Email pages: preferences, failed emails for admins, and the one-click links.

A link's GET only shows what it will do; the POST does it. Only unsubscribe is exempt
from CSRF: RFC 8058 one-click POSTs come from mail clients without cookies, and its
signed token is the credential. The confirm pages' forms carry a CSRF token.
"""

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mentorship.models.programs import Weekday
from sessions import actions, delivery, links, reminders
from sessions.models import EmailPreference, NextAction


class PreferencesForm(forms.ModelForm):
    nudge_weekday = forms.TypedChoiceField(
        label=gettext_lazy("Weekly nudge day"),
        choices=[("", gettext_lazy("The program's day"))] + list(Weekday.choices),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("It arrives at 9:00 in your own time zone."),
    )

    class Meta:
        model = EmailPreference
        fields = ["reminders", "nudges", "digests", "nudge_weekday"]


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    pref = links.preferences_for(request.user)
    is_admin = delivery.is_email_admin(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=pref)
    if not is_admin:
        del form.fields["digests"]
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your email preferences are saved."))
        return redirect("emails:preferences")
    failed_count = delivery.failed_for_admin(request.user).count() if is_admin else 0
    return render(
        request,
        "emails_pages/preferences.html",
        {"form": form, "is_admin": is_admin, "failed_count": failed_count},
    )


@login_required
def failed(request):
    if not delivery.is_email_admin(request.user):
        raise Http404
    rows = delivery.failed_for_admin(request.user)[:200]
    return render(request, "emails_pages/failed.html", {"rows": rows})


def _problem(request, error):
    return render(
        request,
        "emails_pages/link_problem.html",
        {"title": error.title, "message": error.message},
        status=error.status,
    )


def _page(request, title, message, button=None, status=200):
    return render(
        request,
        "emails_pages/link_page.html",
        {"title": title, "message": message, "button": button},
        status=status,
    )


def _action_link(purpose):
    """A view of a done/snooze link: it gets (link, action); a bad link gets the problem page."""

    def decorate(view):
        @never_cache
        @require_http_methods(["GET", "POST"])
        @functools.wraps(view)
        def wrapper(request, token):
            try:
                link, action = links.resolve_action(purpose, token)
            except links.LinkError as error:
                return _problem(request, error)
            return view(request, link, action)

        return wrapper

    return decorate


@_action_link(links.DONE)
def action_done(request, link, action):
    if action.status == NextAction.Status.DONE:
        return _page(
            request, _("Already done"), _("“%(text)s” is marked done.") % {"text": action.text}
        )
    if action.status == NextAction.Status.DROPPED:
        return _page(
            request,
            _("This action was dropped"),
            _("“%(text)s” was dropped, so there is nothing to mark done.") % {"text": action.text},
        )
    if request.method == "GET":
        return _page(
            request,
            _("Mark this action done?"),
            _("“%(text)s”, due %(due)s.")
            % {"text": action.text, "due": formats.date_format(action.due_on)},
            button=_("Mark done"),
        )
    try:
        actions.mark_done(action, by=link.user)
    except actions.ActionError as error:
        return _page(request, _("Nothing changed"), str(error), status=409)
    return _page(
        request,
        _("Done: well done!"),
        _("“%(text)s” is marked done; no more reminders for it.") % {"text": action.text},
    )


@_action_link(links.SNOOZE)
def action_snooze(request, link, action):
    if action.status != NextAction.Status.OPEN:
        return _page(
            request,
            _("Nothing to snooze"),
            _("“%(text)s” is %(status)s: no more reminders for it.")
            % {"text": action.text, "status": action.get_status_display().lower()},
        )
    if request.method == "GET":
        return _page(
            request,
            _("Snooze this reminder for a week?"),
            _("You will be reminded about “%(text)s” again in %(days)s days.")
            % {"text": action.text, "days": reminders.SNOOZE_DAYS},
            button=_("Snooze a week"),
        )
    until = reminders.snooze(action, link.issued_at)
    return _page(
        request,
        _("Snoozed"),
        _("We will remind you about “%(text)s” again on %(when)s.")
        % {"text": action.text, "when": formats.date_format(until.date())},
    )


LIST_NAMES = {
    "reminders": gettext_lazy("reminders about your next actions"),
    "nudges": gettext_lazy("the weekly nudge"),
    "digests": gettext_lazy("the weekly admin digest"),
}


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        link = links.resolve_unsubscribe(token)
    except links.LinkError as error:
        return _problem(request, error)
    name = LIST_NAMES[link.obj]
    if request.method == "GET":
        if not getattr(links.preferences_for(link.user), link.obj):
            return _page(
                request,
                _("Already unsubscribed"),
                _("%(email)s no longer gets %(list)s.") % {"email": link.user.email, "list": name},
            )
        return _page(
            request,
            _("Unsubscribe?"),
            _(
                "%(email)s will no longer get %(list)s. "
                "You can turn it back on in your email preferences."
            )
            % {"email": link.user.email, "list": name},
            button=_("Unsubscribe"),
        )
    changed = links.unsubscribe(link)
    return _page(
        request,
        _("Unsubscribed") if changed else _("Already unsubscribed"),
        _("%(email)s no longer gets %(list)s.") % {"email": link.user.email, "list": name},
    )
