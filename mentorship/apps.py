from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    default = True  # this module also holds the admin's config
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self):
        # Imported here: these modules import models, which cannot load while apps are populated.
        from mentorship import access, admin_invites, invites, password_reset, ratelimit, webhooks
        from notifications import registry

        user_login_failed.connect(ratelimit.on_login_failed, dispatch_uid="sign-in-rate-limit")
        registry.register(invites.KIND, invites.render)
        registry.register(admin_invites.KIND, admin_invites.render)
        registry.register(password_reset.KIND, password_reset.render, password_reset.prepare)
        registry.set_audience(access.is_email_admin, access.failed_emails_for)
        registry.register_target("endpoint", webhooks.resolve_endpoint)


class MentorshipAdminConfig(admin_apps.AdminConfig):
    """Django admin, with its sign-in limited like the site's (mentorship/admin_site.py)."""

    default = False
    default_site = "mentorship.admin_site.AdminSite"
