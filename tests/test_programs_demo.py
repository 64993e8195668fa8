"""seed_demo's mentorship part: a realistic demo program, deterministic and idempotent."""

import pytest
from django.contrib.auth import authenticate

from mentorship import demo
from mentorship.models import Participant, Program, Skill

pytestmark = pytest.mark.django_db


def snapshot():
    rows = Participant.objects.filter(program__slug="demo").order_by("user__email")
    return [
        (
            p.user.email,
            p.role,
            p.department,
            p.user.time_zone,
            p.goals,
            p.availability,
            sorted(s.name for s in p.teaches.all()),
            sorted(s.name for s in p.learns.all()),
        )
        for p in rows
    ]


def test_demo_program_is_realistic_and_idempotent():
    signins = demo.seed()
    assert ("program admin", "admin@example.com", "mentorship-demo") in signins
    assert ("mentor", "mentor@example.com", "mentorship-demo") in signins
    assert ("mentee", "mentee@example.com", "mentorship-demo") in signins
    for _role, email, password in signins:
        assert authenticate(username=email, password=password) is not None

    program = Program.objects.get(slug="demo")
    assert [a.email for a in program.admins.all()] == ["admin@example.com"]
    people = Participant.objects.filter(program=program)
    mentors = people.filter(role__in=["mentor", "both"]).count()
    mentees = people.filter(role__in=["mentee", "both"]).count()
    assert 14 <= mentors <= 18 and 28 <= mentees <= 34
    assert 2 <= people.filter(role="both").count() <= 6
    assert people.get(user__email="mentor@example.com").can_mentor
    assert people.get(user__email="mentee@example.com").can_be_mentee
    assert len(set(people.values_list("department", flat=True))) >= 5
    assert len(set(people.values_list("user__time_zone", flat=True))) >= 5
    assert len(set(people.values_list("goals", flat=True))) >= 5
    assert all(p.teaches.exists() and p.learns.exists() and p.availability for p in people)
    assert Skill.objects.filter(program=program).count() >= 15

    first = snapshot()
    counts = (Participant.objects.count(), Skill.objects.count())
    demo.seed()
    assert snapshot() == first
    assert (Participant.objects.count(), Skill.objects.count()) == counts
