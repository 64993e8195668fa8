"""The form renderer writes in Python exactly what Django's form templates write."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.utils.safestring import mark_safe

from mentorship.form_renderer import FormRenderer
from sessions.forms import AgendaReviewForm, NewActionForm, ReviewForm

pytestmark = pytest.mark.django_db

FORM_MODULES = [
    "api.forms",
    "checkins.forms",
    "insights.forms",
    "mentorship.forms",
    "pairs.forms",
    "sessions.forms",
]


class Engine(FormRenderer):
    fast = False  # the templates only: the reference


class Odd(forms.Form):
    """Values and attributes the templates treat specially."""

    name = forms.CharField(
        label="Name <b>&</b>:",
        help_text=mark_safe("<em>safe</em> help"),
        widget=forms.TextInput(attrs={"data-x": '"quoted" & <tag>', "autofocus": True}),
        initial="O'Brien <script>",
    )
    hidden_flag = forms.CharField(widget=forms.HiddenInput(attrs={"disabled": False}))
    count = forms.IntegerField(initial=12345, localize=True, label="")
    ratio = forms.DecimalField(initial="1234.5")
    when = forms.DateTimeField(initial=datetime.datetime(2026, 3, 4, 5, 6))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "max": 20261231}))
    notes = forms.CharField(widget=forms.Textarea, initial="line 1\n<line 2>\n")
    empty_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    choice = forms.ChoiceField(
        choices=[("", "---"), ("Group <1>", [(1, "One & only"), (2, 2000)]), ("x", "X")],
        initial=2,
    )
    radios = forms.ChoiceField(choices=[("a", "A <a>"), ("b", "B")], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, initial=["b"]
    )
    agree = forms.BooleanField(initial=True, help_text="Tick it")
    email = forms.EmailField(label="E-mail?", required=False)


def _fragments(form):
    out = [str(form), form.non_field_errors().as_ul()]
    for field in form:
        out += [field.as_field_group(), str(field), field.label_tag(), str(field.errors)]
        for choice in getattr(field, "subwidgets", []):
            out += [str(choice), choice.tag()]
    return out


def _pairs(cls, **kwargs):
    """The form unbound and bound to bad data, rendered by each renderer."""
    for data in (None, {"name": "", "count": "x", "day": "not a date", "radios": "z"}):
        fast = cls(data, renderer=FormRenderer(), **kwargs)
        slow = cls(data, renderer=Engine(), **kwargs)
        if data is not None:
            fast.is_valid(), slow.is_valid()
        yield _fragments(fast), _fragments(slow)


def _project_forms():
    for name in FORM_MODULES:
        for _n, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if issubclass(cls, forms.Form) and cls.__module__ == name:
                yield cls


@pytest.mark.parametrize(
    "cls,kwargs",
    [
        (Odd, {}),
        (ReviewForm, {"prefix": "review-7", "initial": {"version": 3}}),
        (AgendaReviewForm, {"prefix": "agenda-4"}),
        (
            NewActionForm,
            {
                "prefix": "new-0",
                "owner_choices": [("mentor", "Ann <mentor>"), ("both", "Both")],
                "goal_choices": [(3, "Goal & more")],
                "initial": {"owner": "both"},
            },
        ),
    ],
)
def test_python_rendering_equals_the_templates(cls, kwargs):
    for fast, slow in _pairs(cls, **kwargs):
        assert fast == slow


def test_every_project_form_renders_as_the_templates_do():
    tried = 0
    for cls in _project_forms():
        try:
            rendered = list(_pairs(cls))
        except TypeError:  # needs arguments of its own
            continue
        tried += 1
        for fast, slow in rendered:
            assert fast == slow, cls
    assert tried > 10


def test_the_python_rendering_is_used():
    assert "django/forms/widgets/text.html" in FormRenderer()._fast_templates
    assert not Engine()._fast_templates
