"""{% action_item action %}: one open, done or dropped action as a list item, with its
inline mark-done form (htmx, and a plain POST without JS).

Written in Python rather than as a template: the dashboard shows up to ACTIONS_SHOWN of
them, and Django's engine spent about 1 M instructions on each (forty nodes: lookups, a
{% url %}, translations), a third of the page. The words beside the text come worded from
sessions.dashboard.flag_due. tests/test_action_item_tag.py renders the template this
replaced beside it for every kind of action and language and requires the same HTML.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from mentorship.template_text import csrf_input, url_pattern

register = template.Library()


@register.simple_tag(takes_context=True)
def action_item(context, action, can_write=False, error=None, just_done=False):
    """`can_write`: show the mark-done form; `error`: why marking it done failed;
    `just_done`: announce it to screen readers."""
    overdue = getattr(action, "is_overdue", False)
    status = action.status
    parts = [
        format_html(
            '<li class="action-item{}" id="action-{}">',
            " action-overdue" if overdue and status == "open" else "",
            action.pk,
        )
    ]
    if status == "open":
        badge = ""
        if overdue:
            badge = " badge-danger overdue"
        elif getattr(action, "is_due_soon", False):
            badge = " badge-warn"
        parts.append(
            format_html(
                '<span class="action-text">{}</span> <span class="small muted"> · {} · {} </span> '
                '<span class="badge{}">{}</span>',
                action.text,
                getattr(action, "people", ""),
                getattr(action, "owner_words", ""),
                badge,
                getattr(action, "due_label", ""),
            )
        )
        if can_write:
            parts.append(_done_form(context, action))
    elif status == "done":
        parts.append(
            format_html(
                '<span class="action-text done-text">{}</span> '
                '<span class="badge badge-ok">{}</span>',
                action.text,
                gettext("Done"),
            )
        )
    else:
        parts.append(
            format_html(
                '<span class="action-text">{}</span> <span class="badge">{}</span>',
                action.text,
                gettext("Dropped"),
            )
        )
    if error:
        parts.append(format_html(' <p class="errorlist" role="alert">{}</p>', error))
    if just_done:
        # As {% blocktranslate %} did: the text escaped, the translation as written.
        words = gettext("Marked done: %(text)s") % {"text": conditional_escape(action.text)}
        parts.append(mark_safe(f' <span class="sr-only" role="status">{words}</span>'))  # noqa: S308
    parts.append(mark_safe("</li>"))
    return mark_safe("".join(parts))  # noqa: S308 - each part escaped above


def _done_form(context, action):
    pattern = context.render_context.get("action_done_url")  # once a render
    if pattern is None:
        pattern = context.render_context["action_done_url"] = url_pattern("sessions:action_done")
    url = pattern.format(action.pk)
    request = context.get("request")
    return format_html(
        ' <form method="post" action="{}" class="inline" hx-post="{}" hx-target="#action-{}"'
        ' hx-swap="outerHTML">{}<input type="hidden" name="version" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="button-small secondary">{}<span class="sr-only">: {}'
        "</span></button></form>",
        url,
        url,
        action.pk,
        csrf_input(context),
        action.version,
        request.get_full_path() if request is not None else "",
        gettext("Mark done"),
        action.text,
    )
