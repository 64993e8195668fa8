from django import forms
from django.utils.translation import gettext_lazy as _

from checkins.models import MAX_TEXT

SCORE_CHOICES = [
    (1, _("1 · struggling")),
    (2, "2"),
    (3, _("3 · fine")),
    (4, "4"),
    (5, _("5 · thriving")),
]
FIT_CHOICES = [("yes", _("Yes")), ("no", _("No, not a good fit")), ("", _("Not sure yet"))]


def _text(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
    )


class CheckinForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How is it going?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how it is going, from 1 to 5.")},
    )
    learned = _text(_("What I learned from my partner"))
    taught = _text(_("What I taught"))
    change = _text(_("One thing to change"))
    good_fit = forms.ChoiceField(
        label=_("Is this a good fit?"), choices=FIT_CHOICES, required=False,
        widget=forms.RadioSelect,
    )  # fmt: skip
    fit_reason = _text(_("Why?"))
    wants_help = forms.BooleanField(
        label=_("I would like a program admin to help (they see that you asked, not why)"),
        required=False,
    )
    shared = forms.BooleanField(
        label=_("Share my answers with my partner"),
        required=False,
        help_text=_("Otherwise only you see them. Program admins only ever see totals."),
    )

    @staticmethod
    def initial_for(checkin, score=None):
        fit = {True: "yes", False: "no"}.get(checkin.good_fit, "")
        return {
            "score": score or checkin.score,
            "learned": checkin.learned,
            "taught": checkin.taught,
            "change": checkin.change,
            "good_fit": fit,
            "fit_reason": checkin.fit_reason,
            "wants_help": checkin.wants_help,
            "shared": checkin.shared,
        }

    def answers(self):
        data = dict(self.cleaned_data)
        data["good_fit"] = {"yes": True, "no": False}.get(data.get("good_fit") or "")
        return data
