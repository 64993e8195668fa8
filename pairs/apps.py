from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairsConfig(AppConfig):
    name = "pairs"
    verbose_name = _("Matching and pairs")

    def ready(self):
        # Imported here: it imports models, which cannot load while apps are populated.
        from mentorship import relations as mentorship_relations
        from notifications import registry
        from pairs import intro, relations

        registry.register(intro.KIND, intro.render, prepare=intro.prepare)
        mentorship_relations.provide(
            relations.matched_expression, relations.related, relations.pairs_of
        )
