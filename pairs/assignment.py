"""Optimal capacity-aware assignment of mentees to mentors, plus a greedy baseline.

`solve` maximises the total score (or, for objective "coverage", first the number of
people matched and then the score) subject to mentor capacities, exactly:

1. keep each mentee's best K candidate mentors (a sparse graph);
2. solve that graph exactly with SciPy's LAPJVsp (`min_weight_full_bipartite_matching`),
   each mentor expanded into capacity slots, each slot allowed to stay empty;
3. prove the result optimal for the *whole* graph: Bellman-Ford potentials on the
   residual network give LP dual prices; a left-out edge could only improve the total if
   its score beat the prices of its two ends. Rows where that is possible are rescored
   exactly, violating edges join the graph and it is solved again, until none is left.

Deterministic for the same input. `solve_dense` is the anchor (SciPy's dense
`linear_sum_assignment` on the slot-expanded matrix); `solve_greedy` the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

BLOCK_ELEMENTS = 8_000_000  # scores computed per block (rows × columns)
DEFAULT_K = 12
EPS = 1e-7
DEBUG = False
ADD_PER_ROW = 4


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
        vals.append(top_vals[keep])
        if progress:
            progress(stop / n)
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
        better = relaxed < d[heads] - 1e-12
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
    reserve = 4 * k  # kept aside after the first pass: checked exactly, added when needed
    rows, cols, vals, pruned_max, allowed, best = _candidates(scorer, k + reserve, progress)
    # Rank of each kept edge within its row (rows come sorted, best first, from _candidates).
    rank = _row_ranks(rows, vals, cols)
    active = rank < k
    stats = {"solver": "sparse-lapjvsp", "k": min(k, m), "rounds": 0, "rescored_rows": 0}
    pruned_max = pruned_max + bonus
    for round_ in range(1, max_rounds + 1):
        stats["rounds"] = round_
        ar, ac, av = rows[active], cols[active], vals[active] + bonus
        chosen = _solve_sparse(n, m, capacity, ar, ac, av)
        if m == 0 or n == 0 or len(ar) == 0:
            break
        d, iterations = _potentials(n, m, capacity, ar, ac, av, chosen)
        stats["bellman_ford_iterations"] = iterations
        # Prices: u (mentees) and v >= 0 (mentors); an edge is improving iff w > u + v.
        u, v = d[:n] - d[n + m + 1], d[n + m + 1] - d[n : n + m]
        grow = np.zeros(len(rows), dtype=bool)
        # Reserve edges: exact check.
        res = np.nonzero(~active)[0]
        gap = (vals[res] + bonus) - u[rows[res]] - v[cols[res]]
        grow[res[gap > EPS]] = True
        # Beyond the reserve: only mentors priced under (best left-out score - u_i) matter.
        threshold = pruned_max - u
        suspect = np.nonzero(threshold > EPS)[0]
        suspect = suspect[np.argsort(threshold[suspect], kind="stable")]
        add_r, add_c, add_v = [], [], []
        if len(suspect):
            have = np.sort(rows * m + cols)
            by_price = np.argsort(v, kind="stable")
            sorted_v = v[by_price]
            start = 0
            while start < len(suspect):
                # Rows in ascending threshold: the chunk's cheap mentors are a prefix.
                limit = threshold[suspect[min(len(suspect) - 1, start)]]
                count = int(np.searchsorted(sorted_v, limit - EPS, side="left"))
                step = max(1, BLOCK_ELEMENTS // max(1, count * 4))
                chunk = suspect[start : start + step]
                count = int(np.searchsorted(sorted_v, threshold[chunk].max() - EPS, side="left"))
                start += len(chunk)
                if count == 0:
                    continue
                cheap = by_price[:count]
                block = scorer.sub(chunk, cheap)
                stats["rescored_cells"] = stats.get("rescored_cells", 0) + block.size
                gap = (block + bonus) - u[chunk][:, None] - v[cheap][None, :]
                gap[~np.isfinite(block)] = -np.inf
                # The few most improving new edges of each row join the graph.
                if gap.shape[1] > ADD_PER_ROW:
                    top = np.argpartition(-gap, ADD_PER_ROW, axis=1)[:, :ADD_PER_ROW]
                else:
                    top = np.broadcast_to(np.arange(gap.shape[1]), gap.shape)
                top_gap = np.take_along_axis(gap, top, 1)
                r_off, pos = np.nonzero(top_gap > EPS)
                c_idx = top[r_off, pos]
                r, c = chunk[r_off], cheap[c_idx]
                key = r * m + c
                at = np.minimum(np.searchsorted(have, key), len(have) - 1)
                new = have[at] != key
                add_r.append(r[new])
                add_c.append(c[new])
                add_v.append(block[r_off[new], c_idx[new]])
            if add_r:
                add_r, add_c = np.concatenate(add_r), np.concatenate(add_c)
                add_v = np.concatenate(add_v)
        if DEBUG:
            print(
                "round",
                round_,
                "suspect",
                len(suspect),
                "grow",
                int(grow.sum()),
                "add",
                len(add_r),
                "edges",
                int(active.sum()),
            )
        if not grow.any() and not len(add_r):
            break
        active |= grow
        if len(add_r):
            rows = np.concatenate([rows, add_r.astype(np.int64)])
            cols = np.concatenate([cols, add_c.astype(np.int64)])
            vals = np.concatenate([vals, add_v])
            active = np.concatenate([active, np.ones(len(add_r), dtype=bool)])
    else:
        raise RuntimeError("matching did not converge")
    stats.pop("rescored_rows", None)
    stats["edges"] = int(active.sum())
    stats["certified_optimal"] = True
    return _result(ar[chosen], ac[chosen], av[chosen] - bonus, stats, allowed, best)


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
        block = scorer.block(start, stop)
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
        block = scorer.block(start, stop)
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

    def weight(a, b):
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
        block = scorer.rows(np.array(free))[:, free]
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
    for a, b in chosen:
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
