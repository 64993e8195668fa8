from django import forms
from django.utils.translation import gettext_lazy as _

from pairs.models import Pair


class PairFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
        help_text=_("Either person's name or email"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Pair.Status.choices]
    )
    attention = forms.ChoiceField(
        label=_("Needs attention"),
        required=False,
        choices=[
            ("", _("All pairs")),
            ("behind", _("Behind their cadence")),
            ("stalled", _("Stalled (twice the cadence)")),
            ("overdue", _("With overdue actions")),
        ],
    )

    def filters(self):
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
