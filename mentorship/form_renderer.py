"""The project's form renderer: labels without a trailing colon (issue 16, one visual
language). Django appends its label suffix ":" to every label, ours and its own auth
forms' alike; dropping it here covers every form in one place.

It also renders Django's own small field and widget templates (label, input, textarea,
select, radio, empty error list, field group) in Python: through the template engine each
costs ~0.1 ms, and a form page renders hundreds of them (the session log form: ~300, 30 ms
of its 46 ms). The Python below writes exactly what those templates write (the test
tests/test_form_renderer.py compares the two on every widget the project uses); a template
it does not know, an app's override of one, or an unusual value falls back to the engine.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

LABEL_TEMPLATE = "django/forms/label.html"
DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).parent / "templates"
SELECT_OPTION = "django/forms/widgets/select_option.html"

# What a template's {{ value }} writes (localised, time-zone converted, escaped).
_OUTPUT_CONTEXT = Context(autoescape=True)


class _Fallback(Exception):
    """A value the Python rendering does not cover: the template engine renders it."""


def _text(value):
    """{{ value }}."""
    if isinstance(value, str):
        return conditional_escape(value)
    if callable(value):  # the engine would call it
        raise _Fallback
    return render_value_in_context(value, _OUTPUT_CONTEXT)


def _formatted(value):
    """{{ value|stringformat:'s' }}: not localised; kept unescaped if already safe."""
    if callable(value):
        raise _Fallback
    text = str(value)  # what "%s" % value writes (a tuple is made a string first)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs):
    """django/forms/attrs.html and django/forms/widgets/attrs.html."""
    out = []
    for name, value in (attrs or {}).items():
        if value is not False:
            out.append(" " + _text(name))
            if value is not True:
                out.append('="' + _formatted(value) + '"')
    return "".join(out)


def _input(widget):
    """django/forms/widgets/input.html."""
    html = f'<input type="{_text(widget.get("type", ""))}" name="{_text(widget["name"])}"'
    if widget.get("value") is not None:
        html += f' value="{_formatted(widget["value"])}"'
    return html + _attrs(widget["attrs"]) + ">"


def _input_widget(context):
    return _input(context["widget"])


def _input_option(context):
    """django/forms/widgets/input_option.html (radio and checkbox choices)."""
    widget = context["widget"]
    if not widget.get("wrap_label"):
        return _input(widget)
    id_ = widget["attrs"].get("id")
    label_for = f' for="{_text(id_)}"' if id_ else ""
    return f"<label{label_for}>{_input(widget)}\n {_text(widget['label'])}</label>"


def _textarea(context):
    widget = context["widget"]
    value = _text(widget["value"]) if widget.get("value") else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(context):
    widget = context["widget"]
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != SELECT_OPTION:
                raise _Fallback
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _label(context):
    if not context.get("use_tag"):
        return _text(context["label"])
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_text(context['label'])}</{tag}>"


def _error_list(context):
    if context["errors"]:
        raise _Fallback
    return ""


def _field(context):
    """django/forms/field.html, for a field outside a fieldset."""
    field = context["field"]
    if field.use_fieldset:
        raise _Fallback
    html = "\n  " + (_text(field.label_tag()) if field.label else "") + "\n\n"
    if field.help_text:
        helptext_id = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        html += f'<div class="helptext"{helptext_id}>{field.help_text}</div>'
    return html + f"\n{_text(field.errors)}\n{_text(field)}"


_INPUTS = "text number email url password hidden date datetime time search tel color checkbox"
FAST = {
    **{f"django/forms/widgets/{name}.html": _input_widget for name in _INPUTS.split()},
    "django/forms/widgets/radio_option.html": _input_option,
    "django/forms/widgets/checkbox_option.html": _input_option,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    LABEL_TEMPLATE: _label,
    "django/forms/errors/list/default.html": _error_list,
    "django/forms/errors/list/ul.html": _error_list,
    "django/forms/field.html": _field,
}
# Templates the ones above include: an app overriding any of them turns the Python off.
INCLUDED = [
    "django/forms/attrs.html",
    "django/forms/widgets/attrs.html",
    "django/forms/widgets/input.html",
    "django/forms/widgets/input_option.html",
    SELECT_OPTION,
]


class FormRenderer(DjangoTemplates):
    fast = True

    def render(self, template_name, context, request=None):
        if template_name == LABEL_TEMPLATE:
            label = conditional_escape(context.get("label") or "")
            if label.endswith(":"):
                context = {**context, "label": mark_safe(label[:-1].rstrip())}
        render_fast = self._fast_templates.get(template_name) if request is None else None
        if render_fast is not None:
            try:
                return render_fast(context).strip()
            except _Fallback:
                pass
        return super().render(template_name, context, request)

    @property
    def _fast_templates(self):
        if "_fast" not in self.__dict__:
            names = [*FAST, *INCLUDED]
            own = self.fast and all(
                Path(self.get_template(name).origin.name).is_relative_to(DJANGO_FORM_TEMPLATES)
                for name in names
            )
            self.__dict__["_fast"] = FAST if own else {}
        return self.__dict__["_fast"]
