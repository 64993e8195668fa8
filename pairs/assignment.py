"""Optimal capacity-aware assignment of mentees to mentors, plus a greedy baseline.

`solve` maximises the total score (or, for objective "coverage", first the number of
people matched and then the score) subject to mentor capacities, exactly:

1. keep each mentee's best K candidate mentors (a sparse graph) and a reserve of the next
   3K, scoring the program in blocks of rows (never the whole matrix at once);
2. solve the graph exactly with SciPy's LAPJVsp (`min_weight_full_bipartite_matching`),
   each mentor expanded into capacity slots, each slot allowed to stay empty;
3. prove the result optimal for the *whole* graph: Bellman-Ford potentials on the
   residual network are LP dual prices u (mentees) and v (mentors); a left-out edge can
   only improve the total if w > u + v. Reserve edges are checked first; when none
   improves, one exact pass over every (mentee, mentor) pair checks the rest, adds the
   improving edges (and refreshes each row's reserve by reduced score w - v) and the
   graph is solved again, until a pass finds none: then the total is optimal (within
   1e-6 per pair, float32 scores).

Deterministic for the same input. `solve_dense` is the anchor (SciPy's dense
`linear_sum_assignment` on the slot-expanded matrix); `solve_greedy` the baseline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

BLOCK_ELEMENTS = 4_000_000  # scores computed per block (rows × columns)
DEFAULT_K = 16
EPS = 1e-6  # scores are float32 sums of O(1) terms
DEBUG = False
ADD_PER_ROW = 8
RESERVE_FACTOR = 3
NEAR = 0.02  # reduced-score margin under which kept edges join the graph early


@dataclass
class Assignment:
    pairs: list  # (row, col, score), best first
    total: float
    matched: int
    stats: dict = field(default_factory=dict)
    row_info: dict = field(default_factory=dict)  # row -> (allowed columns, best score)

    def unmatched_rows(self, n_rows):
        taken = {r for r, _, _ in self.pairs}
        return [r for r in range(n_rows) if r not in taken]


def _bonus(scorer, objective):
    # "coverage": every matched person is worth more than any total of scores.
    if objective == "coverage":
        return float(scorer.shape[0] * 10 + 10)
    return 0.0


def _blocks(scorer):
    n, m = scorer.shape
    step = max(1, BLOCK_ELEMENTS // max(1, m))
    for start in range(0, n, step):
        yield start, min(n, start + step)


def _candidates(scorer, k, progress=None):
    """Top-k columns per row, the best left-out score per row, and per-row info."""
    n, m = scorer.shape
    k = min(k, m)
    rows, cols, vals = [], [], []
    pruned_max = np.full(n, -np.inf)
    allowed = np.zeros(n, dtype=np.int64)
    best = np.full(n, -np.inf)
    for start, stop in _blocks(scorer):
        block = scorer.block(start, stop)
        finite = np.isfinite(block)
        allowed[start:stop] = finite.sum(axis=1)
        if m == 0:
            continue
        best[start:stop] = block.max(axis=1)
        if k < m:
            part = np.argpartition(-block, k, axis=1)
            top = part[:, :k]
            pruned_max[start:stop] = np.take_along_axis(block, part[:, k : k + 1], 1)[:, 0]
            # argpartition puts the k-th largest at k; everything after is <= it.
        else:
            top = np.broadcast_to(np.arange(m), (stop - start, m))
        top_vals = np.take_along_axis(block, top, 1)
        keep = np.isfinite(top_vals)
        r = np.broadcast_to(np.arange(start, stop)[:, None], top.shape)
        rows.append(r[keep])
        cols.append(top[keep])
        vals.append(top_vals[keep].astype(np.float64))
        if progress:
            progress(0.6 * stop / n, "scoring")
    if rows:
        rows, cols, vals = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    else:
        rows = cols = np.zeros(0, dtype=np.int64)
        vals = np.zeros(0)
    return rows.astype(np.int64), cols.astype(np.int64), vals, pruned_max, allowed, best


def _solve_sparse(n, m, capacity, rows, cols, weights):
    """Exact max-weight b-matching on the candidate edges. Returns chosen edge indices."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    slot_start = np.concatenate([[0], np.cumsum(capacity)])
    n_slots = int(slot_start[-1])
    if n_slots == 0:
        return np.zeros(0, dtype=np.int64)
    cap_e = capacity[cols]
    keep = cap_e > 0
    edge_ids = np.nonzero(keep)[0]
    cap_e = cap_e[keep]
    e_rep = np.repeat(edge_ids, cap_e)
    offsets = np.arange(len(e_rep)) - np.repeat(np.cumsum(cap_e) - cap_e, cap_e)
    slot = slot_start[cols[e_rep]] + offsets
    top = float(weights.max()) + 1.0
    # Slots are the rows (each must be filled: by a mentee, or by its own "empty" column).
    cost = np.concatenate([top - weights[e_rep], np.full(n_slots, top)])
    g_rows = np.concatenate([slot, np.arange(n_slots)])
    g_cols = np.concatenate([rows[e_rep], n + np.arange(n_slots)])
    # csr_matrix sums duplicates; there are none (edges are unique per row/col).
    graph = csr_matrix((cost, (g_rows, g_cols)), shape=(n_slots, n + n_slots))
    slot_idx, col_idx = min_weight_full_bipartite_matching(graph)
    real = col_idx < n
    slot_idx, mentee_idx = slot_idx[real], col_idx[real]
    mentor_idx = np.searchsorted(slot_start, slot_idx, side="right") - 1
    # Map (mentee, mentor) back to the edge index.
    keys = rows * m + cols
    order = np.argsort(keys, kind="stable")
    found = order[np.searchsorted(keys, mentee_idx * m + mentor_idx, sorter=order)]
    return found.astype(np.int64)


def _potentials(n, m, capacity, rows, cols, weights, chosen):
    """Shortest-path potentials on the residual network of the min-cost circulation.

    Nodes: mentees 0..n-1, mentors n..n+m-1, source s, sink t. Costs are -weights.
    With no negative cycle (the matching is optimal on these edges) Bellman-Ford
    converges; d is then a feasible dual: a left-out edge (i, j) could improve the
    matching only if weight > d[i] - d[n + j].
    """
    s, t = n + m, n + m + 1
    matched_edge = np.zeros(len(rows), dtype=bool)
    matched_edge[chosen] = True
    row_matched = np.zeros(n, dtype=bool)
    row_matched[rows[chosen]] = True
    load = np.bincount(cols[chosen], minlength=m)
    mentors = n + np.arange(m)
    free_cap, loaded = load < capacity, load > 0
    src = [
        np.where(matched_edge, n + cols, rows),
        np.where(row_matched, np.arange(n), s),
        mentors[free_cap],
        np.full(int(loaded.sum()), t),
        np.array([t]),
    ]
    dst = [
        np.where(matched_edge, rows, n + cols),
        np.where(row_matched, s, np.arange(n)),
        np.full(int(free_cap.sum()), t),
        mentors[loaded],
        np.array([s]),
    ]
    cost = [
        np.where(matched_edge, weights, -weights),
        np.zeros(n),
        np.zeros(int(free_cap.sum())),
        np.zeros(int(loaded.sum())),
        np.zeros(1),
    ]
    if len(chosen):
        src.append(np.array([s]))
        dst.append(np.array([t]))
        cost.append(np.zeros(1))
    src, dst, cost = np.concatenate(src), np.concatenate(dst), np.concatenate(cost)
    order = np.argsort(dst, kind="stable")
    src, dst, cost = src[order], dst[order], cost[order]
    heads, starts = np.unique(dst, return_index=True)
    d = np.zeros(n + m + 2)
    for iteration in range(n + m + 3):
        relaxed = np.minimum.reduceat(d[src] + cost, starts)
        better = relaxed < d[heads] - 1e-10
        if not better.any():
            # Tighten: a mentor with no mentee needs no higher price than the sink's
            # (its only way out is to the sink), which keeps every reduced cost >= 0.
            idle = n + np.nonzero(load == 0)[0]
            d[idle] = np.minimum(d[idle], d[t])
            return d, iteration
        d[heads[better]] = relaxed[better]
    raise RuntimeError("negative cycle: the sparse matching is not optimal")


def solve(scorer, objective="score", k=DEFAULT_K, progress=None, max_rounds=50):
    """Exact optimum over the whole program (see module docstring)."""
    n, m = scorer.shape
    capacity = scorer.capacity
    bonus = _bonus(scorer, objective)
    reserve = RESERVE_FACTOR * k  # kept aside after the first pass, checked exactly
    rows, cols, vals, _pruned, allowed, best = _candidates(scorer, k + reserve, progress)
    active = _row_ranks(rows, vals, cols) < k
    stats = {"solver": "sparse-lapjvsp", "k": min(k, m), "rounds": 0, "full_passes": 1}
    for round_ in range(1, max_rounds + 1):
        stats["rounds"] = round_
        if progress:
            progress(0.6 + 0.4 * round_ / (round_ + 2), "solving")
        ar, ac, av = rows[active], cols[active], vals[active] + bonus
        t0 = time.perf_counter()
        chosen = _solve_sparse(n, m, capacity, ar, ac, av)
        _debug(round_, f"solve {time.perf_counter() - t0:.2f}s on", len(ar))
        if m == 0 or n == 0 or len(ar) == 0:
            break
        d, iterations = _potentials(n, m, capacity, ar, ac, av, chosen)
        stats["bellman_ford_iterations"] = iterations
        # Prices: u (mentees) and v >= 0 (mentors); an edge improves the total iff w > u + v.
        u, v = d[:n] - d[n + m + 1], d[n + m + 1] - d[n : n + m]
        res = np.nonzero(~active)[0]
        gap = (vals[res] + bonus) - u[rows[res]] - v[cols[res]]
        # When any kept edge improves, near-improving ones join too: prices move as edges
        # are added, and taking them now saves solving again for each in turn.
        grow = res[gap > -NEAR] if (gap > EPS).any() else res[:0]
        if len(grow):
            # Kept edges now priced as improving: add them and solve again (no rescoring).
            active[grow] = True
            _debug(round_, "reserve", len(grow))
            continue
        # Certificate: one exact pass over every (mentee, mentor) pair.
        stats["full_passes"] += 1
        t0 = time.perf_counter()
        add_r, add_c, add_v, add_bad, add_near = _violations(scorer, u, v, bonus, k + reserve)
        _debug(round_, f"pass {time.perf_counter() - t0:.2f}s", 0)
        _debug(round_, "full pass", int(add_bad.sum()))
        # Edges the graph already has are never duplicated; inactive ones that improve
        # the total are switched on.
        key_order = np.argsort(rows * m + cols, kind="stable")
        have = (rows * m + cols)[key_order]
        key = add_r * m + add_c
        at = np.minimum(np.searchsorted(have, key), max(0, len(have) - 1))
        exists = (have[at] == key) if len(have) else np.zeros(len(key), dtype=bool)
        switch_on = key_order[at[exists & add_bad]]
        switch_on = switch_on[~active[switch_on]]
        new = ~exists
        if not len(switch_on) and not (add_bad & new).any():
            break
        active[switch_on] = True
        rows = np.concatenate([rows, add_r[new]])
        cols = np.concatenate([cols, add_c[new]])
        vals = np.concatenate([vals, add_v[new]])
        active = np.concatenate([active, add_near[new]])
    else:
        raise RuntimeError("matching did not converge")
    stats["edges"] = int(active.sum())
    stats["certified_optimal"] = True
    return _result(ar[chosen], ac[chosen], av[chosen] - bonus, stats, allowed, best)


def _debug(round_, what, count):
    if DEBUG:
        print(f"round {round_}: {what} adds {count} edges")


def _violations(scorer, u, v, bonus, keep):
    """Per row, the `keep` edges with the best reduced score w - u - v (a fresh reserve under
    the current prices), and whether each improves the total (w > u + v)."""
    n, m = scorer.shape
    keep = min(keep, m)
    out_r, out_c, out_v, out_bad, out_near = [], [], [], [], []
    for start, stop in _blocks(scorer):
        block = scorer.block(start, stop)
        # Selection in the block's own precision (fast), the verdict in float64 (exact).
        dtype = block.dtype if not bonus else np.float64
        gap = block.astype(dtype, copy=True)
        gap -= v[None, :].astype(dtype)
        gap -= (u[start:stop] - bonus)[:, None].astype(dtype)
        if keep < m:
            top = np.argpartition(gap, m - keep, axis=1)[:, m - keep :]
        else:
            top = np.broadcast_to(np.arange(m), gap.shape)
        del gap
        top_vals = np.take_along_axis(block, top, 1)
        r_off, pos = np.nonzero(np.isfinite(top_vals))
        c = top[r_off, pos]
        value = top_vals[r_off, pos].astype(np.float64)
        out_r.append(r_off + start)
        out_c.append(c)
        out_v.append(value)
        reduced = value + bonus - u[r_off + start] - v[c]
        out_bad.append(reduced > EPS)
        out_near.append(reduced > -NEAR)
    if not out_r:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    return (
        np.concatenate(out_r).astype(np.int64),
        np.concatenate(out_c).astype(np.int64),
        np.concatenate(out_v),
        np.concatenate(out_bad),
        np.concatenate(out_near),
    )


def _row_ranks(rows, vals, cols):
    order = np.lexsort((cols, -vals, rows))
    sorted_rows = rows[order]
    starts = np.searchsorted(sorted_rows, sorted_rows, side="left")
    rank = np.empty(len(rows), dtype=np.int64)
    rank[order] = np.arange(len(rows)) - starts
    return rank


def _result(r, c, v, stats, allowed, best):
    order = np.lexsort((c, r, -v))
    pairs = [(int(r[i]), int(c[i]), float(v[i])) for i in order]
    row_info = {i: (int(allowed[i]), float(best[i])) for i in range(len(allowed))}
    return Assignment(
        pairs, float(np.sum(v)) if len(v) else 0.0, len(pairs), stats, row_info=row_info
    )


def solve_dense(scorer, objective="score"):
    """The anchor: linear_sum_assignment on the dense slot-expanded matrix."""
    n, m = scorer.shape
    capacity = scorer.capacity
    bonus = _bonus(scorer, objective)
    slot_owner = np.repeat(np.arange(m), capacity)
    full = np.empty((n, len(slot_owner)))
    allowed = np.zeros(n, dtype=np.int64)
    best = np.full(n, -np.inf)
    for start, stop in _blocks(scorer):
        block = scorer.block(start, stop).astype(np.float64)
        allowed[start:stop] = np.isfinite(block).sum(axis=1)
        best[start:stop] = block.max(axis=1) if m else -np.inf
        full[start:stop] = np.where(np.isfinite(block), block + bonus, 0.0)[:, slot_owner]
    r, s = linear_sum_assignment(full, maximize=True)
    keep = full[r, s] > 0
    r, c = r[keep], slot_owner[s[keep]]
    v = full[r, s[keep]] - bonus
    return _result(r, c, v, {"solver": "dense-lsa"}, allowed, best)


def solve_greedy(scorer, objective="score"):
    """Baseline: take the best remaining edge while both ends have room."""
    n, m = scorer.shape
    rows, cols, vals = [], [], []
    allowed = np.zeros(n, dtype=np.int64)
    best = np.full(n, -np.inf)
    for start, stop in _blocks(scorer):
        block = scorer.block(start, stop).astype(np.float64)
        allowed[start:stop] = np.isfinite(block).sum(axis=1)
        best[start:stop] = block.max(axis=1) if m else -np.inf
        r, c = np.nonzero(np.isfinite(block))
        rows.append(r + start)
        cols.append(c)
        vals.append(block[r, c])
    rows, cols, vals = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    order = np.lexsort((cols, rows, -vals))
    left = scorer.capacity.copy()
    taken = np.zeros(n, dtype=bool)
    pick = []
    for e in order.tolist():
        r, c = rows[e], cols[e]
        if not taken[r] and left[c] > 0:
            taken[r] = True
            left[c] -= 1
            pick.append(e)
    pick = np.array(pick, dtype=np.int64)
    return _result(rows[pick], cols[pick], vals[pick], {"solver": "greedy"}, allowed, best)


# -- peer programs: one pool ---------------------------------------------------------------


def _best_on_path(nodes, weight, cycle):
    """Max-weight matching on a path (or cycle) of nodes; returns the chosen (a, b) edges."""
    edges = [(nodes[i], nodes[i + 1]) for i in range(len(nodes) - 1)]
    if cycle and len(nodes) > 2:
        edges.append((nodes[-1], nodes[0]))

    def best_path(edge_list):
        # Classic DP: choose non-adjacent edges of a path.
        take, skip = 0.0, 0.0
        take_set, skip_set = [], []
        for e in edge_list:
            w = weight(*e)
            new_take = skip + w if w > -np.inf else -np.inf
            new_take_set = [*skip_set, e]
            if take >= skip:
                skip, skip_set = take, take_set
            take, take_set = new_take, new_take_set
        return (take, take_set) if take >= skip else (skip, skip_set)

    if cycle and len(nodes) > 2:
        # Either the closing edge is unused (a path), or it is used and its ends' other edges
        # are not.
        a = best_path(edges[:-1])
        inner = edges[1:-2]
        w_close = weight(*edges[-1])
        b_val, b_set = best_path(inner)
        b = (b_val + w_close, [*b_set, edges[-1]]) if w_close > -np.inf else (-np.inf, [])
        return (a if a[0] >= b[0] else b)[1]
    return best_path(edges)[1]


def solve_peer(scorer, k=DEFAULT_K):
    """One pool, pairs of two. `scorer` is a matching.PeerScorer (symmetric scores).

    The bipartite relaxation (everyone once on each side) is solved exactly; half its value
    is an upper bound on the best pairing. Its solution is a set of paths and cycles: the
    best matching on each is taken exactly, then leftovers are paired greedily.
    Returns pairs (mentee row, mentor row, score).
    """
    n = scorer.shape[0]
    relaxed = solve(scorer, k=k)
    cache = {}
    full = scorer.block(0, n) if n * n <= 64_000_000 else None

    def weight(a, b):
        if full is not None:
            return float(full[a, b])
        key = (min(a, b), max(a, b))
        if key not in cache:
            cache[key] = float(scorer.rows(np.array([key[0]]))[0, key[1]])
        return cache[key]

    succ = {r: c for r, c, _ in relaxed.pairs}
    pred = {c: r for r, c, _ in relaxed.pairs}
    seen, chosen = set(), []
    for start in sorted(set(succ) | set(pred)):
        if start in seen:
            continue
        head = start
        while head in pred and pred[head] != start:
            head = pred[head]
        cycle = head in pred  # walked all the way round
        nodes, node = [], head
        while node is not None and node not in seen:
            seen.add(node)
            nodes.append(node)
            node = succ.get(node)
        chosen.extend(_best_on_path(nodes, weight, cycle))
    used = {x for e in chosen for x in e}
    free = [i for i in range(n) if i not in used and scorer.capacity[i] > 0]
    if len(free) > 1:
        block = (full[free] if full is not None else scorer.rows(np.array(free)))[:, free]
        upper = np.triu(block, 1)
        upper[np.tril_indices(len(free))] = -np.inf
        fr, fc = np.nonzero(np.isfinite(upper))
        order = np.lexsort((fc, fr, -upper[fr, fc]))
        taken = set()
        for e in order.tolist():
            a, b = free[fr[e]], free[fc[e]]
            if a not in taken and b not in taken:
                taken.update((a, b))
                chosen.append((a, b))
    pairs = []
    as_mentee = scorer.as_mentee.block(0, n) if full is not None else None
    for a, b in chosen:
        if as_mentee is not None:
            mentee, mentor = (a, b) if as_mentee[a, b] >= as_mentee[b, a] else (b, a)
        else:
            mentee, mentor = scorer.orient(a, b)
        pairs.append((mentee, mentor, weight(a, b)))
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return Assignment(
        pairs,
        float(sum(p[2] for p in pairs)),
        len(pairs),
        {"solver": "peer-relaxation", "upper_bound": relaxed.total / 2},
        row_info=relaxed.row_info,
    )


def solve_peer_exact(scorer):
    """Exact best pairing of a small pool (HiGHS MILP via SciPy): for checking solve_peer."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

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
