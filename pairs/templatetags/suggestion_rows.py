"""{% suggestion_row s %}: one row of the matching review (a dict of pairs/views.py's
_review_rows), with its decision form; {% suggestion_rows rows %}: all of a page's rows.

Written in Python rather than as a template partial: the review shows 50 rows, and Django's
engine spent more on each row's forty-odd nodes than the rest of the page. The page's
fixed words come translated once from the context (`words`), as do `program`, `row_error`
(the one row sent back after a failed decision) and the CSRF token; they are escaped once
for all the rows, not for each.
tests/test_suggestion_row_tag.py renders the partial this replaced beside it and requires
the same HTML.
"""

from django import template
from django.utils.safestring import SafeString

from mentorship.template_text import csrf_input, text
from pairs import reasons as why
from pairs.templatetags.scores import match_score

register = template.Library()
DRAFT = "draft"


@register.simple_tag(takes_context=True)
def suggestion_rows(context, rows):
    """What {% for s in rows %}{% suggestion_row s %}{% endfor %} writes, without a loop
    and a tag of the engine for each row."""
    shared = _shared(context)
    return SafeString("".join([_row(s, *shared) for s in rows]))


@register.simple_tag(takes_context=True)
def suggestion_row(context, s):
    return _row(s, *_shared(context))


def _shared(context):
    """What all the rows share: the context's `words` escaped, the CSRF input, the program
    and the error shown in the row (`row_error`, after a failed decision)."""
    words = {k: text(v) for k, v in (context.get("words") or {}).items()}
    row_error = context.get("row_error")
    error = ""
    if row_error:
        error = f'<p class="badge badge-danger" role="alert">{text(row_error)}</p>'
    return words, csrf_input(context), context.get("program"), error


def _row(s, words, csrf, program, error):
    pk, status = s["pk"], s["status"]
    draft = status == DRAFT
    pick = ""
    if draft:
        pick = (
            f'<label class="sr-only" for="pick-{pk}">{text(s["select_label"])}</label>'
            f'<input type="checkbox" id="pick-{pk}" name="ids" value="{pk}" form="bulk-form" '
            f'class="pick"><span class="phone-only small muted" aria-hidden="true">'
            f"{words.get('select', '')}</span>"
        )
    warnings = "".join(
        f'<br><span class="badge badge-warn">{text(w)}</span>' for w in s["warnings"]
    )
    problems = ""
    if draft:
        cannot = words.get("cannot", "")
        problems = "".join(
            f'<br><span class="badge badge-danger">{cannot} {text(p)}</span>' for p in s["problems"]
        )
    score = match_score(s["score"], program, s["breakdown"])
    # Every value above went through text() (escaped); SafeString rather than mark_safe
    # (its lazy-aware wrapper): 50 rows a page.
    return SafeString(
        f'<tr id="suggestion-{pk}" role="row"> <td role="cell" class="pick-cell full">{pick}</td> '
        f'<td role="cell" data-label="{words.get("mentor", "")}"><span class="person">'
        f"{text(s['mentor_avatar'])}<span>{text(s['mentor'])}</span></span></td> "
        f'<td role="cell" data-label="{words.get("mentee", "")}"><span class="person">'
        f"{text(s['mentee_avatar'])}<span>{text(s['mentee'])}</span></span></td> "
        f'<td role="cell" class="full" data-label="{words.get("score", "")}">{score}</td> '
        f'<td role="cell" class="small full" data-label="{words.get("why", "")}">'
        f"{text(why.line(s['reasons']))} {warnings} {problems} {error} </td> "
        f'<td role="cell" class="decision-cell full" data-label="{words.get("decision", "")}"> '
        f"{_decision(s, words, csrf, status)} </td> </tr>"
    )


def _decision(s, words, csrf, status):
    if status == "accepted":
        return f'<span class="badge badge-ok">{words.get("accepted", "")}</span>'
    if status != DRAFT:
        return f'<span class="badge">{words.get("rejected", "")}</span>'
    accept = ""
    if not s["problems"]:
        accept = (
            '<button type="submit" name="action" value="accept" class="button-small">'
            f"{words.get('accept', '')}</button>"
        )
    url = text(s["decide_url"])
    return (
        f'<div class="actions-row"> <form method="post" action="{url}" hx-post="{url}" '
        f'hx-target="#suggestion-{s["pk"]}" hx-swap="outerHTML" class="inline"> {csrf} {accept} '
        '<button type="submit" name="action" value="reject" '
        f'class="button-small button-secondary">{words.get("reject", "")}</button> </form> '
        f'<a class="small" href="{text(s["swap_url"])}">{words.get("swap", "")}</a> </div>'
    )
