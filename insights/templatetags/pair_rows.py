"""{% pair_row row %}: one pair of the program admin's Pairs page (a dict of
insights/views.py's _pair_rows), with its pause or resume and end-early forms.

Written in Python rather than in the template's loop: the page shows 25 rows, and Django's
engine spent more on each row's fifty-odd nodes (three {% csrf_token %}, the lookups, the
ifs) than on the rest of the page. The row's values come ready from the view (dates,
sentences, avatars); the fixed words are translated once a render and language, and
`next_path` and the CSRF token come from the context.
tests/test_pair_row_tag.py renders the loop body this replaced beside it and requires the
same HTML.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from mentorship.template_text import csrf_input, text

register = template.Library()
# The status badge: {% if %}/{% elif %} of the template it replaced.
BADGES = {
    "active": "badge-ok",
    "paused": "badge-warn",
    "proposed": "badge-warn",
    "ended": "badge-danger",
    "declined": "badge-danger",
}


@register.simple_tag(takes_context=True)
def pair_row(context, row):
    words, csrf, next_path = _page(context)
    pk, status = text(row["pk"]), row["status"]
    behind = ""
    if row["behind"]:
        behind = f'<span class="badge badge-warn">{words["behind"]}</span>'
    last = words["none_yet"]
    if row["last_session"]:
        last = f'{text(row["last_session"])} <span class="muted">({text(row["days_ago"])})</span>'
    upcoming = words["not_scheduled"]
    if row["next_session"]:
        upcoming = text(row["next_session"])
    actions = ""
    if status == "active" or status == "paused":
        actions = _actions(row, pk, status, words, csrf, next_path)
    return mark_safe(  # noqa: S308 - values through text(), the words as {% translate %} wrote them
        f'<li class="card pair-row" id="pair-{pk}"> <h3 class="pair-row-title"> '
        f'<span class="avatar-pair">{text(row["avatars"])}</span> '
        f'<a href="{text(row["url"])}">{text(row["title"])}</a> '
        f'<span class="badge {BADGES.get(status, "")}">{text(row["status_label"])}</span> '
        f'{behind} </h3> <dl class="facts small"> '
        f'<dt>{words["mentor"]}</dt><dd><a href="{text(row["mentor_url"])}">'
        f"{text(row['mentor'])}</a></dd> "
        f'<dt>{words["mentee"]}</dt><dd><a href="{text(row["mentee_url"])}">'
        f"{text(row['mentee'])}</a></dd> "
        f"<dt>{words['started']}</dt><dd>{text(row['started'])}</dd> "
        f"<dt>{words['last']}</dt><dd>{last}</dd> "
        f"<dt>{words['next']}</dt><dd>{upcoming}</dd> "
        f"<dt>{words['per_month']}</dt><dd>{text(row['per_month'])}</dd> "
        f"<dt>{words['actions']}</dt><dd>{text(row['actions'])}</dd> "
        f"<dt>{words['sides']}</dt><dd>{text(row['sides'])}</dd> </dl> {actions} </li>"
    )


def _actions(row, pk, status, words, csrf, next_path):
    url = text(row["status_url"])
    back = f'<input type="hidden" name="next" value="{next_path}">'
    if status == "active":
        toggle = (
            f'<form method="post" action="{url}" class="inline">{csrf}{back}'
            '<button type="submit" name="action" value="pause" '
            f'class="button-secondary button-small">{words["pause"]}</button></form>'
        )
    else:
        toggle = (
            f'<form method="post" action="{url}" class="inline">{csrf}{back}'
            '<button type="submit" name="action" value="resume" class="button-small">'
            f"{words['resume']}</button></form>"
        )
    return (
        f'<div class="actions-row"> {toggle} <details> <summary>{words["end_early"]}</summary> '
        f'<form method="post" action="{url}"> {csrf} '
        f'<input type="hidden" name="action" value="end"> {back} '
        f'<p><label for="end-reason-{pk}">{words["end_why"]}</label> '
        f'<textarea id="end-reason-{pk}" name="reason" maxlength="2000" required rows="2">'
        "</textarea></p> "
        f'<button type="submit" class="button-danger button-small">{words["end"]}</button> '
        "</form> </details> </div>"
    )


def _page(context):
    """What every row of a render shares: the words in the active language, the CSRF
    input ({% csrf_token %}) and `next_path`, worked out for the first row only."""
    key = ("pair_row", get_language())
    shared = context.render_context.get(key)
    if shared is None:
        shared = context.render_context[key] = (
            _words(),
            csrf_input(context),
            text(context.get("next_path", "")),
        )
    return shared


def _words():
    """The labels of the template's {% translate "…" as t_… %}, as it wrote them: the
    translation of a literal is safe there, written unescaped."""
    return {
        "mentor": gettext("Mentor"),
        "mentee": gettext("Mentee"),
        "started": gettext("Started"),
        "last": gettext("Last session"),
        "next": gettext("Next session"),
        "per_month": gettext("Sessions a month"),
        "actions": gettext("Actions"),
        "sides": gettext("Sides added"),
        "none_yet": gettext("none yet"),
        "not_scheduled": gettext("not scheduled"),
        "behind": gettext("Behind"),
        "pause": gettext("Pause"),
        "resume": gettext("Resume"),
        "end_early": gettext("End early"),
        "end_why": gettext("Why does the pairing end? (both members see this)"),
        "end": gettext("End the pairing"),
    }
