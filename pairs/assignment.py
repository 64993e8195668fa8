"""Optimal capacity-aware assignment of mentees to mentors, plus a greedy baseline.

`solve` maximises the total score (or, for objective "coverage", first the number of
people matched and then the score) subject to mentor capacities, exactly, without ever
holding the whole score matrix:

1. one scoring pass in blocks of rows keeps, per mentee, the pairs above a threshold
   `tau` (about `keep` of them) and marks the best few as the first candidate graph;
2. the candidate graph is solved exactly as a min-cost flow (OR-Tools' network solver:
   source → mentee → mentor → sink, mentor arcs carrying the capacities);
3. shortest-path potentials on the residual network are LP dual prices u (mentees) and
   v (mentors); a pair left out of the graph can only improve the total if
   w > u + v. Kept pairs are priced exactly; near-improving ones join the graph and it
   is solved again until none improves;
4. every pair never kept scores at most tau of its row, so it cannot improve where
   v_j >= tau_i - u_i: each row is rescored only against the mentors this bound cannot
   clear (a small fraction of the program), once the prices settle; later rounds only
   recheck pairs whose prices fell since. Improving pairs found there join and the loop
   goes on. When nothing improves anywhere, the total is optimal for the whole program.

Scores are float32; the solver works on them scaled to integers (2^k, exact for scores
above 1/64), so the certificate is exact arithmetic, not a tolerance. Deterministic for
the same input. `tests.anchors.solve_dense` is the anchor (SciPy's dense `linear_sum_assignment`
on the slot-expanded matrix, a development dependency); `solve_greedy` the baseline.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

BLOCK_ELEMENTS = 4_000_000  # scores computed at most per block (rows × columns)
BLOCK_ROWS = 256
DEFAULT_KEEP = 200  # pairs kept per mentee from the scoring pass
SEED = 16  # of those, about this many per mentee form the first graph
SAMPLE_COLUMNS = 512  # thresholds are read off this many columns of each block
NEAR = 0.05  # pairs this close to improving join the graph together
SETTLED = 100  # the pairs never kept are checked once under n/100 kept ones improve
COST_BITS = 31  # largest integer cost: scores are scaled to below 2^31


@dataclass
class Assignment:
    pairs: list  # (row, col, score), best first
    total: float
    matched: int
    stats: dict = field(default_factory=dict)


def _bonus(scorer, objective):
    # "coverage": every matched person is worth more than any total of scores.
    if objective == "coverage":
        return float(scorer.shape[0] * 10 + 10)
    return 0.0


def _blocks(scorer):
    n, m = scorer.shape
    # A few hundred rows per block: large enough for BLAS, small enough to stay in cache.
    step = max(1, min(BLOCK_ROWS, BLOCK_ELEMENTS // max(1, m)))
    for start in range(0, n, step):
        yield start, min(n, start + step)


def _floor(scorer):
    """Scores at or above this are allowed (-inf marks forbidden pairs in any case)."""
    floor = getattr(scorer, "floor", None)
    return -np.finfo(np.float32).max if floor is None else floor


def _raw_block(scorer, start, stop):
    # Scorers that can skip masking scores under the minimum do (we compare ourselves).
    if hasattr(scorer, "floor"):
        return scorer.block(start, stop, floored=False)
    return scorer.block(start, stop)


class _Kept:
    """Pairs kept for pricing. Those of the scoring pass are exactly the pairs scoring
    above tau1 of their row (no lookup table needed); later ones are listed by key."""

    def __init__(self, m, rows, cols, vals, tau1):
        self.m, self.tau1 = m, tau1
        self.rows, self.cols, self.vals = rows, cols, vals
        self.extra = np.zeros(0, dtype=np.int64)  # sorted keys of pairs added later

    def __len__(self):
        return len(self.rows)

    def has(self, rows, cols, vals):
        inside = vals > self.tau1[rows]
        if len(self.extra):
            inside |= np.isin(rows * self.m + cols, self.extra)
        return inside

    def add(self, rows, cols, vals):
        self.rows = np.concatenate([self.rows, rows])
        self.cols = np.concatenate([self.cols, cols])
        self.vals = np.concatenate([self.vals, vals])
        self.extra = np.sort(np.concatenate([self.extra, rows * self.m + cols]))


def _top_per_row(r, v, n_rows, k):
    """Mask of the entries among each row's k best (ties included); r is sorted."""
    counts = np.bincount(r, minlength=n_rows)
    width = int(counts.max()) if len(r) else 0
    if width <= k:
        return np.ones(len(r), dtype=bool)
    starts = np.cumsum(counts) - counts
    padded = np.full((n_rows, width), -np.inf, dtype=v.dtype)
    padded[r, np.arange(len(r)) - starts[r]] = v
    kth = np.partition(padded, width - k, axis=1)[:, width - k]
    return v >= kth[r]


def _scan(scorer, keep, seed, progress=None):
    """One scoring pass: the kept pairs, the first graph and the per-row bound tau."""
    n, m = scorer.shape
    floor = _floor(scorer)
    out_r, out_c, out_v, out_seed = [], [], [], []
    tau = np.full(n, -np.inf)
    step = max(1, m // SAMPLE_COLUMNS)
    for start, stop in _blocks(scorer):
        block = _raw_block(scorer, start, stop)
        below = np.nextafter(block.dtype.type(floor), block.dtype.type(-np.inf))
        threshold = np.full(stop - start, below, dtype=block.dtype)
        if m > keep:
            # About `keep` per row, read off a sample of columns: no sort of whole rows.
            sample = block[:, ::step]
            q = sample.shape[1]
            k = min(q - 1, max(1, round(keep * q / m)))
            threshold = np.maximum(threshold, np.partition(sample, q - k - 1, axis=1)[:, q - k - 1])
        # Every pair not kept scores at most tau (-inf: every allowed pair is kept).
        tau[start:stop] = np.where(threshold > below, threshold, -np.inf)
        r, c = np.nonzero(block > threshold[:, None])
        v = block[r, c]
        out_r.append(r + start)
        out_c.append(c)
        out_v.append(v)
        out_seed.append(_top_per_row(r, v, stop - start, seed))
        if progress:
            progress(0.6 * stop / n, "scoring")
    if out_r:
        rows = np.concatenate(out_r).astype(np.int64)
        cols = np.concatenate(out_c).astype(np.int64)
        vals = np.concatenate(out_v).astype(np.float64)
        seed_mask = np.concatenate(out_seed)
    else:
        rows = cols = np.zeros(0, dtype=np.int64)
        vals, seed_mask = np.zeros(0), np.zeros(0, dtype=bool)
    return _Kept(m, rows, cols, vals, tau), seed_mask


class _Costs:
    """Scores as exact integers: round(w * 2^bits), plus the coverage bonus.

    Shortest-path sums stay within int64: at most n_nodes arcs of (bonus + top)."""

    def __init__(self, top, n_rows, n_nodes, coverage):
        budget = 62 - math.ceil(math.log2(n_nodes + 2))
        if coverage:
            budget -= math.ceil(math.log2(n_rows + 2))
        cost_bits = min(COST_BITS, budget)
        self.scale = 2.0 ** (cost_bits - max(0, math.ceil(math.log2(max(top, 1e-9)))))
        # "coverage": each matched person outweighs any total of scores.
        self.bonus = (n_rows + 1) << cost_bits if coverage else 0

    def __call__(self, vals):
        scaled = np.rint(np.asarray(vals, dtype=np.float64) * self.scale).astype(np.int64)
        return scaled + self.bonus

    def lower(self, u, v, near):
        """Scores at or under this (outer sum of a row part and a column part, in score
        units, with a margin for rounding) cannot reach gap > -near."""
        return ((u - self.bonus - near - 2) / self.scale)[:, None] + (v / self.scale)[None, :]


def _min_cost_flow(n, m, capacity, rows, cols, weights, coverage):
    """Exact max-weight b-matching on the given pairs (OR-Tools' min-cost flow).

    Returns the indices of the chosen pairs."""
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = [np.full(n, source), rows, n + np.arange(m)]
    heads = [np.arange(n), n + cols, np.full(m, sink)]
    caps = [np.ones(n, dtype=np.int64), np.ones(len(rows), dtype=np.int64), capacity]
    costs = [np.zeros(n, dtype=np.int64), -weights, np.zeros(m, dtype=np.int64)]
    if not coverage:  # leaving a mentee unmatched costs nothing
        tails.append([source])
        heads.append([sink])
        caps.append([n])
        costs.append([0])
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        *(np.concatenate(x).astype(np.int64) for x in (tails, heads, caps, costs))
    )
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve_max_flow_with_min_cost() if coverage else flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    return np.nonzero(flow.flows(arcs[n : n + len(rows)]) > 0)[0]


def _potentials(n, m, capacity, rows, cols, weights, chosen):
    """Shortest-path potentials on the residual network of the optimal flow (int64).

    Nodes: mentees 0..n-1, mentors n..n+m-1, source s, sink t; costs are -weights. The
    flow is optimal on these pairs, so there is no negative cycle and Bellman-Ford
    converges; then a pair (i, j) not chosen could improve the total only if
    weight > d[i] - d[n + j] (= u_i + v_j with u = d[:n] - d[t], v = d[t] - d[n:n+m]).
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
        np.zeros(n, dtype=np.int64),
        np.zeros(int(free_cap.sum()), dtype=np.int64),
        np.zeros(int(loaded.sum()), dtype=np.int64),
        np.zeros(1, dtype=np.int64),
    ]
    if len(chosen):
        src.append(np.array([s]))
        dst.append(np.array([t]))
        cost.append(np.zeros(1, dtype=np.int64))
    src, dst = np.concatenate(src), np.concatenate(dst)
    cost = np.concatenate(cost).astype(np.int64)
    order = np.argsort(dst, kind="stable")
    src, dst, cost = src[order], dst[order], cost[order]
    heads, starts = np.unique(dst, return_index=True)
    d = np.zeros(n + m + 2, dtype=np.int64)
    for iteration in range(n + m + 3):
        relaxed = np.minimum.reduceat(d[src] + cost, starts)
        better = relaxed < d[heads]
        if not better.any():
            # A mentor with no mentee needs no higher price than the sink's (its only way
            # out is to the sink), which keeps every reduced cost >= 0.
            idle = n + np.nonzero(load == 0)[0]
            d[idle] = np.minimum(d[idle], d[t])
            return d, iteration
        d[heads[better]] = relaxed[better]
    raise RuntimeError("negative cycle: the flow is not optimal")


def _tau_cost(costs, tau):
    finite = np.isfinite(tau)
    return np.where(finite, costs(np.where(finite, tau, 0.0)), -(2**62))


def _prefixes(scorer, perm, lengths):
    """Exact scores (-inf: not allowed) of each row i against the columns perm[:lengths[i]],
    in chunks of rows with similar lengths: yields (rows, columns, block, in-prefix mask)."""
    rows = np.nonzero(lengths > 0)[0]
    rows = rows[np.argsort(-lengths[rows], kind="stable")]
    i = 0
    while i < len(rows):
        width = int(lengths[rows[i]])
        chunk = rows[i : i + max(1, BLOCK_ELEMENTS // width)]
        # Rows needing under half the width start the next chunk (bounded waste).
        chunk = chunk[: max(1, int(np.searchsorted(-lengths[chunk], -(width // 2), "right")))]
        i += len(chunk)
        cols = perm[:width]
        inside = np.arange(width)[None, :] < lengths[chunk][:, None]
        yield chunk, cols, scorer.sub(chunk, cols), inside


class _Clock:
    """Seconds spent per stage, for the benchmark's breakdown."""

    def __init__(self):
        self.laps, self.last = {}, time.perf_counter()

    def lap(self, name):
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self.last
        self.last = now


def _check_left_out(scorer, kept, costs, u, v, near, snapshot, stats):
    """Pairs never kept that come within `near` of improving under prices (u, v).

    Each row is rescored only against the columns where no bound proves its pairs:
    before the first check, a pair never kept scores at most tau of its row, so it
    cannot come near improving where v_j >= tau_i - u_i + near; after it, every pair
    left out scored at most u0_i + v0_j - near (the prices of that check), so only
    pairs whose prices fell by more than `near` since can."""
    if snapshot is None:
        perm = np.argsort(v, kind="stable")
        slack = _tau_cost(costs, kept.tau1) - u + near
        lengths = np.searchsorted(v[perm], slack, side="left")
    else:
        u0, v0 = snapshot
        drop_u, drop_v = u0 - u, v0 - v
        perm = np.argsort(-drop_v, kind="stable")
        lengths = np.searchsorted(-drop_v[perm], drop_u - near, side="left")
    stats["rescored"] += int(lengths.sum())
    empty = np.zeros(0, dtype=np.int64)
    found_r, found_c, found_v = [empty], [empty], [np.zeros(0)]
    for chunk, cols, block, inside in _prefixes(scorer, perm, lengths):
        r, c = np.nonzero((block > costs.lower(u[chunk], v[cols], near)) & inside)
        r, c, val = chunk[r], cols[c], block[r, c].astype(np.float64)
        add = costs(val) - u[r] - v[c] > -near
        add &= ~kept.has(r, c, val)
        found_r.append(r[add])
        found_c.append(c[add])
        found_v.append(val[add])
    return np.concatenate(found_r), np.concatenate(found_c), np.concatenate(found_v)


def solve(scorer, objective="score", progress=None, keep=DEFAULT_KEEP, max_rounds=100):
    """Exact optimum over the whole program (see module docstring)."""
    n, m = scorer.shape
    capacity = np.asarray(scorer.capacity, dtype=np.int64)
    coverage = objective == "coverage"
    clock = _Clock()
    kept, graph = _scan(scorer, keep, min(SEED, keep), progress)
    stats = {"solver": "min-cost-flow", "keep": min(keep, m), "rounds": 0, "rescored": 0}
    stats["added"] = 0  # pairs found by the check of those never kept
    clock.lap("scoring")
    # The best score anywhere is kept (or, with ties, equals its row's tau).
    tau = kept.tau1[np.isfinite(kept.tau1)]
    top = max(1.0, np.max(kept.vals, initial=0.0), np.max(tau, initial=0.0))
    costs = _Costs(top, n, n + m, coverage)
    weights = costs(kept.vals)
    near = int(NEAR * costs.scale)
    chosen = np.zeros(0, dtype=np.int64)
    snapshot = None  # prices (u, v) at the first check of the pairs never kept
    for round_ in range(1, max_rounds + 1):
        stats["rounds"] = round_
        if progress:
            progress(0.6 + 0.4 * round_ / (round_ + 3), "solving")
        active = np.nonzero(graph)[0]
        if n == 0 or m == 0 or len(active) == 0:
            chosen = active[:0]
            break
        ar, ac, aw = kept.rows[active], kept.cols[active], weights[active]
        picked = _min_cost_flow(n, m, capacity, ar, ac, aw, coverage)
        chosen = active[picked]
        clock.lap("flow")
        d, _iterations = _potentials(n, m, capacity, ar, ac, aw, picked)
        clock.lap("potentials")
        u, v = d[:n] - d[n + m + 1], d[n + m + 1] - d[n : n + m]
        # Price every kept pair exactly.
        gap = weights - u[kept.rows] - v[kept.cols]
        kept_improving = int(((gap > 0) & ~graph).sum())
        clock.lap("pricing")
        if kept_improving and round_ == 1:
            # The first graph was a guess and its prices are rough; from now on the
            # graph only grows.
            graph = gap > -near
            graph[chosen] = True
            continue
        graph |= gap > -near
        if kept_improving > n // SETTLED:
            continue  # prices still moving: checking the rest now would check too much
        r, c, val = _check_left_out(scorer, kept, costs, u, v, near, snapshot, stats)
        if snapshot is None:
            snapshot = (u, v)
        w = costs(val)
        improving = int((w - u[r] - v[c] > 0).sum())
        clock.lap("rescoring")
        if not kept_improving and not improving:
            break  # nothing anywhere improves: optimal
        kept.add(r, c, val)
        stats["added"] += len(r)
        weights = np.concatenate([weights, w])
        graph = np.concatenate([graph, np.ones(len(r), dtype=bool)])
    else:
        raise RuntimeError("matching did not converge")
    clock.lap("pricing")
    stats.update({f"{name}_seconds": value for name, value in clock.laps.items()})
    stats["edges"] = int(graph.sum())
    stats["kept"] = len(kept)
    stats["certified_optimal"] = True
    r, c, val = kept.rows[chosen], kept.cols[chosen], kept.vals[chosen]
    return _result(r, c, val, stats)


def _result(r, c, v, stats):
    order = np.lexsort((c, r, -v))
    pairs = list(zip(r[order].tolist(), c[order].tolist(), v[order].tolist(), strict=True))
    return Assignment(pairs, float(np.sum(v)) if len(v) else 0.0, len(pairs), stats)


def solve_greedy(scorer, objective="score"):
    """Baseline: take the best remaining edge while both ends have room."""
    n, m = scorer.shape
    rows, cols, vals = [], [], []
    for start, stop in _blocks(scorer):
        block = scorer.block(start, stop).astype(np.float64)
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
    return _result(rows[pick], cols[pick], vals[pick], {"solver": "greedy"})


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


def solve_peer(scorer, keep=DEFAULT_KEEP):
    """One pool, pairs of two. `scorer` is a matching.PeerScorer (symmetric scores).

    The bipartite relaxation (everyone once on each side) is solved exactly; half its value
    is an upper bound on the best pairing. Its solution is a set of paths and cycles: the
    best matching on each is taken exactly, then leftovers are paired greedily.
    Returns pairs (mentee row, mentor row, score).
    """
    n = scorer.shape[0]
    relaxed = solve(scorer, keep=keep)
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
    )
