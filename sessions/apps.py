from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    # django.contrib.sessions owns the "sessions" label.
    name = "sessions"
    label = "session_logs"
    verbose_name = _("Session logs")
