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
