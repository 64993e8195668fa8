"""{% match_score score program breakdown %}: a score as a label people understand, with
its breakdown one click away (the rule is pairs/score_labels.py)."""

from django import template
from django.template.defaultfilters import capfirst, floatformat
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from mentorship.template_text import text
from pairs import reasons as why
from pairs import score_labels

register = template.Library()


@register.simple_tag
def match_score(score, program, breakdown=None, reasons=None):
    """The label and points, and a folded breakdown (its parts, weekly overlap, reasons).

    Written in Python rather than as an inclusion template: the matching review shows one
    in each of its 50 rows, where the template's nodes cost more than the row around it.
    tests/test_score_tag.py keeps that template as the reference for the HTML."""
    s = score_labels.describe(score, program, breakdown)
    head = (
        f'<span class="score"><strong class="score-label">{text(capfirst(s.label))}</strong>'
        f" · {s.points} / 100</span>\n"
    )
    if not (s.parts or reasons):
        return mark_safe(head + "\n")  # noqa: S308 - its values went through text()
    why_words = gettext("Why this score")  # a literal's translation: as is
    body = f'<details class="score-details">\n  <summary class="small">{why_words}</summary>\n  '
    if s.parts:
        overlap = (breakdown or {}).get("overlap_hours")
        hours = ""
        if overlap is not None:
            # As {% blocktranslate %} does it: the value escaped, the translation as is.
            h = gettext("%(h)s h") % {"h": text(floatformat(overlap, "-1"))}
            hours = f"<div><dt>{gettext('Weekly overlap')}</dt><dd>{h}</dd></div>"
        parts = "".join(
            f"<div><dt>{text(p.label)}</dt><dd>{text(p.text)}</dd></div>" for p in s.parts
        )
        body += f'<dl class="score-parts small">\n    {parts}\n    {hours}\n  </dl>'
    body += "\n  "
    if reasons:
        items = "".join(f"<li>{text(why.text(r))}</li>" for r in reasons)
        body += f'<ul class="small">{items}</ul>'
    return mark_safe(f"{head}{body}\n</details>\n")  # noqa: S308 - values through text()


@register.simple_tag
def score_text(score, program):
    """The label alone, for a sentence: "strong match · 82 / 100"."""
    return str(score_labels.describe(score, program))


@register.simple_tag
def average_score_text(total, count, program):
    """A run's total as the label of its average pair: "good match · 56 / 100"."""
    return str(score_labels.describe((total or 0) / count if count else 0, program))


@register.filter
def reasons_line(reasons, viewer=None):
    """{{ x.reasons|reasons_line:viewer_participant_id }}: the reasons in words, written to
    the viewer where they are one of the two (pairs/reasons.py)."""
    return why.line(reasons, viewer)


@register.filter
def reason_text(reason, viewer=None):
    return why.text(reason, viewer)


@register.filter
def unmatched_reason(entry):
    """An unmatched person's reason from a run's summary, in the reader's language."""
    return why.unmatched_text(entry)
