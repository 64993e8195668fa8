import re

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship import bounds
from mentorship.bounds import MAX_INT, small_int  # noqa: F401 (the views import them here)
from sessions.models import Goal, NextAction, Session

MAX_NEW_ACTIONS = 30
EMPTY_ACTION_ROWS = 3  # without JS the page offers this many empty rows
NOTE_MAX = 20000

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_INPUT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _note(label, help_text="", rows=4):
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SharedForm(forms.Form):
    """The shared record of a session: both people see it."""

    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=600, initial=45
    )
    format = forms.ChoiceField(label=_("Format"), choices=Session.Format.choices)
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=300,
        help_text=_("A few words, e.g. “SQL joins, career goals”."),
    )
    shared_notes = _note(_("Shared notes"), _("Both of you see these."), rows=5)
    version = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_INT, widget=forms.HiddenInput
    )

    def clean_occurred_at(self):
        return bounds.form_check(bounds.session_time, self.cleaned_data["occurred_at"])


class SideForm(forms.Form):
    """My own side of a session."""

    learned = _note(_("What I learned"))
    shared = _note(_("What I shared or taught"))
    questions = _note(_("Questions I brought"), _("One question per line."))
    unsure = _note(_("Something I'm unsure about"))
    private_note = _note(
        _("Private note"), _("Only you ever see this: not your partner, not the program admins.")
    )
    side_version = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_INT, widget=forms.HiddenInput
    )


class ReviewForm(forms.Form):
    """What happened to one open action since the last session."""

    DECISIONS = [
        ("keep", _("Still open")),
        ("done", _("Done")),
        ("carry", _("Carry over")),
        ("drop", _("Drop")),
    ]
    decision = forms.ChoiceField(
        label=_("What happened?"),
        choices=DECISIONS,
        initial="keep",
        required=False,  # an action added meanwhile is not in the form: it stays open
        widget=forms.RadioSelect,
    )
    new_due = forms.DateField(label=_("New due date"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("What got in the way?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_INT, widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean()
        data["decision"] = data.get("decision") or "keep"
        if data["decision"] != "keep" and data.get("version") is None:
            raise forms.ValidationError(_("Reload the page to review this action."))
        if data.get("decision") == "carry":
            due = data.get("new_due")
            if not due:
                self.add_error("new_due", _("Give the new due date to carry the action over."))
            else:
                try:
                    bounds.due_date(due)
                except bounds.DateOutOfRange as exc:
                    self.add_error("new_due", str(exc))
        return data


class NewActionForm(forms.Form):
    text = forms.CharField(label=_("Next action"), required=False, max_length=500)
    owner = forms.ChoiceField(label=_("Who"), choices=NextAction.Owner.choices)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    goal = forms.TypedChoiceField(
        label=_("Towards goal"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, owner_choices=None, goal_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if owner_choices:
            self.fields["owner"].choices = owner_choices
        if goal_choices:
            self.fields["goal"].choices = [("", _("No goal")), *goal_choices]
        else:
            del self.fields["goal"]

    def clean(self):
        data = super().clean()
        text = (data.get("text") or "").strip()
        due = data.get("due_on")
        if not text and not due:
            return data  # an empty row is ignored
        if not text:
            self.add_error("text", _("Say what the action is, or clear its due date."))
        if not due:
            self.add_error("due_on", _("Give the action a due date."))
        else:
            try:
                bounds.due_date(due)
            except bounds.DateOutOfRange as exc:
                self.add_error("due_on", str(exc))
        return data


class ScheduleForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("Next session"),
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=600, initial=45
    )
    format = forms.ChoiceField(label=_("Format"), choices=Session.Format.choices)

    def clean_occurred_at(self):
        return bounds.form_check(bounds.planned_time, self.cleaned_data["occurred_at"])


class DoneForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, max_value=MAX_INT)


def new_action_indexes(data):
    """Indexes of the new-action rows present in submitted data (bounded)."""
    found = set()
    for key in data:
        match = re.fullmatch(r"new-(\d{1,3})-text", key)
        if match:
            found.add(int(match.group(1)))
    return sorted(found)[:MAX_NEW_ACTIONS]


# Goals, the agreement and the agenda ---------------------------------------------------------


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("My goal"),
        max_length=300,
        help_text=_("What you want to be able to do, e.g. “Run a design critique on my own”."),
        error_messages={"required": _("Say what the goal is.")},
    )
    why = forms.CharField(
        label=_("Why it matters to me"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_on = forms.DateField(
        label=_("Target date"),
        widget=DateInput(),
        error_messages={"required": _("Give the goal a target date.")},
    )
    milestones = forms.CharField(
        label=_("Milestones (optional)"),
        required=False,
        max_length=10 * 201,
        help_text=_("One per line, at most 10."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    shared = forms.BooleanField(
        label=_("Share this goal with my partner"),
        required=False,
        initial=True,
        help_text=_("Unticked, the goal is private: only you see it."),
    )

    def __init__(self, *args, old_target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.old_target = old_target

    def clean_target_on(self):
        day = self.cleaned_data["target_on"]
        if day == self.old_target:  # an existing goal may keep a date that has passed
            return day
        return bounds.form_check(bounds.goal_target, day)

    def clean_milestones(self):
        lines = [line.strip() for line in self.cleaned_data["milestones"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > 10:
            raise forms.ValidationError(_("A goal has at most 10 milestones."))
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("Keep each milestone under 200 characters."))
        return lines


class ProgressForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Where it stands"), choices=Goal.Status.choices, widget=forms.RadioSelect
    )
    done = forms.TypedMultipleChoiceField(
        label=_("Milestones done"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = [(m.pk, m.text) for m in milestones]


class AgreementForm(forms.Form):
    cadence = forms.CharField(
        label=_("How often we meet"),
        required=False,
        max_length=200,
        help_text=_("e.g. “Every two weeks, 45 minutes”."),
    )
    format = forms.CharField(
        label=_("How we meet"),
        required=False,
        max_length=200,
        help_text=_("e.g. “Video call; chat for quick questions”."),
    )
    learn = forms.CharField(
        label=_("What I hope to learn"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    teach = forms.CharField(
        label=_("What I hope to teach or share"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(label=_("I agree to this"), required=False)
    version = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_INT, widget=forms.HiddenInput
    )


class AgendaItemForm(forms.Form):
    text = forms.CharField(
        label=_("A question or topic for the next session"),
        max_length=500,
        error_messages={"required": _("Write the question or topic you want to bring.")},
    )


class AgendaReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("In this session"),
        choices=[("discussed", _("Discussed")), ("carry", _("Carry over to next time"))],
        initial="carry",
        required=False,  # an item added meanwhile is not in the form: it stays open
        widget=forms.RadioSelect,
    )
