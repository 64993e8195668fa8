"""How a match score is shown to people: the one rule from a raw score to "strong match ·
82 / 100" and its breakdown.

A raw score is the weighted sum of four parts (pairs/matching.py), so its top is the sum of
the program's four weights; 0–100 is the score's share of that top. Every page that shows a
score (matching review, suggestions, a pair page, the manual and swap previews) goes
through `describe`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# (lowest points, label), highest first: the first band a score reaches names it.
BANDS = (
    (70, _("strong match")),
    (45, _("good match")),
    (20, _("fair match")),
    (1, _("weak match")),
    (0, _("no overlap")),
)
PARTS = (
    ("teach", _("Mentor can teach mentee")),
    ("learn", _("Mentee can teach mentor")),
    ("goals", _("Shared goals")),
    ("availability", _("Overlapping availability")),
)
WEIGHT_FIELDS = {
    "teach": "weight_teach",
    "learn": "weight_learn",
    "goals": "weight_goals",
    "availability": "weight_availability",
}


@dataclass(frozen=True)
class Part:
    label: str
    points: int
    out_of: int

    @property
    def text(self):
        """Its points of the most it can give ("22 of 43"), in words here rather than by
        {% blocktranslate %}: a review page shows four parts in each of its 50 rows."""
        return gettext("%(n)s of %(top)s") % {"n": self.points, "top": self.out_of}


@dataclass(frozen=True)
class ScoreLabel:
    points: int  # 0..100
    label: str
    parts: tuple = ()

    def __str__(self):
        return f"{self.label} · {self.points} / 100"


def weights_of(program):
    """The program's four weights by part name (the score's top is their sum)."""
    return {part: max(getattr(program, field), 0.0) for part, field in WEIGHT_FIELDS.items()}


def to_points(value, top):
    """A raw score (or one part of it) as whole points of 100, clamped to 0..100."""
    if not top or top <= 0 or value is None:
        return 0
    return max(0, min(100, round(100 * float(value) / top)))


def label_for(points):
    for lowest, label in BANDS:
        if points >= lowest:
            return str(label)
    return str(BANDS[-1][1])


def describe(score, program, breakdown=None):
    """The score as a label and points out of 100, with each part's points when the
    weighted breakdown (a suggestion's `breakdown`, a pair's `score_breakdown`) is given."""
    weights = weights_of(program)
    top = sum(weights.values())
    points = to_points(score, top)
    parts = ()
    if breakdown:
        parts = tuple(
            Part(str(label), to_points(breakdown.get(key, 0), top), to_points(weights[key], top))
            for key, label in PARTS
            if key in breakdown
        )
    return ScoreLabel(points, label_for(points), parts)
