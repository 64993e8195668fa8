"""Demo pairs: mentor@ and mentee@ together, one person who is a mentor in one pair and
a mentee in another, and most other demo participants matched.

Idempotent: pairs are made with get_or_create, and the matching only fills free capacity
(an optimal matching leaves no pair to add, so a second run creates nothing).
"""

import datetime

from mentorship.demo import DEMO_PASSWORD
from mentorship.models import Participant, Program
from pairs import assignment, matching, pairing
from pairs.models import Pair

PROGRAM_SLUG = "demo"
START = datetime.date(2026, 9, 15)


def _make(program, mentor, mentee, weights, by_pk):
    scored = matching.pair_score(by_pk[mentor.pk], by_pk[mentee.pk], weights)
    pair, _created = Pair.objects.get_or_create(
        program=program,
        mentor=mentor,
        mentee=mentee,
        defaults={
            "status": Pair.Status.ACTIVE,
            "source": Pair.Source.MATCHING,
            "started_on": START,
            "score": scored.score,
            "score_breakdown": scored.breakdown,
            "reasons": scored.reasons,
        },
    )
    return pair


def seed():
    program = Program.objects.filter(slug=PROGRAM_SLUG).first()
    if program is None:
        return []
    people = pairing.participants_with_profiles(program, status=Participant.Status.ACTIVE)
    by_email = {p.user.email: p for p in people}
    weights = pairing.weights_for(program)
    by_pk = {p.pk: prof for p, prof in zip(people, pairing.profiles(people), strict=True)}
    mentor, mentee = by_email.get("mentor@example.com"), by_email.get("mentee@example.com")
    if (
        mentor
        and mentee
        and not Pair.objects.filter(program=program, mentee=mentee)
        .exclude(mentor=mentor)
        .filter(status__in=Pair.OCCUPYING)
        .exists()
    ):
        _make(program, mentor, mentee, weights, by_pk)
    both_ways = _both_ways(program, people, weights, by_pk)
    # Everyone else: the program's own optimal matching over what capacity is left.
    counts = pairing.occupying_counts(program)
    remaining = {p.pk: max(0, p.capacity - counts.get(p.pk, 0)) for p in people}
    free = [p for p in people if remaining[p.pk] > 0]
    mentors = [p for p in free if p.can_mentor]
    mentees = [p for p in free if p.can_be_mentee and not p.can_mentor]
    if not mentors or not mentees:
        return both_ways
    scorer = matching.Scorer(
        pairing.profiles(mentors, remaining),
        pairing.profiles(mentees, remaining),
        weights,
        pairing.blocked_pairs(program),
    )
    for row, col, _score in assignment.solve(scorer).pairs:
        _make(program, mentors[col], mentees[row], weights, by_pk)
    return both_ways


def _best(person, candidates, as_mentor, weights, by_pk):
    def score(other):
        mentor, mentee = (person, other) if as_mentor else (other, person)
        return matching.pair_score(by_pk[mentor.pk], by_pk[mentee.pk], weights).score

    return max(candidates, key=lambda other: (score(other), -other.pk), default=None)


def _both_ways(program, people, weights, by_pk):
    """The first person in both roles (by email) mentors one person and is mentored by
    another, so the demo shows someone on each side of the table."""
    both = sorted(
        (p for p in people if p.role == Participant.Role.BOTH), key=lambda p: p.user.email
    )
    if not both:
        return []
    person = both[0]
    if person.capacity < 2:
        person.capacity = 2
        person.save(update_fields=["capacity"])
    counts = pairing.occupying_counts(program)

    def free(p):
        return p.pk != person.pk and counts.get(p.pk, 0) < p.capacity

    if not Pair.objects.filter(program=program, mentee=person).exists():
        mentors = [
            p for p in people if p.can_mentor and p.role != Participant.Role.BOTH and free(p)
        ]
        mentor = _best(person, mentors, False, weights, by_pk)
        if mentor is not None:
            _make(program, mentor, person, weights, by_pk)
    if not Pair.objects.filter(program=program, mentor=person).exists():
        mentees = [p for p in people if p.role == Participant.Role.MENTEE and free(p)]
        mentee = _best(person, mentees, True, weights, by_pk)
        if mentee is not None:
            _make(program, person, mentee, weights, by_pk)
    return [("mentor and mentee", person.user.email, DEMO_PASSWORD)]
