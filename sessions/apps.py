from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    # The package is `sessions` (the name the project's design uses), but Django's own
    # django.contrib.sessions already owns the label "sessions"; two apps cannot share a
    # label, so this one is "session_logs" (its tables and migrations carry that name).
    name = "sessions"
    label = "session_logs"
    verbose_name = _("Session logs")

    def ready(self):
        # Imported here: these modules import models, which cannot load while apps are populated.
        from notifications import registry
        from sessions import action_links, agenda_nudge, nudges, reminders, side_invites

        action_links.register()
        registry.register_list("reminders", _("reminders about your next actions"))
        registry.register_list("nudges", _("the weekly nudge"))
        registry.register_list(
            agenda_nudge.LIST, _("invitations to add a question to your next session")
        )
        for kind in reminders.KINDS:
            registry.register(kind, reminders.render, prepare=reminders.prepare)
        registry.register(nudges.KIND, nudges.render, prepare=nudges.prepare)
        # A person who chose Slack or Teams gets these there (notifications/chat.py).
        for kind in (*reminders.KINDS, nudges.KIND):
            registry.allow_chat(kind)
        registry.register(side_invites.KIND, side_invites.render)
        registry.register(agenda_nudge.KIND, agenda_nudge.render)
