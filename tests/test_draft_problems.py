"""pairing.draft_problems gives what a plain reading of its rule gives, for random programs:
drafts whose two people were paired meanwhile (either way round, any pair status), whose
people withdrew or never joined, or are full with pairs that hold a slot; whether all drafts
fit together; only drafts of the run, of its program's people; in every language."""

import itertools

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mentorship.models import Participant, Program, User
from pairs import pairing
from pairs.models import MatchRun, Pair, Suggestion

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)

PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(["active", "active", "invited", "withdrawn"]),
            "capacity": st.integers(0, 3),
            "elsewhere": st.sampled_from([False, False, False, True]),  # another program's
            "name": st.sampled_from(["Maya", "Théo <b>&", ""]),  # "": named by their email
        }
    ),
    min_size=2,
    max_size=7,
)
INDEX = st.integers(0, 6)
PAIRS = st.lists(
    st.tuples(INDEX, INDEX, st.sampled_from(Pair.Status.values), st.booleans()), max_size=10
)
# (mentor, mentee, status, of the run (else of another run of the program), shown)
SUGGESTIONS = st.lists(
    st.tuples(
        INDEX,
        INDEX,
        st.sampled_from(["draft", "draft", "draft", "accepted", "rejected"]),
        st.sampled_from([True, True, True, False]),
        st.booleans(),
    ),
    max_size=12,
)


def reference(run, shown, seen=lambda kind: None):
    """draft_problems as its docstring says it, one draft and one person at a time; `seen`
    hears of each kind of problem met (for the test's statistics)."""
    program_id = run.program_id
    drafts = [
        s
        for s in Suggestion.objects.filter(run=run).select_related("mentor", "mentee")
        if s.status == "draft"
        and s.mentor.program_id == program_id
        and s.mentee.program_id == program_id
    ]
    pairs = list(Pair.objects.filter(program_id=program_id))

    def used(person):
        return sum(
            (p.mentor_id == person.pk) + (p.mentee_id == person.pk)
            for p in pairs
            if p.status in Pair.OCCUPYING
        )

    codes = {}
    for s in drafts:
        found = []
        if any({p.mentor_id, p.mentee_id} == {s.mentor_id, s.mentee_id} for p in pairs):
            found.append(("paired", None))
        for person in (s.mentor, s.mentee):
            if person.status != "active":
                found.append(("inactive", person.pk))
            elif used(person) >= person.capacity:
                found.append(("full", person.pk))
        codes[s.pk] = found

    def drafted(person):
        return sum((s.mentor_id == person.pk) + (s.mentee_id == person.pk) for s in drafts)

    fit = all(
        used(person) + drafted(person) <= person.capacity
        for s in drafts
        for person in (s.mentor, s.mentee)
    )
    together = not any(codes.values()) and fit
    if not any(codes.values()):
        seen(f"no problem, together={together}")
    out = {}
    for pk, mentor_id, mentee_id, mentor, mentee in shown:
        names = {mentor_id: mentor, mentee_id: mentee}
        texts = []
        for code, person in codes.get(pk, ()):
            seen(code)
            if code == "paired":
                texts.append(_("already paired with each other (by request or by hand)"))
            elif code == "inactive":
                texts.append(_("%(name)s is no longer active") % {"name": names[person]})
            else:
                texts.append(_("%(name)s has no capacity left") % {"name": names[person]})
        if texts:
            out[pk] = texts
    return out, together, len(drafts)


def build(people, pairs, suggestions):
    """The rows, made in bulk; returns (the run, the suggestions shown as draft_problems
    takes them)."""
    n = next(_seq)
    program = Program.objects.create(name=f"P{n}", slug=f"dp-{n}")
    elsewhere = Program.objects.create(name=f"Q{n}", slug=f"dp-{n}-q")
    users = User.objects.bulk_create(
        User(email=f"dp{n}-{i}@example.com", display_name=p["name"]) for i, p in enumerate(people)
    )
    persons = Participant.objects.bulk_create(
        Participant(
            program=elsewhere if p["elsewhere"] else program,
            user=user,
            status=p["status"],
            capacity=p["capacity"],
        )
        for p, user in zip(people, users, strict=True)
    )
    k = len(persons)
    seen = set()
    rows = []
    for a, b, status, here in pairs:
        key = (a % k, b % k, here)
        if key[0] != key[1] and key not in seen:
            seen.add(key)
            mentor, mentee = persons[key[0]], persons[key[1]]
            rows.append(
                Pair(
                    program=program if here else elsewhere,
                    mentor=mentor,
                    mentee=mentee,
                    status=status,
                )
            )
    Pair.objects.bulk_create(rows)
    run = MatchRun.objects.create(program=program, status="done")
    other_run = MatchRun.objects.create(program=program, status="done")
    made = Suggestion.objects.bulk_create(
        Suggestion(
            run=run if of_run else other_run,
            mentor=persons[a % k],
            mentee=persons[b % k],
            status=status,
            score=1.0,
        )
        for a, b, status, of_run, _shown in suggestions
    )
    ids = [s.pk for s, row in zip(made, suggestions, strict=True) if row[4]]
    shown = [
        (s.pk, s.mentor_id, s.mentee_id, s.mentor.user.name, s.mentee.user.name)
        for s in Suggestion.objects.filter(pk__in=ids)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
    ]
    return MatchRun.objects.get(pk=run.pk), shown


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=PEOPLE,
    pairs=PAIRS,
    suggestions=SUGGESTIONS,
    language=st.sampled_from(["en", "de", "fr", "es"]),
)
def test_draft_problems_is_the_plain_rule(db, people, pairs, suggestions, language):
    with transaction.atomic(), translation.override(language):
        run, shown = build(people, pairs, suggestions)
        expected = reference(run, shown, event)
        assert pairing.draft_problems(run, shown) == expected
        transaction.set_rollback(True)


def test_the_reference_sees_each_kind_of_problem(db):
    """One fixed case with every problem, so a change to the rule shows here by name."""
    with transaction.atomic():
        people = [
            {"status": "active", "capacity": 1, "elsewhere": False, "name": "Maya"},
            {"status": "active", "capacity": 2, "elsewhere": False, "name": "Olga"},
            {"status": "withdrawn", "capacity": 1, "elsewhere": False, "name": "Wes"},
            {"status": "active", "capacity": 3, "elsewhere": False, "name": ""},
        ]
        # Maya is full (an active pair with Olga, mentee side); Olga and Maya paired.
        run, shown = build(
            people,
            [(1, 0, "active", True)],
            [(0, 1, "draft", True, True), (3, 2, "draft", True, True), (3, 1, "draft", True, True)],
        )
        problems, together, count = pairing.draft_problems(run, shown)
        assert (problems, together, count) == reference(run, shown)
        assert problems == {
            shown[0][0]: [
                "already paired with each other (by request or by hand)",
                "Maya has no capacity left",
            ],
            shown[1][0]: ["Wes is no longer active"],
        }
        assert not together and count == 3
        transaction.set_rollback(True)


def test_a_pair_the_other_way_round_alone_is_a_problem(db):
    """Paired before with the roles the other way round (a finished pair, holding no slot)
    and nothing else wrong: still not acceptable, and the drafts do not hold together."""
    with transaction.atomic():
        people = [
            {"status": "active", "capacity": 2, "elsewhere": False, "name": "Maya"},
            {"status": "active", "capacity": 2, "elsewhere": False, "name": "Olga"},
        ]
        run, shown = build(people, [(1, 0, "completed", True)], [(0, 1, "draft", True, True)])
        expected = ({shown[0][0]: ["already paired with each other (by request or by hand)"]},)
        assert pairing.draft_problems(run, shown) == (*expected, False, 1)
        assert reference(run, shown) == (*expected, False, 1)
        transaction.set_rollback(True)
