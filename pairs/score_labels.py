"""How a match score is shown to people: the one rule from a raw score to "strong match ·
82 / 100" and its breakdown.

A raw score is the weighted sum of four parts (pairs/matching.py), so its top is the sum of
the program's four weights; 0–100 is the score's share of that top. Every page that shows a
score (matching review, suggestions, a pair page, the manual and swap previews) goes
through `describe`.
"""

import functools
from dataclasses import dataclass

from django.utils.translation import get_language, gettext
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
    # Its points of the most it can give ("22 of 43"), in words here rather than by
    # {% blocktranslate %}: a review page shows four parts in each of its 50 rows.
    text: str


@dataclass(frozen=True)
class Words:
    """The fixed words of a score in one language."""

    bands: tuple  # (lowest points, label), as BANDS
    parts: tuple  # (part, label), as PARTS
    of: str  # "%(n)s of %(top)s"


def words():
    """The fixed words in the active language: a review page shows 50 scores, each with
    a band and up to four parts, and a lazy label translates again each time it is read."""
    return _words_in(get_language())


@functools.lru_cache(maxsize=32)
def _words_in(language):
    # Keyed by the active language, which is what gettext translates into: a language's
    # words are never served in another.
    return Words(
        bands=tuple((lowest, str(label)) for lowest, label in BANDS),
        parts=tuple((key, str(label)) for key, label in PARTS),
        of=gettext("%(n)s of %(top)s"),
    )


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


def label_for(points, bands=None):
    """The band's label; `bands`: words().bands when the caller has them already."""
    bands = bands or words().bands
    for lowest, label in bands:
        if points >= lowest:
            return label
    return bands[-1][1]


def describe(score, program, breakdown=None):
    """The score as a label and points out of 100, with each part's points when the
    weighted breakdown (a suggestion's `breakdown`, a pair's `score_breakdown`) is given."""
    weights = weights_of(program)
    top = sum(weights.values())
    points = to_points(score, top)
    fixed = words()
    parts = ()
    if breakdown:
        parts = []
        for key, label in fixed.parts:
            if key in breakdown:
                n, out_of = to_points(breakdown.get(key, 0), top), to_points(weights[key], top)
                parts.append(Part(label, n, out_of, fixed.of % {"n": n, "top": out_of}))
        parts = tuple(parts)
    return ScoreLabel(points, label_for(points, fixed.bands), parts)
