"""{% match_score score program breakdown %}: a score as a label people understand, with
its breakdown one click away (the rule is pairs/score_labels.py)."""

from django import template

from pairs import reasons as why
from pairs import score_labels

register = template.Library()


@register.inclusion_tag("pairs/_score.html")
def match_score(score, program, breakdown=None, reasons=None):
    return {
        "s": score_labels.describe(score, program, breakdown),
        "overlap": (breakdown or {}).get("overlap_hours"),
        "reasons": reasons or [],
    }


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
