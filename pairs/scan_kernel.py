"""The scoring pass's inner loop for programs of 10,000+ mentors, compiled.

At 50,000 mentees and 100,000 mentors the pass scores 5 billion pairs. In NumPy each
block of rows is written out whole (skill scores), compared with a bound, searched for the
few pairs that pass and gathered again: about seven trips through memory per pair, 50 s
of the 73 s a run took (bench/matching.py, family "plentiful"). Here each pair is scored,
bounded and, if it can reach its row's threshold, completed with its availability term in
one loop, with nothing written but the pairs that pass.

The scores are bit for bit those of `Scorer.block`: a pair's skill part is the float32
sum, in increasing feature order, of the products over the features both people have
(SciPy's sparse product adds the same products in the same order, plus exact zeros),
then its availability term is added as in `Scorer.availability`. LLVM does not contract
a multiply and an add into one rounding without fastmath, which is off.
"""

import threading

import numpy as np
from numba import njit, prange

# Numba's default threading layer must not be entered by two threads at once (it aborts
# the process); runs in a web or worker process with threads take turns here.
_ONE_AT_A_TIME = threading.Lock()
CHUNKS = 16  # of mentors, scored in parallel (each writes its own output)


@njit(cache=True, nogil=True, parallel=True)
def _pairs(x_t, ptr, feat, val, bits_rows, bits_cols, scale, cap, reach, threshold, out_c, out_v):
    """For rows 0..R-1 (x_t: features × R, dense) against every mentor j (its features
    feat/val[ptr[j]:ptr[j+1]], increasing): the mentors with skills + availability at or
    above threshold[i], where only pairs with skills >= reach[i] can (reach = threshold
    minus the most availability adds). Mentors are split into one chunk per output row of
    out_c/out_v (each chunk writes its own, as keys row * m + column); returns the count per
    chunk (a count above the width means that chunk overflowed: run again wider)."""
    rows = x_t.shape[1]
    m = ptr.shape[0] - 1
    chunks, width = out_c.shape[0], out_c.shape[1]
    words = bits_rows.shape[0]
    counts = np.zeros(chunks, dtype=np.int64)
    per = (m + chunks - 1) // chunks
    for chunk in prange(chunks):
        acc = np.empty(rows, dtype=x_t.dtype)
        found = 0
        for j in range(chunk * per, min(m, (chunk + 1) * per)):
            acc[:] = 0
            for e in range(ptr[j], ptr[j + 1]):
                f, y = feat[e], val[e]
                for i in range(rows):
                    acc[i] += x_t[f, i] * y
            for i in range(rows):
                if acc[i] >= reach[i]:
                    shared = 0
                    for w in range(words):
                        word = bits_rows[w, i] & bits_cols[w, j]
                        while word:
                            word &= word - np.uint64(1)
                            shared += 1
                    term = np.float32(shared) * scale
                    if term > cap:
                        term = cap
                    v = acc[i] + term
                    if v >= threshold[i]:
                        if found < width:
                            out_c[chunk, found] = i * m + j
                            out_v[chunk, found] = v
                        found += 1
        counts[chunk] = found
    return counts


def mentor_features(y):
    """Each mentor's nonzero features (a column of y), in increasing feature order."""
    cols_major = np.ascontiguousarray(y.T)
    mentor, feature = np.nonzero(cols_major)
    ptr = np.searchsorted(mentor, np.arange(cols_major.shape[0] + 1))
    return ptr, feature.astype(np.int32), cols_major[mentor, feature]


def bounded_pairs(x_rows, features, bits_rows, bits_cols, scale, cap, reach, threshold, width):
    """(rows, cols, values) of the pairs at or above threshold, row-major, and the output
    width per chunk to start the next block with; x_rows: the block's dense feature rows;
    features: mentor_features(y)."""
    ptr, feat, val = features
    x_t = np.ascontiguousarray(x_rows.T)
    m = len(ptr) - 1
    chunks = CHUNKS
    while True:
        out_c = np.empty((chunks, width), dtype=np.int64)
        out_v = np.empty((chunks, width), dtype=x_rows.dtype)
        with _ONE_AT_A_TIME:
            counts = _pairs(
                x_t, ptr, feat, val, np.ascontiguousarray(bits_rows), bits_cols, scale, cap,
                reach.astype(x_rows.dtype), threshold.astype(x_rows.dtype), out_c, out_v,
            )  # fmt: skip
        if counts.max(initial=0) <= width:
            break
        width = 2 * int(counts.max())  # and keep it for the next blocks
    on = np.arange(width)[None, :] < counts[:, None]
    keys, vals = out_c[on], out_v[on]
    order = np.argsort(keys, kind="stable")  # row-major, as NumPy's own pass finds them
    keys, vals = keys[order], vals[order]
    return keys // m, keys % m, vals, width
