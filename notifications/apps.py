from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Imported here: these modules import models, which cannot load while apps are populated.
        from notifications import chat, registry

        registry.register_target("user", chat.resolve_user)
        registry.set_chat(chat.divert)
