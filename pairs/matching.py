"""Reciprocal match scoring: pure functions and numpy arrays, no ORM.

A pair is good when the mentor can teach what the mentee wants to learn AND the mentee
can teach what the mentor wants to learn. The score adds, with program weights:

    teach  = |mentor.teaches ∩ mentee.learns| / |mentee.learns|
    learn  = |mentee.teaches ∩ mentor.learns| / |mentor.learns|
    goals  = cosine overlap of goal keywords
    avail  = min(overlap hours per week, TARGET_HOURS) / TARGET_HOURS

Availability is a set of 30-minute slots of the week in UTC (each person's windows are
entered in their own time zone). `pair_score` scores one pair with human reasons;
`Scorer` computes the same numbers for blocks of a whole program with matrix products.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
from scipy import sparse

from mentorship.timezones import zone
from pairs import reasons as why

SLOT_MINUTES = 30
SLOTS_PER_WEEK = 7 * 24 * 60 // SLOT_MINUTES  # 336
TARGET_HOURS = 2.0  # this much weekly overlap earns the full availability score
# Any Monday: offsets are taken in a fixed reference week so the score is stable.
REFERENCE_MONDAY = datetime.date(2026, 1, 5)
GOAL_VOCABULARY_LIMIT = 256
STOPWORDS = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "because",
        "been",
        "before",
        "being",
        "between",
        "could",
        "from",
        "have",
        "into",
        "just",
        "like",
        "more",
        "most",
        "much",
        "need",
        "other",
        "over",
        "really",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "very",
        "want",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "learn",
        "learning",
        "better",
        "get",
        "make",
        "good",
        "work",
        "working",
        "year",
        "years",
        "enough",
        "next",
        "within",
        "across",
        "around",
        "towards",
        "toward",
        "able",
        "start",
        "starting",
        "team",
        "teams",
        "role",
        "more",
        "without",
        "someone",
        "things",
        "thing",
        "help",
        "improve",
        "understand",
        "feel",
        "myself",
        "other",
        "others",
        # Filler of goal sentences: shared by many, meaning nothing about a fit.
        "grow",
        "growing",
        "become",
        "becoming",
        "gain",
        "gaining",
        "keep",
        "take",
        "taking",
        "know",
        "knowing",
        "well",
        "many",
        "goal",
        "goals",
        "hope",
        "hoping",
        "wish",
        "should",
        "must",
        "trying",
        "further",
        "stronger",
        "skills",
    ]
)


@dataclass(frozen=True)
class Weights:
    teach: float = 1.0
    learn: float = 0.6
    goals: float = 0.3
    availability: float = 0.4
    min_score: float = 0.1
    different_department: bool = False


@dataclass(frozen=True)
class Profile:
    """What matching knows about one participant."""

    key: int
    name: str
    teaches: frozenset = frozenset()
    learns: frozenset = frozenset()
    goals: frozenset = frozenset()
    slots: frozenset = frozenset()  # 30-minute slots of the week, UTC
    department: str = ""
    email: str = ""
    manager_email: str = ""
    capacity: int = 1
    extra: dict = field(default_factory=dict, compare=False, hash=False)


# -- inputs ---------------------------------------------------------------------------------


def goal_keywords(text):
    words = re.findall(r"[a-zA-Z][a-zA-Z+#-]{3,}", text or "")
    return frozenset(w.lower() for w in words if w.lower() not in STOPWORDS)


def goal_vocabulary(keyword_sets, limit=GOAL_VOCABULARY_LIMIT):
    """Keywords used by at least two people (others can never overlap), most used first."""
    counts = Counter(word for words in keyword_sets for word in words)
    common = sorted((w for w, c in counts.items() if c >= 2), key=lambda w: (-counts[w], w))
    return frozenset(common[:limit])


def _minutes(hhmm):
    hours, minutes = str(hhmm).split(":")
    return int(hours) * 60 + int(minutes)


def utc_slots(windows, tz_name):
    """Weekly windows [{"day": 0-6, "start": "HH:MM", "end": "HH:MM"}] in a time zone →
    the set of 30-minute UTC slots of the week they cover (rounded to the nearest slot)."""
    tz = zone(tz_name)
    slots = set()
    for window in windows or ():
        try:
            day = int(window["day"])
            start, end = _minutes(window["start"]), _minutes(window["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if not 0 <= day <= 6 or end <= start:
            continue
        date = REFERENCE_MONDAY + datetime.timedelta(days=day)
        local = datetime.datetime.combine(date, datetime.time(0, 0), tzinfo=tz)
        offset = int(local.utcoffset().total_seconds() // 60)
        first = round((day * 1440 + start - offset) / SLOT_MINUTES)
        last = round((day * 1440 + end - offset) / SLOT_MINUTES)
        slots.update(s % SLOTS_PER_WEEK for s in range(first, last))
    return frozenset(slots)


# -- one pair ------------------------------------------------------------------------------


def violations(mentor, mentee, weights, blocked=frozenset()):
    """Hard-constraint problems of pairing mentor with mentee, as messages (empty: fine)."""
    problems = []
    if mentor.key == mentee.key:
        problems.append("same person")
    if mentor.email and mentee.manager_email and mentee.manager_email == mentor.email:
        problems.append(f"{mentor.name} is {mentee.name}'s manager")
    if mentee.email and mentor.manager_email and mentor.manager_email == mentee.email:
        problems.append(f"{mentee.name} is {mentor.name}'s manager")
    if (
        weights.different_department
        and mentor.department
        and (mentor.department.strip().lower() == mentee.department.strip().lower())
    ):
        problems.append("same department")
    if (mentor.key, mentee.key) in blocked or (mentee.key, mentor.key) in blocked:
        problems.append("paired, declined or excluded before")
    return problems


def _fmt_list(items):
    return ", ".join(sorted(items, key=str.lower))


@dataclass(frozen=True)
class PairScore:
    score: float
    breakdown: dict
    reasons: list


def pair_score(mentor, mentee, weights):
    """The score of mentor teaching mentee (and mentee teaching mentor), with reasons."""
    can_teach = mentor.teaches & mentee.learns
    can_learn = mentee.teaches & mentor.learns
    shared_goals = mentor.goals & mentee.goals
    overlap_hours = len(mentor.slots & mentee.slots) * SLOT_MINUTES / 60
    teach = len(can_teach) / len(mentee.learns) if mentee.learns else 0.0
    learn = len(can_learn) / len(mentor.learns) if mentor.learns else 0.0
    denominator = (len(mentor.goals) * len(mentee.goals)) ** 0.5
    goals = len(shared_goals) / denominator if denominator else 0.0
    avail = min(overlap_hours, TARGET_HOURS) / TARGET_HOURS
    parts = {
        "teach": weights.teach * teach,
        "learn": weights.learn * learn,
        "goals": weights.goals * goals,
        "availability": weights.availability * avail,
    }
    score = sum(parts.values())
    breakdown = {k: round(v, 4) for k, v in parts.items()}
    breakdown["overlap_hours"] = overlap_hours
    reasons = why.fit(mentor, mentee, can_teach, can_learn, shared_goals, overlap_hours)
    return PairScore(round(score, 4), breakdown, reasons)


def reasons_line(reasons, viewer=None):
    return why.line(reasons, viewer)


# -- whole programs ------------------------------------------------------------------------

DENSE_FEATURES = 256  # skill and goal names kept as dense matrix columns; the rest sparse


def _ranges(starts, ends):
    """For ranges [starts[k], ends[k]): (k for each element, the elements), vectorised."""
    lengths = ends - starts
    total = int(lengths.sum())
    owner = np.repeat(np.arange(len(starts)), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owner, np.repeat(starts, lengths) + offsets


def _hash_entries(owner, column, value, count, rng):
    """Per owner, the sum mod 2^64 of (value bits + 1) * key[column] over its entries."""
    keys = rng.integers(1, 2**63, size=int(column.max(initial=0)) + 1, dtype=np.uint64)
    bits = np.asarray(value, dtype=np.float32).view(np.uint32).astype(np.uint64)
    out = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.add.at(out, owner, (bits + np.uint64(1)) * keys[column])
    return out


def _hash_rows(matrix, rng):
    rows, cols = np.nonzero(matrix)
    return _hash_entries(rows, cols, matrix[rows, cols], matrix.shape[0], rng)


def _bits(matrix):
    """Rows of a 0/1 matrix packed as bit sets, word by word: (words, rows) of uint64,
    each word's row contiguous (gathers of single pairs read one array per word)."""
    packed = np.packbits(matrix.astype(bool), axis=1, bitorder="little")
    width = -(-packed.shape[1] // 8) * 8
    padded = np.zeros((matrix.shape[0], max(8, width)), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    return np.ascontiguousarray(padded.view(np.uint64).T)


class Scorer:
    """Scores of every (row, column) pair, in blocks of rows (float32 arrays).

    rows are mentees, columns mentors. Forbidden pairs and scores under the minimum are
    -inf. `blocked` holds (mentor.key, mentee.key) pairs never to suggest.
    """

    def __init__(
        self,
        mentors,
        mentees,
        weights,
        blocked=frozenset(),
        dtype=np.float32,
        dense_features=DENSE_FEATURES,
    ):
        self.mentors, self.mentees, self.weights = list(mentors), list(mentees), weights
        self.dtype = dtype
        self._features(weights, dense_features)
        a_rows, a_cols = self._slots(self.mentees), self._slots(self.mentors)
        # Only slots someone on each side has can overlap; the rest would multiply zeros.
        used = (a_rows.sum(axis=0) > 0) & (a_cols.sum(axis=0) > 0)
        # Shared slots are counted exactly (0/1 entries), then scaled once: the term is
        # min(count * scale, availability weight), the same float32 whether a whole block
        # or one pair is scored (`bounded_block` and `availability` rely on it).
        self._avail_scale = dtype(SLOT_MINUTES / 60 / TARGET_HOURS * weights.availability)
        self._avail_cap = dtype(weights.availability)
        self.a_rows = np.ascontiguousarray(a_rows[:, used])
        self.a_cols = np.ascontiguousarray(a_cols[:, used].T)
        # The same slots as bit sets (64 slots a word), for scoring single pairs.
        self._bits_rows, self._bits_cols = _bits(self.a_rows), _bits(self.a_cols.T)
        # The most each person's availability can add to any pair of theirs.
        self.avail_bound = np.minimum(self.a_rows.sum(axis=1) * self._avail_scale, self._avail_cap)
        # Each person has a few features and slots: sparse rows times dense columns do a
        # fraction of the dense product's work, and sum each pair in the same order
        # whatever the block.
        self._x_rows = sparse.csr_matrix(self.x)
        self._kernel_features = None  # pairs.scan_kernel's view of y, built on first use
        self._kernel_width = 1024  # its output per chunk of mentors, grown as needed
        self._a_rows = sparse.csr_matrix(self.a_rows)
        self.row_empty = np.array([not p.slots for p in self.mentees])
        self.capacity = np.array([max(0, int(p.capacity)) for p in self.mentors], dtype=np.int64)
        self._forbidden = self._forbidden_pairs(blocked)
        # Scores under this are not allowed; `block(..., floored=False)` leaves them in place
        # (cheaper) for callers that apply the floor themselves.
        self.floor = weights.min_score - 1e-6
        if weights.different_department:
            codes = {}
            self.dep_rows = np.array([self._code(codes, p.department) for p in self.mentees])
            self.dep_cols = np.array([self._code(codes, p.department) for p in self.mentors])
        else:
            self.dep_rows = self.dep_cols = None

    @property
    def shape(self):
        return len(self.mentees), len(self.mentors)

    def _features(self, w, dense_features):
        """Skill and goal features as (person, feature, value) lists, only for names
        present on both sides (others never overlap). The features doing the most work
        (people on one side x the other) are matrix columns (sparse rows times dense
        columns), at most DENSE_FEATURES; the rest stay sparse lists, so memory does not
        grow with the vocabulary: 10,000 free-text skill names cost their entries, not
        people x names."""
        kinds = (
            # (mentee side, its value, mentor side, its value)
            # (k: the size of each person's set, an array)
            (lambda p: p.learns, lambda k: w.teach / k, lambda p: p.teaches, np.ones_like),
            (
                lambda p: p.teaches,
                lambda k: np.full_like(k, w.learn),
                lambda p: p.learns,
                lambda k: 1.0 / k,
            ),
            (lambda p: p.goals, lambda k: w.goals / k**0.5, lambda p: p.goals, lambda k: k**-0.5),
        )
        parts = ([], [], []), ([], [], [])  # (people, features, values) per side
        n_f = 0
        for row_of, row_val, col_of, col_val in kinds:
            sides = []
            for people, get, value in (
                (self.mentees, row_of, row_val),
                (self.mentors, col_of, col_val),
            ):
                sets = [get(p) for p in people]
                lengths = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
                names = [x for items in sets for x in items]
                # Normalised by the whole set, as pair_score.
                values = np.repeat(value(np.maximum(lengths, 1).astype(float)), lengths)
                sides.append((np.repeat(np.arange(len(sets)), lengths), names, values))
            # Sorted names: feature numbers do not depend on hashing or input order.
            both = sorted(set(sides[0][1]) & set(sides[1][1]))
            code = dict(zip(both, range(n_f, n_f + len(both)), strict=True))
            n_f += len(both)
            for (who, names, values), out in zip(sides, parts, strict=True):
                f = np.fromiter(map(code.get, names, repeat(-1)), dtype=np.int64, count=len(names))
                on = f >= 0
                out[0].append(who[on])
                out[1].append(f[on])
                out[2].append(values[on])
        r_who, r_f, r_v = (np.concatenate(x) for x in parts[0])
        c_who, c_f, c_v = (np.concatenate(x) for x in parts[1])
        work = np.bincount(r_f, minlength=n_f) * np.bincount(c_f, minlength=n_f)
        dense = np.zeros(n_f, dtype=bool)
        dense[np.argsort(-work, kind="stable")[:dense_features]] = True
        position = np.cumsum(dense) - 1
        k = max(1, int(dense.sum()))
        self.x = np.zeros((len(self.mentees), k), dtype=self.dtype)
        self.y = np.zeros((k, len(self.mentors)), dtype=self.dtype)
        on = dense[r_f]
        self.x[r_who[on], position[r_f[on]]] = r_v[on]
        on = dense[c_f]
        self.y[position[c_f[on]], c_who[on]] = c_v[on]
        # Sparse rest: each mentee's entries (by row) and each feature's mentors.
        on = ~dense[r_f]
        order = np.argsort(r_who[on], kind="stable")
        self._row_ptr = np.searchsorted(r_who[on][order], np.arange(len(self.mentees) + 1))
        self._row_f, self._row_v = r_f[on][order], r_v[on][order]
        on = ~dense[c_f]
        order = np.argsort(c_f[on], kind="stable")
        self._f_ptr = np.searchsorted(c_f[on][order], np.arange(n_f + 1))
        self._f_col, self._f_v = c_who[on][order], c_v[on][order]
        self.features = {"dense": int(dense.sum()), "sparse": int((~dense).sum())}

    def _sparse(self, out, row_ids, cols):
        """Adds the sparse features' part of the scores of row_ids x (cols or all)."""
        if not len(self._row_f):
            return
        starts, ends = self._row_ptr[row_ids], self._row_ptr[row_ids + 1]
        where, entries = _ranges(starts, ends)
        if not len(entries):
            return
        f = self._row_f[entries]
        into, spots = _ranges(self._f_ptr[f], self._f_ptr[f + 1])
        if not len(spots):
            return
        at = where[into]
        c = self._f_col[spots]
        v = self._row_v[entries][into] * self._f_v[spots]
        width = out.shape[1]
        if cols is not None:
            column = np.full(len(self.mentors), -1, dtype=np.int64)
            column[cols] = np.arange(len(cols))
            c = column[c]
            keep = c >= 0
            at, c, v = at[keep], c[keep], v[keep]
        out += np.bincount(at * width + c, weights=v, minlength=out.size).reshape(out.shape)

    def _slots(self, profiles):
        cols = np.array([slot for p in profiles for slot in p.slots], dtype=np.int64)
        rows = np.repeat(np.arange(len(profiles)), [len(p.slots) for p in profiles])
        out = np.zeros((len(profiles), SLOTS_PER_WEEK), dtype=self.dtype)
        out[rows, cols] = 1.0
        return out

    @staticmethod
    def _code(codes, department):
        key = (department or "").strip().lower()
        if not key:
            return 0
        return codes.setdefault(key, len(codes) + 1)

    def _forbidden_pairs(self, blocked):
        col_of = {p.key: j for j, p in enumerate(self.mentors)}
        by_email = {}
        for j, p in enumerate(self.mentors):
            if p.email:
                by_email.setdefault(p.email, []).append(j)
        managers = {}
        for j, p in enumerate(self.mentors):
            if p.manager_email:
                managers.setdefault(p.manager_email, []).append(j)
        forbidden = {}
        for i, p in enumerate(self.mentees):
            cols = set()
            if p.key in col_of:
                cols.add(col_of[p.key])
            if p.manager_email:
                cols.update(by_email.get(p.manager_email, ()))
            if p.email:
                cols.update(managers.get(p.email, ()))
            if cols:
                forbidden[i] = cols
        for mentor_key, mentee_key in blocked:
            for a, b in ((mentor_key, mentee_key), (mentee_key, mentor_key)):
                j = col_of.get(a)
                if j is None:
                    continue
                for i in self._rows_of(b):
                    forbidden.setdefault(i, set()).add(j)
        return {i: np.fromiter(sorted(c), dtype=np.int64) for i, c in forbidden.items()}

    def _rows_of(self, key):
        if not hasattr(self, "_row_of"):
            self._row_of = {}
            for i, p in enumerate(self.mentees):
                self._row_of.setdefault(p.key, []).append(i)
        return self._row_of.get(key, ())

    def classes(self, limit):
        """People who are interchangeable: (row class per row, column class per column),
        rows of one class having the same score against every column and the same
        constraints (likewise columns), or None when there would be more than `limit`
        class pairs. Anyone named in a constraint is a class of their own."""
        n, m = self.shape
        rng = np.random.default_rng(0)
        named_rows = np.zeros(n, dtype=bool)
        named_rows[list(self._forbidden)] = True
        named_cols = np.zeros(m, dtype=bool)
        for cols in self._forbidden.values():
            named_cols[cols] = True
        n_f = len(self._f_ptr) - 1
        row_sparse = (self._row_ptr, self._row_f, self._row_v)
        col_order = np.lexsort((np.repeat(np.arange(n_f), np.diff(self._f_ptr)), self._f_col))
        col_f = np.repeat(np.arange(n_f), np.diff(self._f_ptr))[col_order]
        col_ptr = np.searchsorted(self._f_col[col_order], np.arange(m + 1))
        col_sparse = (col_ptr, col_f, self._f_v[col_order])
        sides = (
            (self.x, self.a_rows, self.dep_rows, row_sparse, named_rows),
            (self.y.T, self.a_cols.T, self.dep_cols, col_sparse, named_cols),
        )
        labels = []
        for dense, avail, dep, (ptr, feat, val), named in sides:
            count = len(named)
            # A hash first (sums mod 2^64 of keyed entries, exact in any order): too many
            # distinct hashes ends the search cheaply.
            owner = np.repeat(np.arange(count), np.diff(ptr))
            key = _hash_rows(dense, rng) + _hash_rows(avail, rng)
            key += _hash_entries(owner, feat, val, count, rng)
            if dep is not None:
                with np.errstate(over="ignore"):
                    key += dep.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
            key = np.where(named, np.arange(count, dtype=np.uint64) | np.uint64(1 << 63), key)
            _, first, label = np.unique(key, return_index=True, return_inverse=True)
            labels.append(label)
            if len(first) * (labels[0].max() + 1 if len(labels) == 2 else 1) > limit:
                return None
            # Then the exact check against each class's first member (a collision of
            # projections only costs the reduction, never exactness).
            rep = first[label]
            same = (dense == dense[rep]).all(axis=1) & (avail == avail[rep]).all(axis=1)
            same &= ~named | (rep == np.arange(count))
            if dep is not None:
                same &= dep == dep[rep]
            length = np.diff(ptr)
            same &= length == length[rep]
            # Each person's sparse entries in feature order (sets iterate in any order).
            order = np.lexsort((feat, owner))
            feat, val = feat[order], val[order]
            check = np.nonzero(same & (length > 0))[0]
            _, mine = _ranges(ptr[check], ptr[check + 1])
            _, theirs = _ranges(ptr[rep[check]], ptr[rep[check]] + length[check])
            differ = (feat[mine] != feat[theirs]) | (val[mine] != val[theirs])
            same[np.repeat(check, length[check])[differ]] = False
            if not same.all():
                return None
        return labels[0], labels[1]

    def block(self, start, stop, floored=True):
        """Scores of rows start:stop against every column (-inf = not allowed).

        With floored=False, scores under the minimum are left as they are (only forbidden
        pairs are -inf): the caller compares against `floor` itself.
        """
        return self._score(slice(start, stop), range(start, stop), floored=floored)

    def rows(self, indices, floored=True, constrained=True):
        """Scores of the given rows (in order) against every column. constrained=False:
        without the hard constraints (to tell why someone has no partner)."""
        indices = np.asarray(indices, dtype=np.int64)
        return self._score(indices, indices.tolist(), floored=floored, constrained=constrained)

    def sub(self, indices, columns):
        """Scores of the given rows against the given columns only."""
        indices = np.asarray(indices, dtype=np.int64)
        return self._score(indices, indices.tolist(), np.asarray(columns, dtype=np.int64))

    def bounded_block(self, start, stop):
        """Rows start:stop against every column without the availability term, constraints
        applied (-inf), and per row the most availability can add (`avail_bound`): a
        pair scores at most block + bound, and exactly block + `availability(rows, cols)`
        (the float32 `block(..., floored=False)` holds)."""
        sel = slice(start, stop)
        out = self._skills(sel, np.arange(start, stop), None)
        self._constrain(out, sel, range(start, stop), None)
        return out, self.avail_bound[start:stop]

    def fused(self):
        """True if `fused_pairs` can score this program: dense skill features only."""
        return not len(self._row_f)

    def bounded_sample(self, start, stop, cols):
        """bounded_block(start, stop)[0][:, cols], scoring only those columns."""
        sel = slice(start, stop)
        out = self._skills(sel, np.arange(start, stop), cols)
        self._constrain(out, sel, range(start, stop), cols)
        return out

    def fused_pairs(self, start, stop, reach, threshold):
        """(rows from start, cols, scores) of rows start:stop scoring at least threshold,
        the same float32 scores as block(start, stop, floored=False), in one compiled pass
        (pairs.scan_kernel); pairs whose score without availability is under `reach`
        are not completed. Only where fused()."""
        # Imported here, not at the top: numba adds about 110 MB and 0.25 s to every
        # process that imports it, and only programs of FUSED_COLUMNS (10,000)+ mentors come here.
        from pairs import scan_kernel

        if self._kernel_features is None:
            self._kernel_features = scan_kernel.mentor_features(self.y)
        r, c, v, self._kernel_width = scan_kernel.bounded_pairs(
            self.x[start:stop],
            self._kernel_features,
            self._bits_rows[:, start:stop],
            self._bits_cols,
            self._avail_scale,
            self._avail_cap,
            reach,
            threshold,
            self._kernel_width,
        )
        allowed = np.ones(len(r), dtype=bool)
        if self.dep_rows is not None:
            dep = self.dep_rows[start + r]
            allowed &= (dep != self.dep_cols[c]) | (dep <= 0)
        banned = [
            (i - start) * len(self.mentors) + np.asarray(self._forbidden[i], dtype=np.int64)
            for i in range(start, stop)
            if i in self._forbidden
        ]
        if banned:
            allowed &= ~np.isin(r * len(self.mentors) + c, np.concatenate(banned))
        return r[allowed], c[allowed], v[allowed]

    def availability(self, rows, cols):
        """The availability term of the pairs (rows[k], cols[k]), as in `block`."""
        if not self.a_cols.shape[0]:
            return np.zeros(len(rows), dtype=self.dtype)
        shared = np.zeros(len(rows), dtype=np.uint16)
        for mine, theirs in zip(self._bits_rows, self._bits_cols, strict=True):
            shared += np.bitwise_count(mine[rows] & theirs[cols])
        term = shared.astype(self.dtype) * self._avail_scale
        return np.minimum(term, self._avail_cap, out=term)

    def availability_block(self, start, stop):
        """The availability term of rows start:stop against every column, as in `block`."""
        if not self.a_cols.shape[0]:
            return np.zeros((stop - start, len(self.mentors)), dtype=self.dtype)
        overlap = np.asarray(self._a_rows[start:stop] @ self.a_cols, dtype=self.dtype)
        overlap *= self._avail_scale
        return np.minimum(overlap, self._avail_cap, out=overlap)

    def _skills(self, sel, ids, cols):
        y = self.y if cols is None else self.y[:, cols]
        out = np.asarray(self._x_rows[sel] @ y, dtype=self.dtype)
        self._sparse(out, ids, cols)
        return out

    def _score(self, sel, row_ids, cols=None, floored=True, constrained=True):
        a_cols = self.a_cols if cols is None else self.a_cols[:, cols]
        ids = np.arange(sel.start, sel.stop) if isinstance(sel, slice) else sel
        out = self._skills(sel, ids, cols)
        if a_cols.shape[0]:
            overlap = np.asarray(self._a_rows[sel] @ a_cols, dtype=self.dtype)
            overlap *= self._avail_scale
            np.minimum(overlap, self._avail_cap, out=overlap)
            out += overlap
        if floored:
            np.putmask(out, out < self.floor, -np.inf)
        if constrained:
            self._constrain(out, sel, row_ids, cols)
        return out

    def _constrain(self, out, sel, row_ids, cols):
        dep_cols = self.dep_cols
        if self.dep_rows is not None:
            if cols is not None:
                dep_cols = dep_cols[cols]
            rows = self.dep_rows[sel][:, None]
            out[(rows == dep_cols[None, :]) & (rows > 0)] = -np.inf
        for offset, i in enumerate(row_ids):
            forbidden = self._forbidden.get(i)
            if forbidden is None:
                continue
            if cols is None:
                out[offset, forbidden] = -np.inf
            else:
                out[offset, np.isin(cols, forbidden)] = -np.inf


class PeerScorer:
    """One pool: a pair is worth the better of its two orientations (symmetric scores).

    Each person is in at most one pair per matching run.
    """

    def __init__(self, people, weights, blocked=frozenset(), dtype=np.float32):
        swapped = dataclasses.replace(weights, teach=weights.learn, learn=weights.teach)
        # as_mentee[i, j]: i mentee of j; as_mentor[i, j]: i mentor of j (swapped weights).
        self.as_mentee = Scorer(people, people, weights, blocked, dtype)
        self.as_mentor = Scorer(people, people, swapped, blocked, dtype)
        self.mentors = self.mentees = self.as_mentee.mentees
        self.weights = weights
        self.capacity = np.minimum(self.as_mentee.capacity, 1)
        self.floor = self.as_mentee.floor

    @property
    def shape(self):
        return self.as_mentee.shape

    def block(self, start, stop, floored=True):
        return np.maximum(
            self.as_mentee.block(start, stop, floored), self.as_mentor.block(start, stop, floored)
        )

    def rows(self, indices, floored=True, constrained=True):
        return np.maximum(
            self.as_mentee.rows(indices, floored, constrained),
            self.as_mentor.rows(indices, floored, constrained),
        )

    def sub(self, indices, columns):
        return np.maximum(
            self.as_mentee.sub(indices, columns), self.as_mentor.sub(indices, columns)
        )

    def orient(self, a, b):
        """(mentee, mentor) for the better orientation of the pair a, b."""
        ab = self.as_mentee.block(a, a + 1)[0, b]  # a mentee of b
        ba = self.as_mentee.block(b, b + 1)[0, a]
        return (a, b) if ab >= ba else (b, a)
