"""Pure scoring: reciprocal fit both ways, goals, time-zone-aware overlap, constraints."""

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from pairs import matching
from pairs.matching import (
    PeerScorer,
    Profile,
    Scorer,
    Weights,
    goal_keywords,
    goal_vocabulary,
    pair_score,
    reasons_line,
    utc_slots,
    violations,
)

W = Weights()


def person(key, name, teaches=(), learns=(), **extra):
    return Profile(
        key=key, name=name, teaches=frozenset(teaches), learns=frozenset(learns), **extra
    )


def test_reasons_name_both_directions_and_overlap():
    slots_ana = utc_slots([{"day": 0, "start": "09:00", "end": "12:00"}], "Europe/Berlin")
    slots_ben = utc_slots([{"day": 0, "start": "02:00", "end": "05:00"}], "America/New_York")
    ana = person(1, "Ana", {"SQL", "hiring"}, {"Figma"}, slots=slots_ana)
    ben = person(2, "Ben", {"Figma"}, {"SQL", "hiring", "Go"}, slots=slots_ben)
    result = pair_score(ana, ben, W)
    assert reasons_line(result.reasons) == (
        "Ana can teach Ben: hiring, SQL · Ben can teach Ana: Figma · 2 h/week overlap"
    )
    # 2/3 of what Ben wants, all Ana wants, full availability credit at 2 h.
    assert result.breakdown["teach"] == pytest.approx(2 / 3, abs=1e-4)
    assert result.breakdown["learn"] == pytest.approx(0.6)
    assert result.score == pytest.approx(2 / 3 + 0.6 + 0.4, abs=1e-4)


def test_reciprocal_beats_one_way():
    mentor = person(1, "M", {"SQL"}, {"Figma"})
    one_way = person(2, "A", set(), {"SQL"})
    both_ways = person(3, "B", {"Figma"}, {"SQL"})
    assert pair_score(mentor, both_ways, W).score > pair_score(mentor, one_way, W).score


def test_time_zones_convert_to_utc():
    # 08:00-09:00 in Tokyo (UTC+9) on Tuesday is Monday 23:00-24:00 UTC.
    tokyo = utc_slots([{"day": 1, "start": "08:00", "end": "09:00"}], "Asia/Tokyo")
    utc = utc_slots([{"day": 0, "start": "23:00", "end": "24:00"}], "UTC")
    assert tokyo == utc == {46, 47}
    # Monday 00:30-01:30 in Paris (UTC+1 in winter) wraps to Sunday 23:30 UTC.
    wrap = utc_slots([{"day": 0, "start": "00:30", "end": "01:30"}], "Europe/Paris")
    assert wrap == {335, 0}
    assert (
        utc_slots([{"day": 9, "start": "x"}, {"day": 0, "start": "10:00", "end": "09:00"}], "UTC")
        == frozenset()
    )


def test_weights_change_the_score():
    a, b = person(1, "A", {"SQL"}, set()), person(2, "B", set(), {"SQL"})
    assert pair_score(a, b, Weights(teach=2.0)).score == pytest.approx(2.0)
    assert pair_score(a, b, Weights(teach=0.5)).score == pytest.approx(0.5)


def test_goal_keywords_and_vocabulary():
    words = goal_keywords("I want to learn public speaking and leadership")
    assert words == {"public", "speaking", "leadership"}
    vocab = goal_vocabulary([words, {"leadership"}, {"rare"}])
    assert vocab == {"leadership"}


def test_hard_constraints():
    boss = person(1, "Boss", email="boss@x.org", department="Sales")
    report = person(2, "Rep", manager_email="boss@x.org", department="sales ")
    assert "Boss is Rep's manager" in violations(boss, report, W)
    assert "same department" in violations(boss, report, Weights(different_department=True))
    assert "same department" not in violations(boss, report, W)
    other = person(3, "Other")
    assert violations(boss, other, W, blocked={(3, 1)}) == ["paired, declined or excluded before"]
    assert violations(boss, boss, W) == ["same person"]


def test_scorer_masks_constraints_and_minimum():
    boss = person(1, "Boss", {"SQL"}, email="boss@x.org", capacity=2)
    free = person(2, "Free", {"SQL"}, capacity=1)
    report = person(3, "Rep", set(), {"SQL"}, manager_email="boss@x.org")
    nobody = person(4, "Nobody", set(), {"Cooking"})
    block = Scorer([boss, free], [report, nobody], W).block(0, 2)
    assert np.isneginf(block[0, 0]) and block[0, 1] == pytest.approx(1.0)
    assert np.isneginf(block[1]).all()  # below the minimum score with everyone
    blocked = Scorer([boss, free], [report], W, blocked={(2, 3)}).block(0, 1)
    assert np.isneginf(blocked).all()


skill = st.sampled_from(["SQL", "Go", "Figma", "hiring", "sales", "design", "ops"])
sets = st.frozensets(skill, max_size=4)
slot_sets = st.frozensets(st.integers(0, 335), max_size=30)
goal = st.frozensets(st.sampled_from(["lead", "speak", "write", "code"]), max_size=3)


@st.composite
def profiles(draw, key):
    return Profile(
        key=key,
        name=f"P{key}",
        teaches=draw(sets),
        learns=draw(sets),
        goals=draw(goal),
        slots=draw(slot_sets),
    )


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_vectorised_scores_equal_the_pure_function(data):
    mentors = [data.draw(profiles(i)) for i in range(3)]
    mentees = [data.draw(profiles(10 + i)) for i in range(4)]
    weights = Weights(min_score=-1.0)
    block = Scorer(mentors, mentees, weights).block(0, 4)
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            assert block[i, j] == pytest.approx(pair_score(mentor, mentee, weights).score, abs=1e-3)


def test_peer_scores_are_symmetric_and_take_the_better_orientation():
    a = person(1, "A", {"SQL"}, {"Go"})
    b = person(2, "B", {"Go"}, {"SQL", "Figma"})
    peer = PeerScorer([a, b], W)
    block = peer.block(0, 2)
    assert block[0, 1] == block[1, 0]
    assert np.isneginf(block[0, 0])
    best = max(pair_score(a, b, W).score, pair_score(b, a, W).score)
    assert block[0, 1] == pytest.approx(best, abs=1e-4)
    mentee, mentor = peer.orient(0, 1)
    assert pair_score(peer.mentors[mentor], peer.mentees[mentee], W).score == pytest.approx(
        best, abs=1e-4
    )


@pytest.mark.parametrize("dense", [0, 2, 256])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_sparse_features_score_like_the_pure_function(dense, data):
    # Features past dense_features are scored from sparse lists: any split gives the same.
    mentors = [data.draw(profiles(i)) for i in range(4)]
    mentees = [data.draw(profiles(10 + i)) for i in range(5)]
    weights = Weights(min_score=-1.0)
    scorer = Scorer(mentors, mentees, weights, dense_features=dense)
    block = scorer.block(0, 5)
    assert scorer.features["dense"] <= dense
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            assert block[i, j] == pytest.approx(pair_score(mentor, mentee, weights).score, abs=1e-3)
    np.testing.assert_allclose(scorer.rows([4, 1]), block[[4, 1]], atol=1e-6)
    np.testing.assert_allclose(scorer.sub([3, 0], [2, 0]), block[np.ix_([3, 0], [2, 0])], atol=1e-6)


def test_memory_does_not_grow_with_the_skill_vocabulary():
    # 3,000 people, each with skills of their own: 12,000 names. Dense people x names
    # matrices would be 3,000 x 24,000 floats (288 MB); the features stay small.
    rng = np.random.default_rng(1)
    people = [
        Profile(
            key=k,
            name=f"p{k}",
            teaches=frozenset(f"n{int(i)}" for i in rng.integers(0, 12_000, 4)),
            learns=frozenset(f"n{int(i)}" for i in rng.integers(0, 12_000, 2)),
        )
        for k in range(3000)
    ]
    scorer = Scorer(people[:1000], people[1000:], Weights(min_score=-1.0))
    assert scorer.features["dense"] <= matching.DENSE_FEATURES < scorer.features["sparse"]
    assert scorer.x.nbytes + scorer.y.nbytes < 4 * 3000 * (matching.DENSE_FEATURES + 1)
    block = scorer.block(0, 50)
    for i in range(50):
        for j in range(0, 1000, 97):
            expected = pair_score(people[j], people[1000 + i], Weights(min_score=-1.0)).score
            assert block[i, j] == pytest.approx(expected, abs=1e-3)


def test_reasons_are_data_put_into_words_in_the_readers_language_and_to_the_reader():
    ana = person(1, "Ana", {"SQL"}, {"Figma"}, goals=frozenset({"leadership"}))
    ben = person(2, "Ben", {"Figma"}, {"SQL"}, goals=frozenset({"leadership"}))
    reasons = pair_score(ana, ben, W).reasons
    assert all(isinstance(r, dict) and r["code"] for r in reasons)  # stored as data
    assert reasons_line(reasons) == (
        "Ana can teach Ben: SQL · Ben can teach Ana: Figma · shared goals: leadership"
        " · availability not given"
    )
    assert reasons_line(reasons, viewer=2).startswith(
        "Ana can teach you: SQL · You can teach Ana: Figma"
    )
    with translation.override("de"):
        assert reasons_line(reasons, viewer=1).startswith(
            "Du kannst Ben vermitteln: SQL · Ben kann dir vermitteln: Figma"
        )
        assert "Ana kann Ben vermitteln: SQL" in reasons_line(reasons)
    # Reasons stored as words before they were data are shown as they are.
    assert reasons_line(["Ana can teach Ben: SQL"], viewer=1) == "Ana can teach Ben: SQL"


def test_unmatched_reasons_are_shown_in_the_readers_language():
    from pairs import reasons

    entry = reasons.unmatched("min_score", min=0.5)
    assert entry["reason"] == "no partner scores above the minimum score (0.5)"
    with translation.override("fr"):
        assert reasons.unmatched_text(entry).startswith("aucun partenaire")
    assert reasons.unmatched_text({"reason": "as stored"}) == "as stored"
