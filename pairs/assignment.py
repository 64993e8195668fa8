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

Ties: pairs equal to a row's tau are kept up to `keep` from a rotated place in the row
(any subset is sound: the rest still score at most tau), and at most ADD_PER_ROW pairs
per row join the graph per round, the best gap left out remembered as the row's slack,
so rows where hundreds of mentors tie neither lose pairs nor flood the graph. The check
of left-out pairs runs whatever the graph holds, empty included. `certified_optimal`
is true only when nothing anywhere improves; when `max_rounds` or `time_limit` stops
the loop first, the result is the best found and stats["gap"] a proven dual bound.

Costs are lexicographic: "score" maximises the total and then the number of pairs (so
zero scores and ties never lose pairs), "coverage" the pairs and then the total.
People in both roles (`shared`) hold one capacity: when the flow relaxation books
someone twice, SCIP solves the exact integer program over the pairs reduced costs
allow (see `_share_capacity`). Peer pools (`solve_peer`) drop capacity 0 and are exact
up to EXACT_POOL people (Edmonds' blossom: SCIP stalled on pools where all tie).

Scores are float32; the solver works on them scaled to integers (2^k, exact for scores
above 1/64), so the certificate is exact arithmetic, not a tolerance. Deterministic for
the same input. `tests.anchors.solve_dense` is the anchor (SciPy's dense `linear_sum_assignment`
on the slot-expanded matrix, a development dependency); `solve_greedy` the baseline.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.linear_solver import pywraplp

BLOCK_ELEMENTS = 4_000_000  # scores computed at most per block (rows × columns)
BLOCK_ROWS = 256
DEFAULT_KEEP = 64  # pairs kept per mentee from the scoring pass (more: slower rounds)
SEED = 16  # of those, about this many per mentee form the first graph
SAMPLE_COLUMNS = 512  # thresholds are read off this many columns of each block
NEAR = 0.05  # pairs this close to improving join the graph together
SETTLED = 100  # the pairs never kept are checked once under n/100 kept ones improve
COST_BITS = 31  # largest integer cost: scores are scaled to below 2^31
ADD_PER_ROW = 8  # improving pairs joining the graph per mentee and round (more: larger flows)
NEAR_PER_ROW = 4  # pairs merely near improving joining per mentee and round (ties: many)
EXACT_PAIRS = 200_000  # programs with at most this many pairs are solved exactly by SCIP
EXACT_SECONDS = 60.0  # SCIP's time limit (for a proof; the best found stands)
EXACT_POOL = 400  # peer pools up to this many people are paired exactly
PEER_FIRST = 4  # edges per person in a pool's first, restricted exact problem
CLASS_PAIRS = 4_000_000  # tie-aware reduction: at most this many pairs of classes
CLASS_GAIN = 4  # and at least this many times fewer than pairs of people
BOUNDED_SHARE = 0.08  # pairs scored one by one when the bound leaves at most this share
BOUNDED_COLUMNS = 30_000  # and only from this many mentors (fewer: whole blocks are faster)
FUSED_COLUMNS = 10_000  # the compiled pass from this many mentors (fewer: BLAS is as fast)


@dataclass
class Assignment:
    pairs: list  # (row, col, score), best first
    total: float
    matched: int
    stats: dict = field(default_factory=dict)


def _blocks(scorer, whole_rows=False):
    n, m = scorer.shape
    # A few hundred rows per block: large enough for BLAS, small enough to stay in cache.
    # whole_rows: no block is held whole (pairs.scan_kernel), BLOCK_ROWS rows at a time.
    step = BLOCK_ROWS if whole_rows else max(1, min(BLOCK_ROWS, BLOCK_ELEMENTS // max(1, m)))
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
    """Pairs kept for pricing, with a sorted key per pair (row * m + col) for membership.

    Membership is by key, never by comparing scores: the same pair scored in two block
    shapes may differ in its last bits, and ties at a row's tau are only partly kept."""

    def __init__(self, m, rows, cols, vals, tau1):
        self.m, self.tau1 = m, tau1
        self.rows, self.cols, self.vals = rows, cols, vals
        self.keys = np.sort(rows * m + cols)

    def __len__(self):
        return len(self.rows)

    def has(self, rows, cols):
        keys = rows * self.m + cols
        at = np.minimum(np.searchsorted(self.keys, keys), max(0, len(self.keys) - 1))
        return (self.keys[at] == keys) if len(self.keys) else np.zeros(len(keys), dtype=bool)

    def add(self, rows, cols, vals):
        self.rows = np.concatenate([self.rows, rows])
        self.cols = np.concatenate([self.cols, cols])
        self.vals = np.concatenate([self.vals, vals])
        self.keys = np.sort(np.concatenate([self.keys, rows * self.m + cols]))


def _where(mask):
    """np.nonzero of a 2-D mask, row-major like it: through the flat array, about ten times
    faster on wide blocks (numpy's 2-D nonzero was a third of the scoring pass at 50,000)."""
    flat = np.flatnonzero(mask)
    return np.divmod(flat, mask.shape[1]) if mask.shape[1] else (flat, flat)


def _cap_per_row(rows, priority, k):
    """Mask of at most k entries per row, highest priority first (ties: earlier first)."""
    if len(rows) == 0 or np.bincount(rows).max() <= k:
        return np.ones(len(rows), dtype=bool)
    order = np.lexsort((np.arange(len(rows)), -priority, rows))
    ranked = rows[order]
    rank = np.arange(len(rows)) - np.searchsorted(ranked, ranked, side="left")
    mask = np.empty(len(rows), dtype=bool)
    mask[order] = rank < k
    return mask


def _joining(rows, gap, improving_cap=None, near_cap=None):
    """Mask of the pairs that join: per row the best improving ones (gap > 0) up to
    ADD_PER_ROW, and of those merely near (gap <= 0) only NEAR_PER_ROW: ties make whole
    rows near, and joining them all floods the graph without improving anything."""
    improving = gap > 0
    take = np.zeros(len(rows), dtype=bool)
    for mask, cap in (
        (improving, improving_cap or ADD_PER_ROW),
        (~improving, near_cap or NEAR_PER_ROW),
    ):
        at = np.nonzero(mask)[0]
        take[at[_cap_per_row(rows[at], gap[at], cap)]] = True
    return take


def _rotation(rows, m):
    """A per-row offset in 0..m-1: ties are taken from a different place in each row, so
    tied mentees do not all queue for the same few mentors."""
    return (rows.astype(np.int64) * 2654435761) % max(1, m)


def _scan(scorer, keep, seed, progress=None, bounded=True, fused=True):
    """One scoring pass: the kept pairs, the first graph and the per-row bound tau.

    Every pair not kept scores at most tau of its row. Pairs above tau are kept; pairs
    equal to tau (ties, which can be a whole row) are kept up to `keep` per row, picked
    from a rotated place in the row.

    Scorers with `bounded_block` (pairs.matching.Scorer) score a block without its
    availability term, which adds at most a known bound per row: only pairs whose
    bounded score can reach the row's threshold get their availability term, pair by
    pair. The pairs kept are the same as from whole blocks (the same float32 scores)."""
    n, m = scorer.shape
    floor = _floor(scorer)
    out_r, out_c, out_v, out_seed = [], [], [], []
    tau = np.full(n, -np.inf)
    step = max(1, m // SAMPLE_COLUMNS)
    # Compiled (pairs.scan_kernel): no block is ever written out whole.
    fused = fused and hasattr(scorer, "fused") and m >= FUSED_COLUMNS and scorer.fused()
    bounded = fused or (bounded and hasattr(scorer, "bounded_block") and m >= BOUNDED_COLUMNS)
    for start, stop in _blocks(scorer, whole_rows=fused):
        if fused:
            block, bound = None, scorer.avail_bound[start:stop]
            dtype = scorer.x.dtype.type
        elif bounded:
            block, bound = scorer.bounded_block(start, stop)
            dtype = block.dtype.type
        else:
            block = _raw_block(scorer, start, stop)
            dtype = block.dtype.type
        below = np.nextafter(dtype(floor), dtype(-np.inf))
        threshold = np.full(stop - start, below, dtype=dtype)
        if m > keep:
            # About `keep` per row, read off a sample of columns: no sort of whole rows.
            at = np.arange(0, m, step)
            sample = scorer.bounded_sample(start, stop, at) if fused else block[:, ::step]
            q = sample.shape[1]
            if bounded:
                sample = sample + scorer.availability(
                    np.repeat(np.arange(start, stop), q), np.tile(at, stop - start)
                ).reshape(stop - start, q)
            k = min(q - 1, max(1, round(keep * q / m)))
            threshold = np.maximum(threshold, np.partition(sample, q - k - 1, axis=1)[:, q - k - 1])
        tied_rows = threshold > below
        # Every pair not kept scores at most tau (-inf: every allowed pair is kept).
        tau[start:stop] = np.where(tied_rows, threshold, -np.inf)
        if fused:
            r, c, v = scorer.fused_pairs(start, stop, _reach(threshold, bound), threshold)
        elif bounded:
            r, c, v = _bounded_pairs(scorer, block, bound, start, threshold)
        else:
            r, c = _where(block >= threshold[:, None])
            v = block[r, c]
        above = v > threshold[r]
        quota = np.maximum(0, keep - np.bincount(r[above], minlength=stop - start))
        tie = (v == threshold[r]) & tied_rows[r]
        if tie.any():
            count = np.bincount(r[tie], minlength=stop - start)
            spot = (c + _rotation(r + start, m)) % m
            # About quota of each row's ties, spread over the row (any subset is sound).
            above |= tie & (spot * count[r] < quota[r] * m)
        r, c, v = r[above], c[above], v[above]
        out_r.append(r + start)
        out_c.append(c)
        out_v.append(v)
        out_seed.append(_cap_per_row(r, v.astype(np.float64), seed))
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


def _reach(threshold, bound):
    """Per row, the least score without availability that can still reach threshold once
    availability (at most bound) is added, with a margin far above float32 rounding."""
    limit = threshold.astype(np.float64) - bound - 1e-5 * (1.0 + np.abs(threshold))
    return limit.astype(threshold.dtype)


def _bounded_pairs(scorer, block, bound, start, threshold):
    """The pairs of a block (rows from `start`) scoring at least their row's threshold,
    with their scores, row-major: block + bound (the most the availability term adds)
    rules the rest out, with a margin far above float32 rounding."""
    reach = block >= _reach(threshold, bound)[:, None]
    if np.count_nonzero(reach) > BOUNDED_SHARE * reach.size:
        # The bound rules little out (small scores, huge vocabularies): whole block.
        block += scorer.availability_block(start, start + len(block))
        r, c = _where(block >= threshold[:, None])
        return r, c, block[r, c]
    r, c = _where(reach)
    v = block[r, c] + scorer.availability(r + start, c)
    on = v >= threshold[r]
    return r[on], c[on], v[on]


class _Costs:
    """Scores as exact integers, ordered lexicographically.

    "score": round(w * 2^bits) * (n + 1) + 1: the total score first, then the number of
    pairs (n + 1 > any count), so ties and zero scores never lose pairs.
    "coverage": round(w * 2^bits) + (n + 1) * 2^bits: the number of pairs first (one
    pair's bonus outweighs any total of scores), then the total score.
    Shortest-path sums stay within int64: at most n_nodes arcs of the largest cost."""

    def __init__(self, top, n_rows, n_nodes, coverage):
        self.coverage = coverage
        budget = 62 - math.ceil(math.log2(n_nodes + 2)) - math.ceil(math.log2(n_rows + 2))
        cost_bits = min(COST_BITS, budget)
        self.scale = 2.0 ** (cost_bits - max(0, math.ceil(math.log2(max(top, 1e-9)))))
        if coverage:
            self.mult, self.add = 1, (n_rows + 1) << cost_bits
        else:
            self.mult, self.add = n_rows + 1, 1

    def __call__(self, vals):
        scaled = np.rint(np.asarray(vals, dtype=np.float64) * self.scale).astype(np.int64)
        return scaled * self.mult + self.add

    def units(self, score):
        """A score difference in cost units (for margins)."""
        return int(math.ceil(score * self.scale)) * self.mult

    def lower(self, u, v, near):
        """Scores at or under this (outer sum of a row part and a column part, in score
        units, with a margin for rounding) cannot reach gap > -near."""
        unit = self.mult * self.scale
        return ((u - self.add - near) / unit - 2 / self.scale)[:, None] + (v / unit)[None, :]

    def score(self, cost, count):
        return (cost - self.add * count) / (self.mult * self.scale)


def _min_cost_flow(n, m, capacity, rows, cols, weights, coverage, row_cap=None, pair_cap=None):
    """Exact max-weight b-matching on the given pairs (OR-Tools' min-cost flow).

    Returns the indices of the chosen pairs (with pair_cap: the flow on each pair)."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    row_cap = np.ones(n, dtype=np.int64) if row_cap is None else row_cap
    supply = int(row_cap.sum())
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = [np.full(n, source), rows, n + np.arange(m)]
    heads = [np.arange(n), n + cols, np.full(m, sink)]
    pair_caps = np.ones(len(rows), dtype=np.int64) if pair_cap is None else pair_cap
    caps = [row_cap, pair_caps, capacity]
    costs = [np.zeros(n, dtype=np.int64), -weights, np.zeros(m, dtype=np.int64)]
    if not coverage:  # leaving a mentee unmatched costs nothing
        tails.append([source])
        heads.append([sink])
        caps.append([supply])
        costs.append([0])
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        *(np.concatenate(x).astype(np.int64) for x in (tails, heads, caps, costs))
    )
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve_max_flow_with_min_cost() if coverage else flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    units = flow.flows(arcs[n : n + len(rows)])
    return units if pair_cap is not None else np.nonzero(units > 0)[0]


def _solve_classes(scorer, capacity, coverage, stats, progress=None):
    """Tie-aware reduction: people with the same scores against everyone and the same
    constraints form one class (summed capacity); the min-cost flow over every admissible
    pair of classes is exact for the whole program (any flow splits back into people:
    each class unit is a different person), so it is proven without any check."""
    n, m = scorer.shape
    found = scorer.classes(CLASS_PAIRS)
    if found is None:
        return None
    row_class, col_class = found
    n_rows, n_cols = int(row_class.max()) + 1, int(col_class.max()) + 1
    if n_rows * n_cols * CLASS_GAIN > n * m:
        return None  # little to gain: the sparse rounds do as well
    rep_rows = np.unique(row_class, return_index=True)[1]
    rep_cols = np.unique(col_class, return_index=True)[1]
    row_cap = np.bincount(row_class, minlength=n_rows).astype(np.int64)
    col_cap = np.bincount(col_class, weights=capacity, minlength=n_cols).astype(np.int64)
    ar, ac, av = [], [], []
    step = max(1, BLOCK_ELEMENTS // max(1, n_cols))
    for start in range(0, n_rows, step):
        block = scorer.sub(rep_rows[start : start + step], rep_cols).astype(np.float64)
        r, c = _where(np.isfinite(block))
        ar.append(r + start)
        ac.append(c)
        av.append(block[r, c])
    ar, ac, av = (np.concatenate(x) for x in (ar, ac, av))
    if progress:
        progress(0.6, "scoring")
        progress(0.7, "solving")
    stats.update(solver="min-cost-flow (classes)", classes=f"{n_rows} x {n_cols}", rounds=1)
    stats["certified_optimal"] = True
    top = max(1.0, float(np.max(np.abs(av), initial=0.0)))
    costs = _Costs(top, n, n + m, coverage)
    units = _min_cost_flow(
        n_rows,
        n_cols,
        col_cap,
        ar,
        ac,
        costs(av),
        coverage,
        row_cap=row_cap,
        pair_cap=np.minimum(row_cap[ar], col_cap[ac]),
    )
    on = np.nonzero(units > 0)[0]
    if len(on) == 0:
        return _result(np.zeros(0, int), np.zeros(0, int), np.zeros(0), stats)
    # Class units back to people: each row class hands out its members in order, each
    # column class its mentors' slots (first slots of every mentor before second ones).
    unit_arc = np.repeat(on, units[on])
    members = np.argsort(row_class, kind="stable")
    row_start = np.searchsorted(row_class[members], np.arange(n_rows))
    order = np.argsort(ar[unit_arc], kind="stable")
    by_row = unit_arc[order]
    rank = np.arange(len(by_row)) - np.searchsorted(ar[by_row], ar[by_row])
    person = np.empty(len(unit_arc), dtype=np.int64)
    person[order] = members[row_start[ar[by_row]] + rank]
    slot_owner = np.repeat(np.arange(m), capacity)
    slot_rank = np.arange(len(slot_owner)) - np.repeat(np.cumsum(capacity) - capacity, capacity)
    slots = slot_owner[np.lexsort((slot_owner, slot_rank, col_class[slot_owner]))]
    slot_start = np.searchsorted(col_class[slots], np.arange(n_cols))
    order = np.argsort(ac[unit_arc], kind="stable")
    by_col = unit_arc[order]
    rank = np.arange(len(by_col)) - np.searchsorted(ac[by_col], ac[by_col])
    mentor = np.empty(len(unit_arc), dtype=np.int64)
    mentor[order] = slots[slot_start[ac[by_col]] + rank]
    return _result(person, mentor, av[unit_arc], stats)


def _potentials(n, m, capacity, rows, cols, weights, chosen):
    """Shortest-path potentials on the residual network of the optimal flow (int64).

    Nodes: mentees 0..n-1, mentors n..n+m-1, source s, sink t; costs are -weights. The
    flow is optimal on these pairs, so there is no negative cycle and Bellman-Ford
    converges; then a pair (i, j) not chosen could improve the total only if
    weight > d[i] - d[n + j] (= u_i + v_j with u = d[:n] - d[t], v = d[t] - d[n:n+m]).
    """
    if len(rows) == 0:  # nothing chosen: every price is 0
        return np.zeros(n + m + 2, dtype=np.int64), 0
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
    # Distances from the source (not from a virtual root at 0 everywhere): then they are
    # also LP prices, u + v >= w on chosen pairs too, which the exact repairs rely on.
    far = np.int64(2**62)
    d = np.full(n + m + 2, far, dtype=np.int64)
    d[s] = 0
    for iteration in range(n + m + 3):
        reach = d[src] < far
        relaxed = np.minimum.reduceat(np.where(reach, d[src] + cost, far), starts)
        better = relaxed < d[heads]
        if not better.any():
            # Nodes the source cannot reach: the sink at the source's level, rows (never
            # seen) likewise, mentors at the sink's (their only way out).
            if d[t] >= far:
                d[t] = 0
            d[:n] = np.where(d[:n] >= far, 0, d[:n])
            # A mentor with no mentee needs no higher price than the sink's (its only way
            # out is to the sink), which keeps every reduced cost >= 0.
            idle = n + np.nonzero(load == 0)[0]
            d[n : n + m] = np.where(d[n : n + m] >= far, d[t], d[n : n + m])
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


def _check_left_out(scorer, kept, costs, u, v, near, snapshot, stats, fuzz):
    """Pairs never kept that come within `near` of improving under prices (u, v).

    Each row is rescored only against the columns where no bound proves its pairs:
    a pair never kept scores at most tau of its row, so it cannot come near improving
    where v_j >= tau_i - u_i + near; after the first check, every pair left out of row i
    also scored at most u0_i + v0_j + s_i (the prices of that check and the row's slack
    s_i), so only pairs whose prices fell by more than s_i since can. Only pairs neither
    bound rules out are rescored (with the snapshot bound alone, rows whose prices fell
    a little were rescored whole: 57% of a 50,000-mentee program per check).

    At most ADD_PER_ROW pairs per row join (ties can make whole rows near); the best
    gap among those that did not is remembered in the slack. Returns the pairs that
    join, the slack per row (first check only) and how many pairs left out improve."""
    n = len(u)
    # Both bounds hold for every pair left out: each gives an order of the columns and a
    # prefix per row outside which no pair can improve. The shorter prefixes are rescored,
    # the other bound filtering inside them (only the tau bound before the first check).
    by_v = np.argsort(v, kind="stable")
    tau_limit = _tau_cost(costs, kept.tau1) + fuzz - u + near
    bounds = [(by_v, v, tau_limit)]
    if snapshot is not None:
        u0, v0, s0 = snapshot
        drop_u, drop_v = u0 - u, v0 - v
        bounds.append((np.argsort(-drop_v, kind="stable"), -drop_v, drop_u + s0))
    lengths = [np.searchsorted(key[perm], limit, side="left") for perm, key, limit in bounds]
    best = int(np.argmin([x.sum() for x in lengths]))
    perm, lengths = bounds[best][0], lengths[best]
    others = [(key, limit) for i, (_p, key, limit) in enumerate(bounds) if i != best]
    stats["rescored"] += int(lengths.sum())
    empty = np.zeros(0, dtype=np.int64)
    found_r, found_c, found_v, found_g = [empty], [empty], [np.zeros(0)], [empty]
    skipped = np.full(n, -(2**62), dtype=np.int64)  # best gap left out per row
    for chunk, cols, block, inside in _prefixes(scorer, perm, lengths):
        for key, limit in others:
            inside &= key[cols][None, :] < limit[chunk][:, None]
        r, c = _where((block > costs.lower(u[chunk], v[cols], near)) & inside)
        r, c, val = chunk[r], cols[c], block[r, c].astype(np.float64)
        gap = costs(val) - u[r] - v[c]
        add = (gap > -near) & ~kept.has(r, c)
        r, c, val, gap = r[add], c[add], val[add], gap[add]
        take = _joining(r, gap)
        np.maximum.at(skipped, r[~take], gap[~take])
        found_r.append(r[take])
        found_c.append(c[take])
        found_v.append(val[take])
        found_g.append(gap[take])
    r, c = np.concatenate(found_r), np.concatenate(found_c)
    val, gap = np.concatenate(found_v), np.concatenate(found_g)
    # Rows rescored in several chunks never happen (a row is in one chunk), so the cap
    # per chunk is the cap per row.
    improving = int((gap > 0).sum()) + int((skipped > 0).sum())
    slack = np.maximum(skipped, -near) + fuzz
    return r, c, val, slack, improving


def _dual_bound(kept, weights, costs, capacity, u, v, fuzz):
    """An upper bound (cost units) on the optimum over all pairs, from prices (u, v) that
    need not be feasible: raise each mentee's price until no pair exceeds it (pairs never
    kept score at most tau of their row), then LP duality bounds every b-matching."""
    v = np.maximum(v, 0)
    need = np.zeros(len(u), dtype=np.int64)
    np.maximum.at(need, kept.rows, weights - v[kept.cols])
    finite = np.isfinite(kept.tau1)
    if finite.any() and len(v):
        left_out = _tau_cost(costs, kept.tau1) + fuzz - int(v.min())
        need = np.where(finite, np.maximum(need, left_out), need)
    return int(np.maximum(need, 0).sum()) + int((capacity * v).sum())


def solve(
    scorer,
    objective="score",
    progress=None,
    keep=DEFAULT_KEEP,
    max_rounds=100,
    time_limit=None,
    shared=None,
    reduce=True,
):
    """Optimum over the whole program (see module docstring), proven when
    stats["certified_optimal"]; otherwise the best found and stats["gap"], a proven bound
    on how much better the optimum could be (score units; with "coverage", cost units
    where one more pair counts as stats["pair_units"])."""
    n, m = scorer.shape
    capacity = np.asarray(scorer.capacity, dtype=np.int64)
    coverage = objective == "coverage"
    clock = _Clock()
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    stats = {"solver": "min-cost-flow", "keep": min(keep, m), "rounds": 0, "rescored": 0}
    stats["added"] = 0  # pairs found by the check of those never kept
    if n == 0 or m == 0 or not capacity.any():
        stats["certified_optimal"] = True
        return _result(np.zeros(0, int), np.zeros(0, int), np.zeros(0), stats)
    if reduce and not (shared is not None and len(shared)) and hasattr(scorer, "classes"):
        reduced = _solve_classes(scorer, capacity, coverage, stats, progress)
        if reduced is not None:
            return reduced
    kept, graph = _scan(scorer, keep, min(SEED, keep), progress)
    clock.lap("scoring")
    # The best score anywhere is kept (or, with ties, equals its row's tau).
    tau = kept.tau1[np.isfinite(kept.tau1)]
    top = max(1.0, np.max(np.abs(kept.vals), initial=0.0), np.max(np.abs(tau), initial=0.0))
    costs = _Costs(top, n, n + m, coverage)
    weights = costs(kept.vals)
    near = costs.units(NEAR)
    # Float32 scores of one pair computed in two block shapes may differ in the last
    # bits: every bound carries this margin.
    fuzz = costs.units(top * 2.0**-16)
    chosen = np.zeros(0, dtype=np.int64)
    snapshot = None  # prices (u, v) and slack at the first check of the pairs never kept
    proven = False
    for round_ in range(1, max_rounds + 1):
        stats["rounds"] = round_
        if progress:
            progress(0.6 + 0.4 * round_ / (round_ + 3), "solving")
        active = np.nonzero(graph)[0]
        ar, ac, aw = kept.rows[active], kept.cols[active], weights[active]
        picked = _min_cost_flow(n, m, capacity, ar, ac, aw, coverage)
        chosen = active[picked]
        clock.lap("flow")
        d, _iterations = _potentials(n, m, capacity, ar, ac, aw, picked)
        clock.lap("potentials")
        u, v = d[:n] - d[n + m + 1], d[n + m + 1] - d[n : n + m]
        # Price every kept pair exactly; the nearest join the graph (a few per row).
        gap = weights - u[kept.rows] - v[kept.cols]
        kept_improving = int(((gap > 0) & ~graph).sum())
        clock.lap("pricing")
        join = np.nonzero((gap > -near) & ~graph)[0]
        join = join[_joining(kept.rows[join], gap[join])]
        if kept_improving and round_ == 1:
            # The first graph was a guess and its prices are rough; from now on the
            # graph only grows.
            graph = np.zeros_like(graph)
            graph[chosen] = True
        graph[join] = True
        if deadline is not None and time.perf_counter() > deadline:
            break
        if kept_improving > n // SETTLED:
            continue  # prices still moving: checking the rest now would check too much
        r, c, val, slack, improving = _check_left_out(
            scorer, kept, costs, u, v, near, snapshot, stats, fuzz
        )
        if snapshot is None:
            snapshot = (u, v, slack)
        w = costs(val)
        clock.lap("rescoring")
        if not kept_improving and not improving:
            proven = True  # nothing anywhere improves: optimal
            break
        kept.add(r, c, val)
        stats["added"] += len(r)
        weights = np.concatenate([weights, w])
        graph = np.concatenate([graph, np.ones(len(r), dtype=bool)])
        if deadline is not None and time.perf_counter() > deadline:
            break
    clock.lap("pricing")
    stats.update({f"{name}_seconds": value for name, value in clock.laps.items()})
    stats["edges"] = int(graph.sum())
    stats["kept"] = len(kept)
    r, c, val = kept.rows[chosen], kept.cols[chosen], kept.vals[chosen]
    found = int(weights[chosen].sum())
    if shared is not None and len(shared):
        prices = (u, v, fuzz) if proven else None
        r, c, val, found, proven = _share_capacity(
            scorer, kept, weights, costs, capacity, shared, (r, c, val, chosen), prices, stats
        )
    stats["certified_optimal"] = proven
    if not proven:
        bound = max(
            found,
            stats.pop("bound", None) or _dual_bound(kept, weights, costs, capacity, u, v, fuzz),
        )
        stats["gap"] = (bound - found) / (costs.mult * costs.scale)
        stats["pair_units"] = costs.add / (costs.mult * costs.scale)
        stats["upper_bound_score"] = costs.score(bound, len(r)) if not coverage else None
    return _result(r, c, val, stats)


def _exact_b_matching(ends, costs, caps, extra=(), time_limit=EXACT_SECONDS, hint=None):
    """Max-total choice of edges, each node's edges at most its capacity: an integer
    program for graphs with odd cycles, where a flow cannot be used (SCIP through OR-Tools:
    single-threaded, so deterministic, and its cuts close odd-cycle gaps that SCIP's
    search did not within minutes on 300-person pools). ends: (k, 2) node ids per edge;
    extra: (edge indices, cap) constraints; costs: integers. Returns (chosen mask,
    proven optimal, upper bound on the total)."""
    k = len(ends)
    if k == 0:
        return np.zeros(0, dtype=bool), True, 0
    solver = pywraplp.Solver.CreateSolver("SCIP")
    x = [solver.BoolVar(f"x{e}") for e in range(k)]
    nodes = np.concatenate([ends[:, 0], ends[:, 1]])
    edge_of = np.concatenate([np.arange(k), np.arange(k)])
    order = np.argsort(nodes, kind="stable")
    nodes, edge_of = nodes[order], edge_of[order]
    starts = np.flatnonzero(np.r_[True, nodes[1:] != nodes[:-1]])
    groups = [
        (edge_of[a:b], int(caps[nodes[a]]))
        for a, b in zip(starts, np.r_[starts[1:], len(nodes)], strict=True)
    ]
    for edges, cap in [*groups, *extra]:
        if len(edges) > cap:
            solver.Add(solver.Sum([x[e] for e in edges.tolist()]) <= cap)
    # Integral costs as floats: exact below 2^53, which _small_costs keeps them under.
    objective = solver.Objective()
    for var, cost in zip(x, costs.tolist(), strict=True):
        objective.SetCoefficient(var, float(cost))
    objective.SetMaximization()
    if hint is not None:
        solver.SetHint(x, [float(h) for h in hint.tolist()])
    solver.SetTimeLimit(int(time_limit * 1000))
    params = pywraplp.MPSolverParameters()
    # OR-Tools stops at a relative gap of 1e-4 by default: that is not a proof.
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
    status = solver.Solve(params)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return np.zeros(k, dtype=bool), False, int(costs.clip(min=0).sum())
    chosen = np.array([var.solution_value() > 0.5 for var in x], dtype=bool)
    bound = int(math.floor(objective.BestBound() + 0.5))
    return chosen, status == pywraplp.Solver.OPTIMAL, max(bound, int(costs[chosen].sum()))


def _blossom(a, b, costs):
    """Max-total pairing over edges (a, b) with integer costs: Edmonds' blossom algorithm
    (networkx), exact in integers and in O(n^3) whatever the ties. SCIP is usually faster,
    but a pool where everyone scores alike gives it thousands of equal optima to branch
    over: a 66-person pool of one shared skill was not proven in 60 s (blossom: 25 ms)."""
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(a.tolist(), b.tolist(), costs.tolist(), strict=True))
    matched = {(min(x, y), max(x, y)) for x, y in nx.max_weight_matching(graph)}
    pairs = zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True)
    return np.array([pair in matched for pair in pairs], dtype=bool)


def _small_costs(vals, n_rows, n_edges, coverage):
    """Integer costs as in _Costs for the integer program, and how many cost units one
    score unit is. A solution's total stays under 2^46 (at most n_rows pairs), where
    SCIP's float arithmetic and tolerances still tell totals one unit apart; scores are
    resolved to 2^-bits of the largest (2^-31 for small programs, about 2^-18 at 10,000)."""
    top = max(1.0, float(np.max(np.abs(vals), initial=0.0)))
    bits = min(COST_BITS, 46 - 2 * math.ceil(math.log2(n_rows + 2)))
    scale = 2.0 ** (bits - max(0, math.ceil(math.log2(top))))
    scaled = np.rint(vals * scale).astype(np.int64)
    if coverage:
        return scaled + ((n_rows + 1) << bits), scale
    return scaled * (n_rows + 1) + 1, scale * (n_rows + 1)


def _repair(rows, cols, weights, capacity, shared):
    """A feasible choice from the relaxation: each person booked beyond their capacity
    gives up their lowest-weight pairs. Returns the mask of pairs kept."""
    keep = np.ones(len(rows), dtype=bool)
    for row, col in shared.tolist():
        mine = np.nonzero(keep & ((rows == row) | (cols == col)))[0]
        excess = len(mine) - int(capacity[col])
        if excess > 0:
            keep[mine[np.argsort(weights[mine], kind="stable")[:excess]]] = False
    return keep


def _near_optimal_pairs(scorer, kept, weights, costs, u, v, slack, fuzz):
    """Every pair whose reduced cost under feasible prices (u, v) is >= -slack: kept pairs
    by their price, pairs never kept rescored where tau of their row cannot rule it out."""
    on = np.nonzero(weights - u[kept.rows] - v[kept.cols] >= -slack)[0]
    found = [[kept.rows[on]], [kept.cols[on]], [kept.vals[on]]]
    perm = np.argsort(v, kind="stable")
    lengths = np.searchsorted(v[perm], _tau_cost(costs, kept.tau1) + fuzz - u + slack, "right")
    for chunk, cols, block, inside in _prefixes(scorer, perm, lengths):
        r, c = _where(np.isfinite(block) & inside)
        r, c, val = chunk[r], cols[c], block[r, c].astype(np.float64)
        near = (costs(val) - u[r] - v[c] >= -slack) & ~kept.has(r, c)
        for out, x in zip(found, (r, c, val), strict=True):
            out.append(x[near])
    return tuple(np.concatenate(x) for x in found)


def _share_capacity(scorer, kept, weights, costs, capacity, shared, current, prices, stats):
    """One capacity per person across both roles. shared: (row, col) of people who are
    both a mentee (row) and a mentor (col); together they hold at most capacity[col].

    The flow solves the relaxation where each role has its own limit. If no one is
    booked beyond their capacity, its optimum is feasible and so optimal. Otherwise the
    problem (no longer a flow: it has odd cycles) goes to SCIP, exactly, over the only
    pairs an optimum can use: with the relaxation's prices (u, v), a solution using a
    pair of reduced cost rc is worth at most relaxation + rc, so pairs with
    rc < feasible - relaxation (a repaired relaxation is feasible) are in none."""
    r, c, val, chosen = current
    n, m = scorer.shape
    shared = np.asarray(shared, dtype=np.int64).reshape(-1, 2)
    w = weights[chosen]
    ok = _repair(r, c, w, capacity, shared)
    stats["double_booked"] = int((~ok).sum())
    if ok.all():
        return r, c, val, int(w.sum()), prices is not None
    relaxation = int(w.sum())
    feasible = int(w[ok].sum())
    if prices is not None:
        u, v, _fuzz = prices
        if (u < 0).any() or (v < 0).any() or (weights - u[kept.rows] - v[kept.cols] > 0).any():
            prices = None  # not LP prices (never seen): no proof
    if prices is None:  # the relaxation is not proven: its graph only, no proof
        on = np.nonzero(np.isin(np.arange(len(kept)), chosen))[0]
        er, ec, ev = kept.rows[on], kept.cols[on], kept.vals[on]
    else:
        u, v, fuzz = prices
        er, ec, ev = _near_optimal_pairs(
            scorer, kept, weights, costs, u, v, relaxation - feasible, fuzz
        )
    stats["exact_pairs"] = len(er)
    ew = costs(ev)
    # Node ids: mentee rows 0..n-1, mentor columns n..n+m-1; a shared person's row and
    # column are also bounded together.
    ends = np.stack([er, n + ec], axis=1)
    caps = np.concatenate([np.ones(n, dtype=np.int64), capacity])
    extra = [
        (np.nonzero((er == row) | (ec == col))[0], int(capacity[col]))
        for row, col in shared.tolist()
    ]
    chosen_keys = set(zip(r[ok].tolist(), c[ok].tolist(), strict=True))
    hint = np.array(
        [(a, b) in chosen_keys for a, b in zip(er.tolist(), ec.tolist(), strict=True)], dtype=bool
    )
    # SCIP needs its sums in int64: the same lexicographic costs with fewer bits.
    small, _unit = _small_costs(ev, n, len(er), costs.coverage)
    picked, optimal, _bound = _exact_b_matching(ends, small, caps, extra, hint=hint)
    stats["solver"] = "min-cost-flow + scip (shared capacity)"
    r, c, val = er[picked], ec[picked], ev[picked]
    found = int(ew[picked].sum())
    if found < feasible:  # SCIP ran out of time before matching the repair
        r, c, val = er[hint], ec[hint], ev[hint]
        found = feasible
    stats["bound"] = relaxation
    return r, c, val, found, optimal and prices is not None


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
        r, c = _where(np.isfinite(block))
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


class _Subset:
    """The people of a pool with room for a pair (capacity 0 is never paired)."""

    def __init__(self, scorer, index):
        self.scorer, self.index = scorer, index
        self.capacity = np.asarray(scorer.capacity)[index]
        self.shape = (len(index), len(index))
        self.floor = getattr(scorer, "floor", None)

    def block(self, start, stop, floored=True):
        return self.scorer.sub(self.index[start:stop], self.index)

    def rows(self, indices):
        return self.scorer.sub(self.index[np.asarray(indices, dtype=np.int64)], self.index)

    def sub(self, indices, columns):
        rows = self.index[np.asarray(indices, dtype=np.int64)]
        return self.scorer.sub(rows, self.index[np.asarray(columns, dtype=np.int64)])


def solve_peer(scorer, keep=DEFAULT_KEEP, exact_pool=EXACT_POOL):
    """One pool, pairs of two. `scorer` is a matching.PeerScorer (symmetric scores).

    People with capacity 0 are left out first. Pools up to `exact_pool` people are solved
    exactly (Edmonds' blossom over the pairs a better pairing could use: a general graph
    has odd cycles, so no flow will do); the most total score, then the most pairs. Larger
    pools: the bipartite relaxation (everyone once on each side) is solved exactly and
    half its value is an upper bound; its paths and cycles are matched exactly, leftovers
    greedily.
    Returns pairs (mentee row, mentor row, score) in the scorer's rows.
    """
    index = np.nonzero(np.asarray(scorer.capacity) > 0)[0]
    pool = _Subset(scorer, index)
    n = len(index)
    result = _peer_exact(pool, keep) if n <= exact_pool else _peer_relaxed(pool, keep)
    pairs = []
    for a, b, w in result.pairs:
        a, b = int(index[a]), int(index[b])
        mentee, mentor = scorer.orient(a, b) if hasattr(scorer, "orient") else (a, b)
        pairs.append((mentee, mentor, w))
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return Assignment(pairs, result.total, len(pairs), result.stats)


def _peer_exact(pool, keep):
    """Exact pairing of a pool, small enough to score whole. The bipartite relaxation over
    every pair gives prices pi (pi_a = (u_a + v_a) / 2) with pi_a + pi_b >= w_ab: any
    pairing using edge e is worth at most sum(pi) + rc_e, so edges with
    sum(pi) + rc_e < a pairing already found are in no better one. Edmonds' blossom
    solves the rest."""
    n = pool.shape[0]
    stats = {"solver": "peer-exact (blossom)", "certified_optimal": True}
    full = pool.block(0, n).astype(np.float64) if n else np.zeros((0, 0))
    allowed = np.isfinite(full) & np.isfinite(full.T)
    np.fill_diagonal(allowed, False)
    a, b = _where(np.triu(allowed, 1))
    if len(a) == 0:
        return Assignment([], 0.0, 0, stats)
    w = np.maximum(full[a, b], full[b, a])
    costs, _unit = _small_costs(w, n, 2 * len(a), False)
    rows, cols, both = np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([costs] * 2)
    ones = np.ones(n, dtype=np.int64)
    picked = _min_cost_flow(n, n, ones, rows, cols, both, False)
    d, _iterations = _potentials(n, n, ones, rows, cols, both, picked)
    pi2 = (d[:n] - d[2 * n + 1]) + (d[2 * n + 1] - d[n : 2 * n])  # twice each price
    upper2 = int(pi2.sum())
    found = _peer_relaxed(pool, keep)
    position = {(x, y): e for e, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True))}
    hint = np.zeros(len(a), dtype=bool)
    for x, y, _w in found.pairs:
        hint[position[(min(x, y), max(x, y))]] = True
    lower = int(costs[hint].sum())
    # Twice the most any pairing using each edge can be worth.
    reach = upper2 + 2 * costs - pi2[a] - pi2[b]
    if (pi2 < 0).any() or (2 * both - pi2[rows] - pi2[cols] > 0).any():
        reach[:] = 2 * upper2  # not LP prices (never seen): no pruning
    first = np.zeros(len(a), dtype=bool)
    first[np.argsort(-reach, kind="stable")[: PEER_FIRST * n]] = True
    first |= hint
    settled = False  # the first problem's optimum is proven and at least the heuristic's
    if not first.all():
        # The edges nearest to tight first: their optimum raises the lower bound, which
        # then rules out far more edges than the heuristic's pairing does.
        on = np.nonzero(first)[0]
        chosen = _blossom(a[on], b[on], costs[on])
        if int(costs[on[chosen]].sum()) >= lower:
            settled = True
            lower = int(costs[on[chosen]].sum())
            hint = np.zeros(len(a), dtype=bool)
            hint[on[chosen]] = True
    near = reach >= 2 * lower
    on = np.nonzero(near | hint)[0]
    stats["exact_pairs"] = len(on)
    if settled and not (near & ~first).any():
        # Every edge a better pairing could use was in the first problem: proven.
        chosen = hint[on]
    else:
        chosen = _blossom(a[on], b[on], costs[on])
    pick = on[chosen]
    total = float(w[pick].sum())
    pairs = list(zip(a[pick].tolist(), b[pick].tolist(), w[pick].tolist(), strict=True))
    return Assignment(pairs, total, len(pairs), stats)


def _peer_relaxed(pool, keep):
    n = pool.shape[0]
    scorer = pool
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
        fr, fc = _where(np.isfinite(upper))
        order = np.lexsort((fc, fr, -upper[fr, fc]))
        taken = set()
        for e in order.tolist():
            a, b = free[fr[e]], free[fc[e]]
            if a not in taken and b not in taken:
                taken.update((a, b))
                chosen.append((a, b))
    pairs = [(a, b, weight(a, b)) for a, b in chosen]
    return Assignment(
        pairs,
        float(sum(p[2] for p in pairs)),
        len(pairs),
        {
            "solver": "peer-relaxation",
            "certified_optimal": False,
            "upper_bound": relaxed.total / 2,
        },
    )
