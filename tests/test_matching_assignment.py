"""Optimal assignment: equals the dense anchor, beats greedy, deterministic; peer pools."""

import sys
from pathlib import Path

import numpy as np
import pytest

from pairs import assignment
from pairs.matching import PeerScorer, Profile, Scorer, Weights
from tests import anchors

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from _matching_data import pool, program  # noqa: E402


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_sparse_solver_reaches_the_dense_optimum(seed, objective):
    mentors, mentees, weights = program(300, seed=seed)
    scorer = Scorer(mentors, mentees, weights)
    # Keeping 4 pairs per mentee leaves most of the optimum to the rescoring rounds.
    exact = assignment.solve(scorer, objective, keep=4)
    dense = anchors.solve_dense(scorer, objective)
    greedy = assignment.solve_greedy(scorer, objective)
    assert exact.stats["certified_optimal"]
    # The optimum needed pairs that the scoring pass left out: the check found them.
    assert exact.stats["added"] > 0
    if objective == "score":
        assert exact.total == pytest.approx(dense.total, rel=1e-9)
        assert greedy.total <= exact.total + 1e-9
    else:
        assert exact.matched == dense.matched
        assert exact.total == pytest.approx(dense.total, rel=1e-9)
    # Capacities hold and nobody is matched twice.
    load = np.bincount([c for _, c, _ in exact.pairs], minlength=len(mentors))
    assert (load <= scorer.capacity).all()
    assert len({r for r, _, _ in exact.pairs}) == exact.matched


class FixedScores:
    """A scorer over a given matrix (rows mentees, columns mentors; -inf = not allowed)."""

    def __init__(self, matrix, capacity):
        self.matrix = np.array(matrix, dtype=float)
        self.capacity = np.array(capacity)
        self.shape = self.matrix.shape

    def block(self, start, stop):
        return self.matrix[start:stop].copy()

    def rows(self, indices):
        return self.matrix[np.asarray(indices)].copy()

    def sub(self, indices, columns):
        return self.matrix[np.ix_(np.asarray(indices), np.asarray(columns))].copy()


def test_coverage_objective_matches_more_people_than_total_score():
    no = -np.inf
    # x is great with A and poor with B; y fits only A, a little.
    scorer = FixedScores([[1.0, 0.1], [0.2, no]], capacity=[1, 1])
    by_score = assignment.solve(scorer, "score")
    by_coverage = assignment.solve(scorer, "coverage")
    assert [(r, c) for r, c, _ in by_score.pairs] == [(0, 0)]
    assert by_score.total == pytest.approx(1.0)
    assert sorted((r, c) for r, c, _ in by_coverage.pairs) == [(0, 1), (1, 0)]
    assert by_coverage.total == pytest.approx(0.3)
    assert anchors.solve_dense(scorer, "coverage").matched == 2


def test_deterministic_for_the_same_input():
    mentors, mentees, weights = program(200, seed=9)
    first = assignment.solve(Scorer(mentors, mentees, weights))
    second = assignment.solve(Scorer(mentors, mentees, weights))
    assert first.pairs == second.pairs


def test_greedy_falls_short_on_a_known_case():
    # Greedy takes the single best edge (a-x) and strands y; the optimum pairs both.
    a = Profile(1, "a", frozenset({"SQL", "Go"}), capacity=1)
    b = Profile(2, "b", frozenset({"SQL"}), capacity=1)
    x = Profile(3, "x", learns=frozenset({"SQL", "Go"}))
    y = Profile(4, "y", learns=frozenset({"Go"}))
    scorer = Scorer([a, b], [x, y], Weights(min_score=0.05))
    exact, greedy = assignment.solve(scorer), assignment.solve_greedy(scorer)
    assert greedy.total < exact.total
    assert exact.total == pytest.approx(anchors.solve_dense(scorer).total)


def test_empty_and_full_programs():
    mentors, mentees, weights = program(20, seed=3)
    no_mentors = assignment.solve(Scorer([], mentees, weights))
    assert no_mentors.pairs == [] and no_mentors.total == 0
    full = [Profile(**{**m.__dict__, "capacity": 0}) for m in mentors]
    assert assignment.solve(Scorer(full, mentees, weights)).pairs == []


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_peer_pairing_is_close_to_the_exact_optimum(seed):
    people, weights = pool(40, seed=seed)
    scorer = PeerScorer(people, weights)
    result = assignment.solve_peer(scorer)
    exact = anchors.solve_peer_exact(scorer)
    used = [x for r, c, _ in result.pairs for x in (r, c)]
    assert len(used) == len(set(used))  # one pair per person
    assert result.total <= exact + 1e-6 <= result.stats["upper_bound"] + 1e-5
    assert result.total >= 0.95 * exact


@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_default_settings_reach_the_dense_optimum_on_a_larger_program(objective):
    mentors, mentees, weights = program(2000, seed=21)
    scorer = Scorer(mentors, mentees, weights)
    exact = assignment.solve(scorer, objective)
    dense = anchors.solve_dense(scorer, objective)
    assert exact.stats["certified_optimal"]
    assert exact.matched == dense.matched
    assert exact.total == pytest.approx(dense.total, rel=1e-9)


def test_scores_a_ten_millionth_apart_are_told_apart():
    # One mentor, two mentees whose scores differ in the 7th decimal: the better one wins,
    # in both orders (integer costs keep that difference).
    for matrix, winner in (([[0.3], [0.3000001]], 1), ([[0.3000001], [0.3]], 0)):
        result = assignment.solve(FixedScores(matrix, capacity=[1]))
        assert [r for r, _, _ in result.pairs] == [winner]


def test_a_program_where_everyone_fits_everyone_keeps_every_pair():
    # Fewer mentors than `keep`: every allowed pair is kept, nothing is left to check.
    mentors, mentees, weights = program(50, seed=5)
    scorer = Scorer(mentors, mentees, weights)
    exact = assignment.solve(scorer)
    assert exact.stats["rescored"] == 0
    assert exact.total == pytest.approx(anchors.solve_dense(scorer).total, rel=1e-9)
