"""Exact references for matching tests and benchmarks (SciPy, a development dependency).

`solve_dense` is SciPy's dense `linear_sum_assignment` on the slot-expanded matrix; it is
the anchor `pairs.assignment.solve` is checked against. "coverage" is lexicographic: the
bonus per matched person exceeds twice the sum of every row's largest |score|, so no
difference of totals can outweigh one more pair (`max_matched` checks that count on its
own). `solve_peer_exact` is HiGHS' MILP via SciPy, exact for small peer pools;
`solve_shared_exact` the same for people who are both mentee and mentor.
"""

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from pairs.assignment import _blocks, _result


def _full(scorer):
    n, m = scorer.shape
    full = np.full((n, m), -np.inf)
    for start, stop in _blocks(scorer):
        full[start:stop] = scorer.block(start, stop).astype(np.float64)
    return full


def coverage_bonus(full):
    """Larger than any difference between two totals of scores."""
    finite = np.where(np.isfinite(full), np.abs(full), 0.0)
    return 1.0 + 2.0 * float(finite.max(axis=1, initial=0.0).sum())


def solve_dense(scorer, objective="score"):
    """The anchor: linear_sum_assignment on the dense slot-expanded matrix.

    "score": the most total score (how many pairs is not compared: zero-score pairs do
    not change it). "coverage": the most pairs, then the most total score."""
    n, m = scorer.shape
    capacity = np.asarray(scorer.capacity)
    slot_owner = np.repeat(np.arange(m), capacity)
    full = _full(scorer)
    allowed = np.isfinite(full)
    if objective == "coverage":
        bonus = coverage_bonus(full)
        # Allowed pairs are worth bonus + score > 0; the rest 0 (never chosen with > 0).
        expanded = np.where(allowed, full + bonus, 0.0)[:, slot_owner]
    else:
        bonus = 0.0
        # Pairs scoring <= 0 never raise the total: leaving them out is as good.
        expanded = np.where(allowed & (full > 0), full, 0.0)[:, slot_owner]
    if expanded.size == 0:
        return _result(np.zeros(0, int), np.zeros(0, int), np.zeros(0), {"solver": "dense-lsa"})
    r, s = linear_sum_assignment(expanded, maximize=True)
    keep = expanded[r, s] > 0
    r, c = r[keep], slot_owner[s[keep]]
    v = full[r, c]
    return _result(r, c, v, {"solver": "dense-lsa"})


def max_matched(scorer):
    """The most mentees that can be matched at all (slots of a bipartite graph)."""
    n, m = scorer.shape
    capacity = np.asarray(scorer.capacity)
    slot_owner = np.repeat(np.arange(m), capacity)
    if n == 0 or len(slot_owner) == 0:
        return 0
    allowed = np.isfinite(_full(scorer))[:, slot_owner]
    match = maximum_bipartite_matching(csr_matrix(allowed.astype(np.int8)), perm_type="column")
    return int((match >= 0).sum())


def solve_shared_exact(scorer, shared, objective="score"):
    """(total, matched) of the optimum when each (row, col) in `shared` is one person whose
    row and column together hold at most capacity[col] (HiGHS MILP, small programs)."""
    n, m = scorer.shape
    full = _full(scorer)
    r, c = np.nonzero(np.isfinite(full))
    if len(r) == 0:
        return 0.0, 0
    w = full[r, c]
    e = np.arange(len(r))
    capacity = np.asarray(scorer.capacity, dtype=float)
    rows_a, cols_a = [r, n + c], [e, e]
    upper = [np.ones(n), capacity]
    for k, (row, col) in enumerate(shared):
        both = np.nonzero((r == row) | (c == col))[0]
        rows_a.append(np.full(len(both), n + m + k))
        cols_a.append(both)
        upper.append([capacity[col]])
    a = coo_matrix(
        (np.ones(sum(len(x) for x in rows_a)), (np.concatenate(rows_a), np.concatenate(cols_a))),
        shape=(n + m + len(shared), len(r)),
    )
    bonus = coverage_bonus(full) if objective == "coverage" else 0.0
    res = milp(
        -(w + bonus),
        constraints=LinearConstraint(a, 0, np.concatenate([np.asarray(u, float) for u in upper])),
        integrality=np.ones(len(r)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0},  # HiGHS stops at 1e-4 by default: not exact
    )
    x = np.rint(res.x).astype(bool)
    return float(w[x].sum()), int(x.sum())


def solve_peer_exact(scorer):
    """Exact best pairing of a small pool (HiGHS MILP via SciPy): for checking solve_peer."""
    n = scorer.shape[0]
    block = scorer.block(0, n)
    a, b = np.nonzero(np.isfinite(np.triu(block, 1)) & (np.triu(np.ones((n, n)), 1) > 0))
    keep = scorer.capacity[a] * scorer.capacity[b] > 0
    a, b = a[keep], b[keep]
    if len(a) == 0:
        return 0.0
    w = block[a, b]
    e = np.arange(len(a))
    incidence = coo_matrix(
        (np.ones(2 * len(a)), (np.concatenate([a, b]), np.concatenate([e, e]))),
        shape=(n, len(a)),
    )
    res = milp(
        -w,
        constraints=LinearConstraint(incidence, 0, 1),
        integrality=np.ones(len(a)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0},  # HiGHS stops at 1e-4 by default: not exact
    )
    return float(-res.fun)
