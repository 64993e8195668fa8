from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.models import Program


class MatchingSettingsForm(forms.ModelForm):
    """The program's matching weights and rules, changed from the matching page."""

    class Meta:
        model = Program
        fields = [
            "weight_teach",
            "weight_learn",
            "weight_goals",
            "weight_availability",
            "min_score",
            "require_different_department",
            "matching_objective",
            "request_expiry_days",
        ]
        help_texts = {
            "weight_teach": _(
                "How much it counts that the mentor can teach what the mentee wants to learn (0–5)."
            ),
            "weight_learn": _(
                "How much it counts that the mentee can teach what the mentor wants to learn (0–5)."
            ),
            "weight_goals": _("Shared goal keywords (0–5)."),
            "weight_availability": _(
                "Overlapping weekly availability; 2 hours earns it all (0–5)."
            ),
            "min_score": _("Pairs below this score are never suggested."),
        }

    def clean(self):
        cleaned = super().clean()
        for name in ("weight_teach", "weight_learn", "weight_goals", "weight_availability"):
            value = cleaned.get(name)
            if value is not None and not 0 <= value <= 5:
                self.add_error(name, _("Use a weight between 0 and 5."))
        min_score = cleaned.get("min_score")
        if min_score is not None and not 0 <= min_score <= 20:
            self.add_error("min_score", _("Use a minimum between 0 and 20."))
        return cleaned
