from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self):
        # Imported here: these modules import models, which cannot load while apps are populated.
        from mentorship import access, invites, password_reset
        from notifications import registry

        registry.register(invites.KIND, invites.render)
        registry.register(password_reset.KIND, password_reset.render, password_reset.prepare)
        registry.set_audience(access.is_email_admin, access.failed_emails_for)
