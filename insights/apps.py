from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")

    def ready(self):
        # Imported here: these modules import models, which cannot load while apps are populated.
        from insights import digests, stalled
        from notifications import registry

        registry.register(digests.KIND, digests.render)
        registry.register(stalled.NUDGE_KIND, stalled.render_nudge)
        registry.register_list("digests", _("the weekly admin digest"), admins_only=True)
