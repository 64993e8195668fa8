"""{% match_score score program breakdown %}: a score as a label people understand, with
its breakdown one click away (the rule is pairs/score_labels.py)."""

import functools

from django import template
from django.template.defaultfilters import capfirst, floatformat
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

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
    head = f"{_label_html(s.label)} · {s.points} / 100</span>\n"
    if not (s.parts or reasons):
        return SafeString(head + "\n")  # its values went through text()
    fixed = _fixed_words(get_language())
    body = fixed["summary"]
    if s.parts:
        overlap = (breakdown or {}).get("overlap_hours")
        hours = ""
        if overlap is not None:
            # As {% blocktranslate %} does it: the value escaped, the translation as is.
            h = fixed["hours"] % {"h": text(floatformat(overlap, "-1"))}
            hours = f"<div><dt>{fixed['overlap']}</dt><dd>{h}</dd></div>"
        parts = "".join(
            f"<div><dt>{_escaped(p.label)}</dt><dd>{text(p.text)}</dd></div>" for p in s.parts
        )
        body += f'<dl class="score-parts small">\n    {parts}\n    {hours}\n  </dl>'
    body += "\n  "
    if reasons:
        items = "".join(f"<li>{text(why.text(r))}</li>" for r in reasons)
        body += f'<ul class="small">{items}</ul>'
    # SafeString rather than mark_safe (its lazy-aware wrapper): 50 scores a page. Every
    # value went through text().
    return SafeString(f"{head}{body}\n</details>\n")


@functools.lru_cache(maxsize=32)
def _fixed_words(language):
    """The tag's literal words in one language (keyed by the active one, which gettext
    translates into), once per process rather than in each of a review page's 50 rows. A
    literal's translation is written as is, as {% translate %} writes it."""
    summary = f'<summary class="small">{gettext("Why this score")}</summary>'
    return {
        "summary": f'<details class="score-details">\n  {summary}\n  ',
        "overlap": gettext("Weekly overlap"),
        "hours": gettext("%(h)s h"),
    }


@functools.lru_cache(maxsize=256)
def _label_html(label):
    """The head up to the points for a band's label (the translated text itself is the key,
    so it holds in every language): capfirst and escaping once, not for each score."""
    return f'<span class="score"><strong class="score-label">{text(capfirst(label))}</strong>'


@functools.lru_cache(maxsize=256)
def _escaped(label):
    """A part's label escaped, keyed by its translated text (as _label_html)."""
    return text(label)


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
