"""The pages behind the one-click links in reminder emails: mark done, snooze.

A link's GET only shows what it will do; the POST does it (with a CSRF token).
"""

import functools

from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mentorship.timezones import local_date
from notifications.links import LinkError
from notifications.views import link_page, link_problem
from sessions import action_links, actions, reminders
from sessions.models import NextAction


def _action_link(purpose):
    """A view of a done/snooze link: it gets (link, action); a bad link gets the problem page."""

    def decorate(view):
        @never_cache
        @require_http_methods(["GET", "POST"])
        @functools.wraps(view)
        def wrapper(request, token):
            try:
                link, action = action_links.resolve_action(purpose, token)
            except LinkError as error:
                return link_problem(request, error)
            return view(request, link, action)

        return wrapper

    return decorate


@_action_link(action_links.DONE)
def action_done(request, link, action):
    if action.status == NextAction.Status.DONE:
        return link_page(
            request, _("Already done"), _("“%(text)s” is marked done.") % {"text": action.text}
        )
    if action.status == NextAction.Status.DROPPED:
        return link_page(
            request,
            _("This action was dropped"),
            _("“%(text)s” was dropped, so there is nothing to mark done.") % {"text": action.text},
        )
    if request.method == "GET":
        return link_page(
            request,
            _("Mark this action done?"),
            _("“%(text)s”, due %(due)s.")
            % {"text": action.text, "due": formats.date_format(action.due_on)},
            button=_("Mark done"),
        )
    try:
        actions.mark_done(action, by=link.user)
    except actions.ActionError as error:
        return link_page(request, _("Nothing changed"), str(error), status=409)
    return link_page(
        request,
        _("Done: well done!"),
        _("“%(text)s” is marked done; no more reminders for it.") % {"text": action.text},
    )


SNOOZE_LABELS = {
    reminders.SNOOZE_TOMORROW: _lazy("Tomorrow"),
    reminders.SNOOZE_3_DAYS: _lazy("In 3 days"),
    reminders.SNOOZE_WEEK: _lazy("Next week"),
    reminders.SNOOZE_UNTIL_DUE: _lazy("Not before the due date"),
}


@_action_link(action_links.SNOOZE)
def action_snooze(request, link, action):
    if action.status != NextAction.Status.OPEN:
        return link_page(
            request,
            _("Nothing to snooze"),
            _("“%(text)s” is %(status)s: no more reminders for it.")
            % {"text": action.text, "status": action.get_status_display().lower()},
        )
    choices = [
        {
            "value": value,
            "label": SNOOZE_LABELS[value],
            "date": formats.date_format(local_date(until, link.user)),
        }
        for value, until in reminders.snooze_choices(action, link.user)
    ]
    # A page opened before the choices existed posts none: it meant a week.
    choice = request.POST.get("choice", reminders.SNOOZE_WEEK)
    if request.method == "GET" or choice not in {c["value"] for c in choices}:
        return render(
            request,
            "emails_pages/snooze.html",
            {
                "action": action,
                "choices": choices,
                "due": formats.date_format(action.due_on),
                "invalid": request.method == "POST",
            },
            status=400 if request.method == "POST" else 200,
        )
    until = reminders.snooze(action, link.user, choice)
    return link_page(
        request,
        _("Snoozed"),
        _("We will remind you about “%(text)s” again on %(when)s.")
        % {"text": action.text, "when": formats.date_format(local_date(until, link.user))},
    )
