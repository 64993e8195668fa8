from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        # Registers the token scheme with drf-spectacular (imported for its side effect).
        from api import schema  # noqa: F401
