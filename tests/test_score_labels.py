"""The one rule from a raw match score to what people read: "strong match · 82 / 100"."""

import types

import pytest
from django.template import Context, Template

from pairs import score_labels
from pairs.matching import Profile, Weights, pair_score

PROGRAM = types.SimpleNamespace(
    weight_teach=1.0, weight_learn=0.6, weight_goals=0.3, weight_availability=0.4
)  # the defaults: a score's top is 2.3


@pytest.mark.parametrize(
    ("score", "points", "label"),
    [
        (2.3, 100, "strong match"),
        (1.886, 82, "strong match"),
        (1.61, 70, "strong match"),  # the band starts here
        (1.6, 70, "strong match"),  # 69.6 rounds to 70
        (1.58, 69, "good match"),
        (1.035, 45, "good match"),
        (1.0, 43, "fair match"),
        (0.46, 20, "fair match"),
        (0.44, 19, "weak match"),
        (0.02, 1, "weak match"),
        (0.0, 0, "no overlap"),
        (5.0, 100, "strong match"),  # weights lowered after matching: clamped
        (-1.0, 0, "no overlap"),
        (None, 0, "no overlap"),
    ],
)
def test_points_out_of_100_and_the_label(score, points, label):
    described = score_labels.describe(score, PROGRAM)
    assert (described.points, described.label) == (points, label)
    assert str(described) == f"{label} · {points} / 100"


def test_a_program_with_all_weights_zero_never_divides_by_zero():
    zero = types.SimpleNamespace(
        weight_teach=0.0, weight_learn=0.0, weight_goals=0.0, weight_availability=0.0
    )
    assert score_labels.describe(1.2, zero).points == 0


def test_the_breakdown_is_in_the_same_points_and_adds_up():
    mentor = Profile(key=1, name="Maya", teaches=frozenset({"SQL"}), learns=frozenset({"Figma"}))
    mentee = Profile(key=2, name="Theo", teaches=frozenset({"Figma"}), learns=frozenset({"SQL"}))
    scored = pair_score(mentor, mentee, Weights())
    described = score_labels.describe(scored.score, PROGRAM, scored.breakdown)
    assert [p.label for p in described.parts] == [
        "Mentor can teach mentee", "Mentee can teach mentor", "Shared goals",
        "Overlapping availability",
    ]  # fmt: skip
    assert [(p.points, p.out_of) for p in described.parts] == [(43, 43), (26, 26), (0, 13), (0, 17)]
    assert described.points == 70 and described.label == "strong match"


def test_the_template_tag_shows_the_label_and_folds_the_breakdown():
    html = Template("{% load scores %}{% match_score score program breakdown %}").render(
        Context({"score": 1.886, "program": PROGRAM, "breakdown": {"teach": 1.0, "learn": 0.6}})
    )
    assert "Strong match</strong> · 82 / 100" in html
    assert "<details" in html and "Mentor can teach mentee" in html and "1.886" not in html
