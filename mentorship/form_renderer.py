"""The project's form renderer: labels without a trailing colon (issue 16, one visual
language). Django appends its label suffix ":" to every label, ours and its own auth
forms' alike; dropping it here covers every form in one place."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

LABEL_TEMPLATE = "django/forms/label.html"


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == LABEL_TEMPLATE:
            label = conditional_escape(context.get("label") or "")
            if label.endswith(":"):
                context = {**context, "label": mark_safe(label[:-1].rstrip())}
        return super().render(template_name, context, request)
