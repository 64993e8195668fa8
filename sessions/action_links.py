"""The one-click links in reminders: mark an action done, snooze its reminders.

Signing, expiry and the address check are notifications.links'; this module names the
two purposes and checks the action against who owns it now.
"""

from django.utils.translation import gettext_lazy as _

from notifications import links
from notifications.links import LinkError
from sessions.models import NextAction

DONE = "done"
SNOOZE = "snooze"
MAX_AGE = 14 * 24 * 3600


def register():
    links.register_purpose(DONE, "sessions:email_action_done", MAX_AGE)
    links.register_purpose(SNOOZE, "sessions:email_action_snooze", MAX_AGE)


def resolve_action(purpose, token):
    """(Link, action) for a done/snooze link, checked against who owns the action now."""
    link = links.read(purpose, token)
    action = (
        NextAction.objects.select_related(
            "pair__program", "pair__mentor__user", "pair__mentee__user"
        )
        .filter(pk=link.obj)
        .first()
        if isinstance(link.obj, int)
        else None
    )
    if action is None:
        raise LinkError(
            "gone",
            _("This action no longer exists"),
            _("It may have been removed, or the pair it belonged to was ended."),
            status=404,
        )
    if action.pair.role_of(link.user) is None:
        raise LinkError(
            "not_yours",
            _("This action is not yours any more"),
            _("You are no longer part of the pair this action belongs to."),
            status=403,
        )
    return link, action
