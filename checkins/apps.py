from django.apps import AppConfig
from django.db.models.signals import post_init, post_save
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = _("Check-ins and the way out")

    def ready(self):
        # Imported here: these modules import models, which cannot load while apps are populated.
        from checkins import checkin_links, emails, idle, panels, schedule, way_out
        from mentorship.models import Program
        from notifications import registry
        from pairs.models import Pair
        from sessions import panels as session_panels

        checkin_links.register()
        registry.register_list("checkins", _("check-ins about how your pair is going"))
        registry.register_list("pair_notices", _("notices about an idle or ending pair"))
        registry.register(schedule.INVITE_KIND, emails.render_invite)
        registry.register(idle.REENGAGE_KIND, emails.render_reengage)
        registry.register(idle.CLOSED_KIND, emails.render_closed)
        registry.register(idle.CLOSED_ADMIN_KIND, emails.render_closed)
        registry.register(way_out.PARTNER_KIND, emails.render_partner)
        # A pair that starts, ends or comes back gets its check-in rounds (re)armed.
        post_save.connect(schedule.pair_saved, sender=Pair, dispatch_uid="checkins.pair_saved")
        # A program whose rhythm changes re-plans its pairs' rounds.
        post_init.connect(schedule.program_loaded, sender=Program, dispatch_uid="checkins.pl")
        post_save.connect(schedule.program_saved, sender=Program, dispatch_uid="checkins.ps")
        session_panels.add_dashboard_panel(panels.dashboard_panel)
        session_panels.add_pair_panel(panels.pair_panel)
