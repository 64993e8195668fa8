"""{% participant_row p %}: one row of the program admin's participants list (a Participant
of mentorship.programs.participants: its user selected, its skills prefetched, `is_matched`
annotated).

Written in Python rather than as the loop's body: the list shows a page of 25, and Django's
engine spent more on each row's fifty-odd nodes (seven translations, a {% url %}, two skill
loops, lookups) than on the rest of the page. The row's fixed words, its role and status
labels and its link's pattern are made once a render (one program, one language) and kept
in `context.render_context`, as sessions/templatetags/action_items.py keeps its form's URL.
tests/test_participant_row_tag.py renders the loop body this replaced beside it and requires
the same HTML.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from mentorship.models import Participant
from mentorship.template_text import choice_labels, text, url_pattern
from mentorship.templatetags.people import avatar

register = template.Library()
WORDS = {  # the msgids of the row's {% translate %}s
    "name": "Name",
    "role": "Role",
    "status": "Status",
    "teach": "Can teach",
    "learn": "Wants to learn",
    "department": "Department",
    "matched": "Matched",
    "yes": "Yes",
    "no": "No",
}
BADGES = {"active": " badge-ok", "invited": " badge-warn"}  # any other status: badge-danger
NONE = '<span class="muted">—</span>'


@register.simple_tag(takes_context=True)
def participant_row(context, p):
    words, roles, statuses, person_url = _once(context)
    user = p.user
    name = user.name
    status = p.status
    role_label = roles.get(p.role)
    status_label = statuses.get(status)
    matched = words["yes"]
    if not getattr(p, "is_matched", False):  # not annotated: as the template, "No"
        matched = f'<span class="muted">{words["no"]}</span>'
    # Each value through text() (escaped); the words and avatar() as the template wrote them.
    return mark_safe(  # noqa: S308 - escaped above
        f'<tr role="row"> <td role="cell" class="full" data-label="{words["name"]}">'
        f'<span class="person">{avatar(name, "small")}'
        f'<a href="{text(person_url.format(p.pk))}">{text(name)}</a></span><br>'
        f'<span class="muted small wrap-anywhere">{text(user.email)}</span></td> '
        f'<td role="cell" data-label="{words["role"]}">'
        f"{role_label if role_label is not None else text(p.role)}</td> "
        f'<td role="cell" data-label="{words["status"]}"><span class="badge'
        f'{BADGES.get(status, " badge-danger")}">'
        f"{status_label if status_label is not None else text(status)}</span></td> "
        f'<td role="cell" data-label="{words["teach"]}">{_chips(p.teaches.all())}</td> '
        f'<td role="cell" data-label="{words["learn"]}">{_chips(p.learns.all())}</td> '
        f'<td role="cell" data-label="{words["department"]}">{text(p.department or "—")}</td> '
        f'<td role="cell" data-label="{words["matched"]}">{matched}</td> </tr>'
    )


def _chips(skills):
    """The skills (prefetched: no query) as chips, or a muted dash."""
    if not skills:
        return NONE
    chips = "".join(f'<li class="chip">{text(s.name)}</li>' for s in skills)
    return f'<ul class="chips">{chips}</ul>'


def _once(context):
    """The fixed words, the role and status labels (escaped, as {{ p.get_role_display }}
    writes them) and the person link's pattern, made on a render's first row."""
    made = context.render_context.get("participant_row")
    if made is None:
        made = context.render_context["participant_row"] = (
            # As {% translate "…" %} writes a literal: as translated, not escaped.
            {key: SafeString(gettext(msgid)) for key, msgid in WORDS.items()},
            {v: text(label) for v, label in choice_labels(Participant.Role).items()},
            {v: text(label) for v, label in choice_labels(Participant.Status).items()},
            url_pattern("programs:person", context["program"].slug),
        )
    return made
