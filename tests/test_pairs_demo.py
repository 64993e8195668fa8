"""Demo pairs: mentor@ with mentee@, most others matched, and a re-run creates nothing."""

import pytest
from django.core.management import call_command

from mentorship.models import Participant
from pairs import demo
from pairs.models import Pair
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


def test_demo_pairs_are_made_once():
    call_command("seed_demo", "--quiet")
    from mentorship.models import Program

    program = Program.objects.get(slug="demo")
    # Whatever the mentorship demo holds, add a few more people to match.
    for i in range(4):
        make_participant(program, role="mentor", teaches=["SQL", f"t{i}"], capacity=2)
    for i in range(6):
        make_participant(program, role="mentee", learns=["SQL", f"t{i % 4}"])
    demo.seed()
    pair = Pair.objects.get(
        program=program,
        mentor__user__email="mentor@example.com",
        mentee__user__email="mentee@example.com",
    )
    assert pair.status == "active"
    mentees = Participant.objects.filter(program=program, role="mentee", status="active")
    paired = mentees.filter(mentee_pairs__status="active").distinct().count()
    assert paired >= 0.8 * mentees.count()
    before = list(Pair.objects.order_by("pk").values_list("pk", "mentor_id", "mentee_id"))
    demo.seed()
    call_command("seed_demo", "--quiet")
    assert list(Pair.objects.order_by("pk").values_list("pk", "mentor_id", "mentee_id")) == before
