"""Demo pairs: mentor@ and mentee@ together, most other demo participants matched.

Idempotent: pairs are made with get_or_create, and the matching only fills free capacity
(an optimal matching leaves no pair to add, so a second run creates nothing).
"""

import datetime

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
    # Everyone else: the program's own optimal matching over what capacity is left.
    counts = pairing.occupying_counts(program)
    remaining = {p.pk: max(0, p.capacity - counts.get(p.pk, 0)) for p in people}
    free = [p for p in people if remaining[p.pk] > 0]
    mentors = [p for p in free if p.can_mentor]
    mentees = [p for p in free if p.can_be_mentee and not p.can_mentor]
    if not mentors or not mentees:
        return []
    scorer = matching.Scorer(
        pairing.profiles(mentors, remaining),
        pairing.profiles(mentees, remaining),
        weights,
        pairing.blocked_pairs(program),
    )
    for row, col, _score in assignment.solve(scorer).pairs:
        _make(program, mentors[col], mentees[row], weights, by_pk)
    return []
