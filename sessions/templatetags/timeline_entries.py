"""{% timeline_entry entry %} and {% session_side side who %}: a session of the pair page's
timeline, and one person's side of a session (the pair page and the log page's partner side).

Written in Python rather than as template nodes: the pair page shows ten sessions with two
sides each, and Django's engine spent more on their nodes (an include per side, a lookup
and a filter per field) than the rest of the page. The private-note rule lives here, in
`side_html`: the note shows to its author only. The words come from sessions.timeline
(side_labels, dates and sentences written once per page); tests/test_timeline_entry_tag.py
renders the templates these replaced beside them and requires the same HTML.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from mentorship.template_text import blocktranslate_count, text

register = template.Library()

# (heading's key in side_labels, the side's field, the paragraph's class attribute)
_SIDE_FIELDS = (
    ("learned", "learned", ' class="side-learned"'),
    ("shared", "shared", ""),
    ("questions", "questions", ' class="side-questions"'),
    ("unsure", "unsure", ""),
)


def _lines(value):
    """{{ value|linebreaksbr }}."""
    return linebreaksbr(value, autoescape=True)


def side_html(who, side, viewer_id, labels):
    """One person's side: what they wrote, their private note only to themselves."""
    parts = [f'<div class="session-side"> <h4>{text(who.name)}</h4> ']
    if side:
        for key, name, attrs in _SIDE_FIELDS:
            value = getattr(side, name)
            if value:
                parts.append(f"<h5>{text(labels[key])}</h5><p{attrs}>{_lines(value)}</p> ")
        if side.private_note and side.author_id == viewer_id:
            parts.append(
                f'<h5>{text(labels["private_note"])} <span class="badge">'
                f"{text(labels['only_you'])}</span></h5> "
                f'<p class="private-note">{_lines(side.private_note)}</p> '
            )
    else:
        parts.append(f'<p class="empty">{text(labels["not_added"])}</p> ')
    parts.append("</div>")
    return "".join(parts)


def _viewer_id(context):
    user = context.get("user")
    return getattr(user, "pk", None)


@register.simple_tag(takes_context=True)
def session_side(context, side, who):
    return mark_safe(  # noqa: S308 - side_html escapes every value
        side_html(who, side, _viewer_id(context), context.get("side_labels") or {})
    )


def _words(context):
    """The entry's fixed words, translated once per render and language; as {% translate %}
    writes a literal: not escaped."""
    key = ("timeline_words", get_language())
    words = context.render_context.get(key)
    if words is None:
        words = context.render_context[key] = {
            "topics": gettext("Topics"),
            "agreed": gettext("Next actions agreed"),
            "reviewed": gettext("Reviewed"),
            "edit_side": gettext("Edit my side"),
            "add_side": gettext("Add my side"),
            "mentor_added": gettext("Mentor's side added"),
            "mentor_missing": gettext("Mentor's side missing"),
            "mentee_added": gettext("Mentee's side added"),
            "mentee_missing": gettext("Mentee's side missing"),
        }
    return words


@register.simple_tag(takes_context=True)
def timeline_entry(context, entry):
    access = context.get("access")
    words = _words(context)
    session = entry.session
    parts = [
        f'<article class="card session-entry" id="session-{session.pk}"> '
        f'<h3>{text(session.when_text)} <span class="small muted">· '
        f"{text(session.duration_minutes)} min · {text(session.format_label)}</span></h3> "
    ]
    if getattr(access, "can_read_content", False):
        if session.topics:
            parts.append(f"<p><strong>{words['topics']}</strong> · {text(session.topics)}</p> ")
        if session.shared_notes:
            parts.append(f'<p class="shared-notes">{_lines(session.shared_notes)}</p> ')
        viewer, labels = _viewer_id(context), context.get("side_labels") or {}
        sides = " ".join(side_html(who, side, viewer, labels) for who, side in entry.sides)
        parts.append(f'<div class="grid grid-2 sides"> {sides} </div> ')
        if entry.created:
            items = "".join(
                f'<li>{text(a.text)} <span class="small muted">· {text(a.owner_label)} · '
                f'{text(a.due_text)}</span> <span class="badge'
                f'{" badge-ok" if a.status == "done" else ""}">{text(a.status_label)}</span></li>'
                for a in entry.created
            )
            parts.append(f"<h4>{words['agreed']}</h4> <ul>{items}</ul> ")
        if entry.reviewed:
            items = "".join(
                f'<li>{text(a.text)} <span class="badge">'
                f"{text(a.carried_text if a.status == 'open' else a.status_label)}</span>"
                + (
                    f' <span class="small muted">— {text(a.dropped_reason)}</span>'
                    if a.dropped_reason
                    else ""
                )
                + "</li>"
                for a in entry.reviewed
            )
            parts.append(f"<h4>{words['reviewed']}</h4> <ul>{items}</ul> ")
        role = getattr(access, "role", None)
        own = (role == "mentor" and entry.mentor_side) or (role == "mentee" and entry.mentee_side)
        parts.append(
            f'<p class="actions-row"><a class="button button-small secondary" '
            f'href="{text(entry.side_url)}">{words["edit_side" if own else "add_side"]}</a></p> '
        )
    else:
        mentor = words["mentor_added" if entry.mentor_side else "mentor_missing"]
        mentee = words["mentee_added" if entry.mentee_side else "mentee_missing"]
        created = len(entry.created)
        reviewed = len(entry.reviewed)
        parts.append(
            f'<p class="small"> {mentor} · {mentee} · '
            + blocktranslate_count(
                "%(n)s action agreed", "%(n)s actions agreed", created, n=created
            )
            + " · "
            + blocktranslate_count(
                "%(n)s action reviewed", "%(n)s actions reviewed", reviewed, n=reviewed
            )
            + " </p> "
        )
    parts.append("</article>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above through text()
