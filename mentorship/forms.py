import re

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.validators import validate_email
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from mentorship import availability, bounds, email_domains, skills
from mentorship.importing import MAX_UPLOAD_BYTES, too_big_message
from mentorship.models import Participant, Program, Skill
from mentorship.models.programs import Weekday
from mentorship.models.users import normalize_email
from mentorship.timezones import time_zone_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "slug",
            "description",
            "kind",
            "start_date",
            "end_date",
            "cadence_days",
            "nudge_weekday",
            "sso_email_domains",
            "checkin_first_days",
            "checkin_every_days",
            "idle_days",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "slug": _("Letters, digits and hyphens; used in the program's web addresses."),
            "cadence_days": _("How often pairs are expected to meet, in days."),
            "nudge_weekday": _("The day the weekly reminder email goes out."),
            "sso_email_domains": _(
                "People who sign in through your organisation's single sign-on with an address "
                "at one of these domains join this program, e.g. example.com (commas between "
                "several, at most 20). Leave empty to add people only by invitation."
            ),
            "checkin_first_days": _(
                "Both people get their first check-in this many days into a pair (7 to 180)."
            ),
            "checkin_every_days": _(
                "Then a check-in every this many days (14 to 365), and one when the pair ends."
            ),
            "idle_days": _(
                "A pair with no session or activity for this many days (7 to 365) "
                "is asked to re-engage, and closed after as many again. Empty: "
                "twice the cadence."
            ),
        }

    RESERVED_SLUGS = {"new"}
    # Check-in settings have defaults: a form posted without them keeps the current values.
    KEEP_IF_EMPTY = ("checkin_first_days", "checkin_every_days")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.KEEP_IF_EMPTY:
            self.fields[name].required = False

    def _kept(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            value = getattr(self.instance, name) or Program._meta.get_field(name).default
        return value

    def clean_checkin_first_days(self):
        return self._kept("checkin_first_days")

    def clean_checkin_every_days(self):
        return self._kept("checkin_every_days")

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug in self.RESERVED_SLUGS:
            raise forms.ValidationError(_("That short name is reserved; choose another."))
        return slug

    def clean_sso_email_domains(self):
        return ", ".join(email_domains.parse(self.cleaned_data["sso_email_domains"]))

    def clean_start_date(self):
        return bounds.form_check(bounds.program_start, self.cleaned_data["start_date"])

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            try:
                bounds.program_end(end, start)
            except bounds.DateOutOfRange as exc:
                self.add_error("end_date", str(exc))
        return data


class AddAdminForm(forms.Form):
    email = forms.EmailField(
        label=_("Invite an admin by email"),
        help_text=_(
            "They need an account already; they become an admin once they accept the "
            "invitation we email them."
        ),
    )


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One or more, separated by commas or new lines (at most 50 at a time)."),
        max_length=20000,
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Participant.Role.choices,
        initial=Participant.Role.MENTEE,
        help_text=_("They can change it while setting up their profile."),
    )

    def clean_emails(self):
        emails, bad = [], []
        for part in re.split(r"[,;\s]+", self.cleaned_data["emails"]):
            email = normalize_email(part)
            if not email:
                continue
            try:
                validate_email(email)
            except forms.ValidationError:
                bad.append(part[:80])
                continue
            if email not in emails:
                emails.append(email)
        if bad:
            raise forms.ValidationError(
                _("Not valid email addresses: %(list)s"), params={"list": ", ".join(bad)}
            )
        if not emails:
            raise forms.ValidationError(_("Enter at least one email address."))
        if len(emails) > 50:
            raise forms.ValidationError(_("At most 50 at a time; use a CSV import for more."))
        return emails


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with a header row, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_big_message(f.size))
        return f


class ParticipantFilterForm(forms.Form):
    MATCH_CHOICES = [
        ("", _("Matched or not")),
        ("matched", _("Matched")),
        ("unmatched", _("Not matched")),
    ]
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
        help_text=_("Name, email or department"),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *Participant.Role.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Participant.Status.choices],
    )
    skill = forms.TypedChoiceField(label=_("Skill"), required=False, coerce=int, empty_value="")
    matched = forms.ChoiceField(label=_("Matching"), required=False, choices=MATCH_CHOICES)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [
            ("", _("Any skill")),
            *Skill.objects.filter(program=program).values_list("pk", "name"),
        ]

    def filters(self):
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class SkillListField(forms.CharField):
    """A comma-separated list of skill names (chips with JavaScript, plain text without)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 3000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def clean(self, value):
        value = super().clean(value)
        names = skills.split_names(value)
        problems = skills.check_names(names)
        if problems:
            raise forms.ValidationError(problems)
        return names


class ProfileForm(forms.ModelForm):
    display_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=time_zone_choices,
        help_text=_("Your availability below is in this time zone."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("As my browser asks"))] + list(settings.LANGUAGES),
        required=False,
        help_text=_("For these pages and for the emails we send you."),
    )
    teaches = SkillListField(
        label=_("Skills you can teach"),
        help_text=_("Separate skills with commas. Everyone can teach something, mentees too."),
    )
    learns = SkillListField(
        label=_("Skills you want to learn"), help_text=_("Separate skills with commas.")
    )

    class Meta:
        model = Participant
        fields = ["role", "goals", "capacity", "department", "manager_email"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 4}), "role": forms.RadioSelect}
        help_texts = {
            "capacity": _("The most pairs you want to be in at the same time."),
            "department": _("Private: only program admins see it; used to pair across teams."),
            "manager_email": _(
                "Private: only program admins see it; so you are not paired with your manager."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        participant = self.instance
        self.fields["display_name"].initial = participant.user.display_name
        self.fields["time_zone"].initial = participant.user.time_zone
        self.fields["language"].initial = participant.user.language
        if not self.is_bound and participant.pk:
            self.initial["teaches"] = [s.name for s in participant.teaches.all()]
            self.initial["learns"] = [s.name for s in participant.learns.all()]
        for name in ("teaches", "learns"):
            self.fields[name].widget.attrs.update(
                {"list": "skill-options", "data-chips": "", "autocomplete": "off"}
            )


class AvailabilityForm(forms.Form):
    day = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day is None and start is None and end is None:
            data["window"] = None
            return data
        if day is None or start is None or end is None:
            if not self.errors:
                raise forms.ValidationError(_("Give a day, a start time and an end time."))
            return data
        try:
            data["window"] = availability.window(day, start, end)
        except availability.AvailabilityError as exc:
            raise forms.ValidationError(str(exc))
        return data


class BaseAvailabilityFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        windows = [f.cleaned_data.get("window") for f in self.forms]
        try:
            self.windows = availability.normalise([w for w in windows if w])
        except availability.AvailabilityError as exc:
            raise forms.ValidationError(str(exc))


def availability_formset(participant, data=None):
    initial = [
        {"day": w["day"], "start": w["start"], "end": w["end"]}
        for w in (participant.availability or [])
    ]
    blanks = max(2, 4 - len(initial))
    formset_class = formset_factory(
        AvailabilityForm,
        formset=BaseAvailabilityFormSet,
        extra=min(blanks, availability.MAX_WINDOWS - len(initial)),
        max_num=availability.MAX_WINDOWS,
        validate_max=True,
        absolute_max=availability.MAX_WINDOWS,
    )
    return formset_class(data, initial=initial, prefix="avail")


class AcceptInviteForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=time_zone_choices)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SkillRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=skills.MAX_SKILL_LENGTH)


class SkillMergeForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Merge this skill"), queryset=Skill.objects.none())
    target = forms.ModelChoiceField(label=_("into this one"), queryset=Skill.objects.none())

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Skill.objects.filter(program=program).order_by("name")
        self.fields["source"].queryset = qs
        self.fields["target"].queryset = qs

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            raise forms.ValidationError(_("Choose two different skills."))
        return data
