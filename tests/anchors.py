"""Exact references for matching tests and benchmarks (SciPy, a development dependency).

`solve_dense` is SciPy's dense `linear_sum_assignment` on the slot-expanded matrix; it is
the anchor `pairs.assignment.solve` is checked against. `solve_peer_exact` is HiGHS' MILP
via SciPy, exact for small peer pools.
"""

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix

from pairs.assignment import _blocks, _bonus, _result


def solve_dense(scorer, objective="score"):
    """The anchor: linear_sum_assignment on the dense slot-expanded matrix."""
    n, m = scorer.shape
    capacity = scorer.capacity
    bonus = _bonus(scorer, objective)
    slot_owner = np.repeat(np.arange(m), capacity)
    full = np.empty((n, len(slot_owner)))
    for start, stop in _blocks(scorer):
        block = scorer.block(start, stop).astype(np.float64)
        full[start:stop] = np.where(np.isfinite(block), block + bonus, 0.0)[:, slot_owner]
    r, s = linear_sum_assignment(full, maximize=True)
    keep = full[r, s] > 0
    r, c = r[keep], slot_owner[s[keep]]
    v = full[r, s[keep]] - bonus
    return _result(r, c, v, {"solver": "dense-lsa"})


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
    )
    return float(-res.fun)
