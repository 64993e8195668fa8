from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairsConfig(AppConfig):
    name = "pairs"
    verbose_name = _("Matching and pairs")

    def ready(self):
        # Imported here: it imports models, which cannot load while apps are populated.
        from mentorship import participation
        from mentorship import relations as mentorship_relations
        from notifications import registry
        from pairs import intro, lifecycle, partner_requests, relations, request_emails

        registry.register(intro.KIND, intro.render, prepare=intro.prepare)
        registry.register(lifecycle.ENDED_KIND, lifecycle.render_ended)
        for kind in request_emails.KINDS:
            registry.register(kind, request_emails.render)
        participation.withdrawn.connect(
            partner_requests.on_participant_withdrawn, dispatch_uid="pairs-withdrawn"
        )
        mentorship_relations.provide(
            relations.matched_expression, relations.related, relations.pairs_of
        )
