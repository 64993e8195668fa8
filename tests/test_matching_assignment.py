"""Optimal assignment: equals the dense anchor, beats greedy, deterministic; peer pools."""

import dataclasses
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairs import assignment
from pairs.matching import PeerScorer, Profile, Scorer, Weights
from tests import anchors

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from _matching_data import family, pool, program  # noqa: E402


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


# -- exact on every input (issue 14, item 1) -------------------------------------------------


def check_against_anchor(scorer, objective, **options):
    """The solver's result is feasible, certified, and as good as the dense anchor."""
    result = assignment.solve(scorer, objective, **options)
    dense = anchors.solve_dense(scorer, objective)
    n, m = scorer.shape
    assert result.stats["certified_optimal"]
    rows = [r for r, _, _ in result.pairs]
    assert len(rows) == len(set(rows))
    load = np.bincount([c for _, c, _ in result.pairs], minlength=m)
    assert (load <= np.asarray(scorer.capacity)).all()
    for r, c, v in result.pairs:
        truth = float(scorer.rows([r])[0, c])
        assert np.isfinite(truth) and v == pytest.approx(truth, abs=1e-6)
    assert result.total == pytest.approx(dense.total, rel=1e-9, abs=1e-6)
    if objective == "coverage":
        assert result.matched == dense.matched == anchors.max_matched(scorer)
    else:
        # Among the best totals, the most pairs: never fewer than the anchor's.
        assert result.matched >= dense.matched
    return result, dense


def one_skill(n_mentees, n_mentors, capacity=1, skill="Leadership"):
    mentors = [
        Profile(i, f"m{i}", teaches=frozenset({skill}), capacity=capacity) for i in range(n_mentors)
    ]
    mentees = [Profile(10_000 + i, f"e{i}", learns=frozenset({skill})) for i in range(n_mentees)]
    return mentors, mentees


@pytest.mark.parametrize("reduce", [True, False])  # as classes of people, or pair by pair
@pytest.mark.parametrize("n_mentors", [200, 201, 1000])
def test_ties_never_lose_pairs(n_mentors, reduce):
    # The reproduction: 3 mentees wanting "Leadership", mentors teaching only it.
    mentors, mentees = one_skill(3, n_mentors)
    result = assignment.solve(Scorer(mentors, mentees, Weights()), reduce=reduce)
    assert result.matched == 3 and result.stats["certified_optimal"]
    assert ("classes" in result.stats["solver"]) == reduce


@pytest.mark.parametrize("reduce", [True, False])
@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_all_scores_equal_with_hundreds_tied_per_mentee(objective, reduce):
    mentors, mentees = one_skill(1000, 250)
    scorer = Scorer(mentors, mentees, Weights())
    result, _dense = check_against_anchor(scorer, objective, reduce=reduce)
    assert result.matched == 250


@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_interchangeable_people_are_solved_as_classes(objective):
    # Tie-heavy: a few dozen kinds of people. Managers, blocked pairs and departments make
    # some people unlike the rest of their kind; they must stay themselves.
    mentors, mentees, _weights = family("tie-heavy", 1500, seed=4)
    mentees = [
        Profile(**{**p.__dict__, "email": f"e{i}@x", "department": "ab"[i % 2]})
        if i % 7
        else Profile(**{**p.__dict__, "manager_email": f"m{i % 50}@x"})
        for i, p in enumerate(mentees)
    ]
    mentors = [
        Profile(**{**p.__dict__, "email": f"m{j}@x", "department": "abc"[j % 3]})
        for j, p in enumerate(mentors)
    ]
    blocked = {(mentors[j].key, mentees[3 * j].key) for j in range(0, 300, 2)}
    scorer = Scorer(mentors, mentees, Weights(different_department=True), blocked)
    result, dense = check_against_anchor(scorer, objective)
    assert "classes" in result.stats["solver"]
    rows, cols = (int(x) for x in result.stats["classes"].split(" x "))
    assert rows * cols * 4 < 1500 * 600
    pairs = assignment.solve(scorer, objective, reduce=False)
    assert pairs.total == pytest.approx(result.total, abs=1e-6)
    assert pairs.matched == result.matched


@pytest.mark.parametrize(("names", "size"), [(1, 2000), (3, 2000), (5, 5000)])
def test_one_to_five_skill_names(names, size):
    rng = np.random.default_rng(names)
    skills = [f"s{i}" for i in range(names)]
    mentors = [
        Profile(
            i,
            f"m{i}",
            teaches=frozenset(
                rng.choice(skills, size=int(rng.integers(1, names + 1)), replace=False)
            ),
            capacity=int(rng.integers(1, 3)),
        )
        for i in range(size * 2 // 5)
    ]
    mentees = [
        Profile(100_000 + i, f"e{i}", learns=frozenset(rng.choice(skills, size=1)))
        for i in range(size)
    ]
    check_against_anchor(Scorer(mentors, mentees, Weights()), "score")
    if size <= 2000:
        check_against_anchor(Scorer(mentors, mentees, Weights()), "coverage")


@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_empty_profiles_with_minimum_score_zero_pair_everyone_they_can(objective):
    mentors = [Profile(i, f"m{i}", capacity=2) for i in range(40)]
    mentees = [Profile(1000 + i, f"e{i}") for i in range(100)]
    scorer = Scorer(mentors, mentees, Weights(min_score=0.0))
    result, _dense = check_against_anchor(scorer, objective)
    assert result.matched == anchors.max_matched(scorer) == 80


@pytest.mark.parametrize("name", ["scarce", "plentiful", "clustered", "tie-heavy"])
@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_program_families_reach_the_anchor(name, objective):
    mentors, mentees, weights = family(name, 600, seed=3)
    check_against_anchor(Scorer(mentors, mentees, weights), objective, keep=8)


@pytest.mark.parametrize("name", ["uniform", "tie-heavy", "huge-vocabulary", "plentiful"])
def test_the_availability_bound_holds_and_single_pairs_score_as_blocks(name):
    mentors, mentees, weights = family(name, 300, seed=5)
    scorer = Scorer(mentors, mentees, weights)
    n, m = scorer.shape
    whole = scorer.block(0, n, floored=False)
    base, bound = scorer.bounded_block(0, n)
    allowed = np.isfinite(whole)
    assert (np.isfinite(base) == allowed).all()
    assert (whole[allowed] <= (base + bound[:, None])[allowed]).all()
    r, c = np.nonzero(allowed)
    assert np.array_equal(base[r, c] + scorer.availability(r, c), whole[r, c])
    assert np.array_equal(base + scorer.availability_block(0, n), whole)


@pytest.mark.parametrize("share", [0.0, 1.0])
@pytest.mark.parametrize("name", ["uniform", "tie-heavy", "huge-vocabulary", "scarce"])
def test_the_bounded_scan_keeps_what_whole_blocks_keep(name, share, monkeypatch):
    monkeypatch.setattr(assignment, "BOUNDED_COLUMNS", 0)
    monkeypatch.setattr(assignment, "BOUNDED_SHARE", share)
    mentors, mentees, weights = family(name, 800, seed=6)
    scorer = Scorer(mentors, mentees, weights)
    kept, graph = assignment._scan(scorer, 8, 4, bounded=True)
    plain, plain_graph = assignment._scan(scorer, 8, 4, bounded=False)
    for a, b in ((kept.rows, plain.rows), (kept.cols, plain.cols), (kept.vals, plain.vals)):
        assert np.array_equal(a, b)
    assert np.array_equal(kept.tau1, plain.tau1) and np.array_equal(graph, plain_graph)
    check_against_anchor(scorer, "score", keep=8)


@pytest.mark.parametrize("name", ["uniform", "plentiful", "tie-heavy", "scarce", "clustered"])
@pytest.mark.parametrize("department", [False, True])
def test_the_compiled_scan_keeps_what_whole_blocks_keep(name, department, monkeypatch):
    """pairs.scan_kernel scores each pair as Scorer.block does, bit for bit: the same pairs,
    scores, bounds and first graph, with managers, blocked pairs and departments excluded."""
    monkeypatch.setattr(assignment, "FUSED_COLUMNS", 0)
    mentors, mentees, weights = family(name, 700, seed=8)
    weights = dataclasses.replace(weights, different_department=department)
    blocked = {
        (mentors[i].key, mentees[3 * i % len(mentees)].key) for i in range(0, len(mentors), 7)
    }
    scorer = Scorer(mentors, mentees, weights, blocked)
    assert scorer.fused() and scorer._forbidden
    kept, graph = assignment._scan(scorer, 8, 4, fused=True)
    plain, plain_graph = assignment._scan(scorer, 8, 4, bounded=False, fused=False)
    for a, b in ((kept.rows, plain.rows), (kept.cols, plain.cols), (kept.vals, plain.vals)):
        assert np.array_equal(a, b)
    assert np.array_equal(kept.tau1, plain.tau1) and np.array_equal(graph, plain_graph)
    forbidden = {(i, int(j)) for i, cols in scorer._forbidden.items() for j in cols}
    assert not forbidden & set(zip(kept.rows.tolist(), kept.cols.tolist(), strict=True))
    check_against_anchor(scorer, "score", keep=8)


def test_the_compiled_scan_grows_its_output_when_a_row_keeps_many():
    """Every score tied (empty profiles, minimum 0): each row keeps pairs far beyond the
    kernel's first output width, and none is lost."""
    mentors = [Profile(i, f"m{i}", capacity=1) for i in range(3000)]
    mentees = [Profile(10_000 + i, f"e{i}") for i in range(40)]
    scorer = Scorer(mentors, mentees, Weights(min_score=0.0))
    r, c, v = scorer.fused_pairs(0, 40, np.full(40, -1, np.float32), np.zeros(40, np.float32))
    assert len(r) == 40 * 3000 and (v == 0).all()
    assert np.array_equal(r * 3000 + c, np.arange(40 * 3000))


def random_matrix(rng, n, m, forbidden=0.0, levels=None):
    matrix = rng.random((n, m)) if levels is None else rng.choice(levels, size=(n, m))
    matrix[rng.random((n, m)) < forbidden] = -np.inf
    return matrix


@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_ninety_percent_of_pairs_forbidden(objective):
    rng = np.random.default_rng(5)
    matrix = random_matrix(rng, 300, 120, forbidden=0.9)
    check_against_anchor(FixedScores(matrix, rng.integers(1, 3, size=120)), objective, keep=3)


@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_capacities_one_to_ten(objective):
    rng = np.random.default_rng(6)
    matrix = random_matrix(rng, 400, 60, forbidden=0.3, levels=[0.2, 0.5, 0.5, 1.0])
    check_against_anchor(FixedScores(matrix, rng.integers(1, 11, size=60)), objective, keep=5)


def test_scores_a_ten_millionth_apart_in_a_whole_program():
    rng = np.random.default_rng(7)
    matrix = 0.5 + rng.integers(0, 50, size=(200, 80)) * 1e-7
    check_against_anchor(FixedScores(matrix, np.ones(80, dtype=int)), "score", keep=4)


@pytest.mark.parametrize("objective", ["score", "coverage"])
def test_a_single_mentor_with_room_for_everyone(objective):
    rng = np.random.default_rng(8)
    matrix = random_matrix(rng, 300, 1)
    result, _dense = check_against_anchor(FixedScores(matrix, [300]), objective)
    assert result.matched == 300


@pytest.mark.parametrize("objective", ["score", "coverage"])
@pytest.mark.parametrize("shape", [(0, 0), (0, 5), (5, 0), (4, 3)])
def test_empty_inputs_and_nobody_admissible(objective, shape):
    matrix = np.full(shape, -np.inf)
    result, _dense = check_against_anchor(FixedScores(matrix, np.ones(shape[1], int)), objective)
    assert result.pairs == [] and result.total == 0


def test_the_coverage_anchor_matches_everyone_it_can_with_high_weights():
    # A chain where the best-scoring choice strands people: with weights of 5 one pair can
    # score 20, which the old bonus of 10n + 10 did not outweigh.
    n = 10
    matrix = np.full((n, n), -np.inf)
    for i in range(n):
        matrix[i, i] = 1.0
        if i + 1 < n:
            matrix[i, i + 1] = 20.0
    scorer = FixedScores(matrix, np.ones(n, dtype=int))
    assert anchors.solve_dense(scorer, "coverage").matched == anchors.max_matched(scorer) == n
    assert assignment.solve(scorer, "coverage").matched == n


def test_not_proven_says_so_with_a_true_bound():
    mentors, mentees, weights = program(300, seed=4)
    scorer = Scorer(mentors, mentees, weights)
    result = assignment.solve(scorer, keep=4, max_rounds=1)
    dense = anchors.solve_dense(scorer)
    assert not result.stats["certified_optimal"]
    assert result.total < dense.total - 1e-6  # one round is not enough here
    assert result.total + result.stats["gap"] >= dense.total - 1e-6


programs = st.tuples(
    st.integers(0, 7),
    st.integers(0, 6),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["score", "coverage"]),
    st.sampled_from([None, [0.0, 1.0], [0.25, 0.5, 0.5, 2.0], [0.1, 0.1000001]]),
    st.floats(0.0, 0.9),
    st.integers(1, 6),
)


@settings(max_examples=300, deadline=None)
@given(programs)
def test_random_small_programs_match_the_anchor(case):
    n, m, seed, objective, levels, forbidden, keep = case
    rng = np.random.default_rng(seed)
    matrix = random_matrix(rng, n, m, forbidden, levels)
    capacity = rng.integers(0, 4, size=m)
    check_against_anchor(FixedScores(matrix, capacity), objective, keep=keep)


# -- one capacity per person across both roles (item 2) --------------------------------------


def shared_program(rng, people, forbidden, levels=None):
    """Everyone is both a mentee (row i) and a mentor (column i); never themselves."""
    matrix = random_matrix(rng, people, people, forbidden, levels)
    np.fill_diagonal(matrix, -np.inf)
    capacity = rng.integers(1, 3, size=people)
    return FixedScores(matrix, capacity), [(i, i) for i in range(people)]


@settings(max_examples=120, deadline=None)
@given(
    st.integers(2, 9),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["score", "coverage"]),
    st.sampled_from([None, [0.5, 1.0]]),
)
def test_people_in_both_roles_are_never_booked_beyond_their_capacity(
    people, seed, objective, levels
):
    rng = np.random.default_rng(seed)
    scorer, shared = shared_program(rng, people, 0.3, levels)
    result = assignment.solve(scorer, objective, keep=3, shared=shared)
    use = np.zeros(people, dtype=int)
    for r, c, _v in result.pairs:
        use[r] += 1
        use[c] += 1
    assert (use <= scorer.capacity).all()
    total, matched = anchors.solve_shared_exact(scorer, shared, objective)
    assert result.stats["certified_optimal"]
    assert result.total == pytest.approx(total, abs=1e-6)
    if objective == "coverage":
        assert result.matched == matched


def test_shared_capacity_on_a_larger_program_is_exact():
    rng = np.random.default_rng(12)
    scorer, shared = shared_program(rng, 120, 0.5)
    scorer.capacity = np.ones(120, dtype=int)  # one slot each: everyone is in a conflict
    result = assignment.solve(scorer, "score", keep=6, shared=shared)
    assert result.stats["double_booked"] > 0  # the relaxation did double-book
    total, _matched = anchors.solve_shared_exact(scorer, shared)
    assert result.stats["certified_optimal"]
    assert result.total == pytest.approx(total, abs=1e-6)


# -- peer pools (item 7) ---------------------------------------------------------------------


def networkx_optimum(scorer):
    n = scorer.shape[0]
    full = scorer.block(0, n).astype(float)
    graph = nx.Graph()
    a, b = np.nonzero(np.triu(np.isfinite(full) & np.isfinite(full.T), 1))
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        if scorer.capacity[x] > 0 and scorer.capacity[y] > 0:
            graph.add_edge(x, y, weight=float(max(full[x, y], full[y, x])))
    matching = nx.max_weight_matching(graph)
    return sum(graph[x][y]["weight"] for x, y in matching)


POOL_SIZES = np.rint(
    # 50 pools of 20-300 people, small ones more often than log-uniform: networkx's time
    # grows as the cube of the size (about 4 s on a dense 300), and the large pools
    # that remain (eight over 150) still test what only large pools show.
    np.exp(np.log(20) + np.random.default_rng(2026).uniform(0, 1, size=50) ** 2 * np.log(15))
).astype(int)
POOL_SIZES[:3] = [20, 300, 231]


@pytest.mark.parametrize("group", range(5))  # ten pools each, so workers share them
def test_peer_pools_are_exact_against_networkx(group):
    for k in range(group * 10, group * 10 + 10):
        size = int(POOL_SIZES[k])
        people, weights = pool(size, seed=1000 + k)
        # Some people have no room left: they are never paired.
        people = [
            Profile(**{**p.__dict__, "capacity": 0}) if i % 9 == 4 else p
            for i, p in enumerate(people)
        ]
        scorer = PeerScorer(people, weights)
        result = assignment.solve_peer(scorer)
        used = [x for r, c, _ in result.pairs for x in (r, c)]
        assert len(used) == len(set(used))
        assert all(people[x].capacity > 0 for x in used)
        assert result.stats["certified_optimal"], size
        assert result.total == pytest.approx(networkx_optimum(scorer), abs=1e-5), size


def test_peer_capacity_zero_is_never_paired_in_a_large_pool():
    people, weights = pool(500, seed=3)
    people = [
        Profile(**{**p.__dict__, "capacity": 0}) if i % 2 else p for i, p in enumerate(people)
    ]
    result = assignment.solve_peer(PeerScorer(people, weights), exact_pool=100)
    used = [x for r, c, _ in result.pairs for x in (r, c)]
    assert used and all(people[x].capacity > 0 for x in used)
    assert result.total <= result.stats["upper_bound"] + 1e-6


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_peer_pairing_equals_the_milp(seed):
    people, weights = pool(40, seed=seed)
    scorer = PeerScorer(people, weights)
    result = assignment.solve_peer(scorer)
    assert result.total == pytest.approx(anchors.solve_peer_exact(scorer), abs=1e-5)


# -- whole programs drawn apart from bench/_matching_data.py ----------------------------------


def drawn_program(rng, n, m, vocabulary, empty, capacity_top):
    """Profiles as people fill them in: skills from a small or large vocabulary (or none),
    shared or scattered availability, departments, managers, blocked pairs, full mentors."""

    def skills(count):
        if empty or count == 0:
            return frozenset()
        return frozenset(
            f"Skill {int(i)}" for i in np.minimum(rng.zipf(1.3, count) - 1, vocabulary - 1)
        )

    mode = int(rng.integers(0, 3))

    def slots():
        if mode == 0:
            return frozenset()
        if mode == 1:
            return frozenset(range(18, 34))
        start = int(rng.integers(0, 336))
        return frozenset(s % 336 for s in range(start, start + int(rng.integers(1, 40))))

    departments = ["", "Sales", "Ops"]

    def someone(key, name, capacity, manager=""):
        return Profile(
            key=key,
            name=name,
            teaches=skills(int(rng.integers(0, 6))),
            learns=skills(int(rng.integers(0, 5))),
            goals=skills(int(rng.integers(0, 3))),
            slots=slots(),
            department=str(rng.choice(departments)),
            email=f"{name}@example.com",
            manager_email=manager,
            capacity=capacity,
        )

    mentors = [someone(i, f"m{i}", int(rng.integers(0, capacity_top + 1))) for i in range(m)]
    mentees = [
        someone(
            m + i, f"e{i}", 1, f"m{int(rng.integers(0, m))}@example.com" if m and i % 7 == 3 else ""
        )
        for i in range(n)
    ]
    blocked = (
        frozenset(
            (int(rng.integers(0, m)), m + int(rng.integers(0, n)))
            for _ in range(int(rng.integers(0, 9)))
        )
        if m and n
        else frozenset()
    )
    weights = Weights(
        teach=float(rng.choice([0.0, 1.0, 5.0])),
        learn=float(rng.choice([0.0, 0.6, 5.0])),
        goals=float(rng.choice([0.0, 0.3, 5.0])),
        availability=float(rng.choice([0.0, 0.4, 5.0])),
        min_score=float(rng.choice([0.0, 0.1, 1.0])),
        different_department=bool(rng.random() < 0.3),
    )
    return Scorer(mentors, mentees, weights, blocked=blocked)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 150),
    st.sampled_from([0.0, 0.05, 0.3, 1.0, 3.0]),
    st.sampled_from([1, 2, 3, 5, 40, 2000]),
    st.booleans(),
    st.sampled_from([1, 2, 10]),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["score", "coverage"]),
    st.sampled_from([2, assignment.DEFAULT_KEEP]),
)
def test_whole_programs_drawn_independently_match_the_anchor(
    n, ratio, vocabulary, empty, capacity_top, seed, objective, keep
):
    rng = np.random.default_rng(seed)
    m = int(n * ratio) + int(rng.integers(0, 3))
    scorer = drawn_program(rng, n, m, vocabulary, empty, capacity_top)
    if n == 0 or m == 0:
        result = assignment.solve(scorer, objective)
        assert result.stats["certified_optimal"] and result.matched == 0
        return
    check_against_anchor(scorer, objective, keep=keep)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.sampled_from([1, 3, 40]), st.booleans(), st.integers(0, 2**32 - 1))
def test_peer_pools_drawn_independently_match_networkx(size, vocabulary, empty, seed):
    rng = np.random.default_rng(seed)
    drawn = drawn_program(rng, size, size, vocabulary, empty, 2)
    people = [dataclasses.replace(p, key=i) for i, p in enumerate(drawn.mentees + drawn.mentors)]
    scorer = PeerScorer(people, drawn.weights)
    result = assignment.solve_peer(scorer)
    used = [x for r, c, _ in result.pairs for x in (r, c)]
    assert len(used) == len(set(used))
    assert all(people[x].capacity > 0 for x in used)
    assert result.stats["certified_optimal"]
    # Two references: networkx's blossom (the solver's own method, here on the raw scores)
    # and HiGHS's integer program, which shares nothing with it.
    assert result.total == pytest.approx(networkx_optimum(scorer), abs=1e-5)
    assert result.total == pytest.approx(anchors.solve_peer_exact(scorer), abs=1e-5)
