"""Synthetic but realistic programs for the matching benchmark (no database needed)."""

import numpy as np

from pairs.matching import Profile, Weights, utc_slots

ZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
    "UTC",
]
DEPARTMENTS = ["Engineering", "Design", "Sales", "Support", "Finance", "People", "Product"]
N_SKILLS = 60
N_GOALS = 40


def _zipf_pick(rng, k, n_items, a=1.1):
    p = 1.0 / np.arange(1, n_items + 1) ** a
    p /= p.sum()
    return frozenset(f"s{int(i)}" for i in rng.choice(n_items, size=k, replace=False, p=p))


def _windows(rng):
    windows = []
    for day in rng.choice(5, size=rng.integers(1, 4), replace=False):
        start = int(rng.integers(8, 17)) * 60 + int(rng.choice([0, 30]))
        windows.append(
            {
                "day": int(day),
                "start": f"{start // 60:02d}:{start % 60:02d}",
                "end": f"{(start + int(rng.integers(2, 7)) * 30) // 60:02d}:"
                f"{(start + int(rng.integers(2, 7)) * 30) % 60:02d}",
            }
        )
    return [w for w in windows if w["end"] > w["start"]]


def person(rng, key, role):
    tz = ZONES[int(rng.integers(len(ZONES)))]
    goals = frozenset(
        f"g{int(i)}" for i in rng.choice(N_GOALS, size=rng.integers(0, 4), replace=False)
    )
    return Profile(
        key=key,
        name=f"{role}{key}",
        teaches=_zipf_pick(
            rng, int(rng.integers(2, 6) if role == "mentor" else rng.integers(1, 4)), N_SKILLS
        ),
        learns=_zipf_pick(rng, int(rng.integers(1, 4)), N_SKILLS, a=0.8),
        goals=goals,
        slots=utc_slots(_windows(rng), tz),
        department=DEPARTMENTS[int(rng.integers(len(DEPARTMENTS)))],
        email=f"{role}{key}@example.com",
        capacity=int(rng.integers(1, 4)) if role == "mentor" else 1,
    )


def program(n_mentees, seed=7, mentor_ratio=0.4):
    rng = np.random.default_rng(seed)
    n_mentors = int(round(n_mentees * mentor_ratio))
    mentors = [person(rng, i, "mentor") for i in range(n_mentors)]
    mentees = [person(rng, n_mentors + i, "mentee") for i in range(n_mentees)]
    # A few managers, to exercise the constraint.
    mentees = [
        p if i % 50 else Profile(**{**p.__dict__, "manager_email": mentors[i % n_mentors].email})
        for i, p in enumerate(mentees)
    ]
    return mentors, mentees, Weights(different_department=False)


def pool(n_people, seed=11):
    rng = np.random.default_rng(seed)
    return [person(rng, i, "mentor") for i in range(n_people)], Weights()


FAMILIES = ("uniform", "clustered", "tie-heavy", "huge-vocabulary", "scarce", "plentiful")


def _names(prefix, count):
    return [f"{prefix}{i}" for i in range(count)]


def family(name, n_mentees, seed=7):
    """Programs unlike the uniform one: (mentors, mentees, weights).

    uniform: `program` as it was. clustered: skills come in 12 groups of 8 and people
    stay within their group. tie-heavy: 5 skill names, nothing else (no goals, no
    availability), so whole rows tie. huge-vocabulary: 10,000 skill names, drawn
    uniformly. scarce / plentiful: mentors 0.2x / 2x the mentees."""
    if name == "uniform":
        return program(n_mentees, seed)
    if name in ("scarce", "plentiful"):
        return program(n_mentees, seed, mentor_ratio=0.2 if name == "scarce" else 2.0)
    rng = np.random.default_rng(seed)
    n_mentors = int(round(n_mentees * 0.4))
    people = []
    for key in range(n_mentors + n_mentees):
        role = "mentor" if key < n_mentors else "mentee"
        if name == "tie-heavy":
            names = _names("s", 5)
            teaches = frozenset(rng.choice(names, size=int(rng.integers(1, 3)), replace=False))
            learns = frozenset(rng.choice(names, size=1))
            people.append(
                Profile(
                    key=key,
                    name=f"{role}{key}",
                    teaches=teaches,
                    learns=learns,
                    capacity=int(rng.integers(1, 4)) if role == "mentor" else 1,
                )
            )
            continue
        base = person(rng, key, role)
        if name == "clustered":
            group = int(rng.integers(12))
            names = _names(f"c{group}-", 8)
            teaches = frozenset(rng.choice(names, size=int(rng.integers(1, 4)), replace=False))
            learns = frozenset(rng.choice(names, size=int(rng.integers(1, 3)), replace=False))
        else:  # huge-vocabulary
            teaches = frozenset(f"v{int(i)}" for i in rng.integers(0, 10_000, size=4))
            learns = frozenset(f"v{int(i)}" for i in rng.integers(0, 10_000, size=2))
        people.append(Profile(**{**base.__dict__, "teaches": teaches, "learns": learns}))
    return people[:n_mentors], people[n_mentors:], Weights()
