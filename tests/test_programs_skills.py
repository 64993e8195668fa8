"""The skill vocabulary: admins rename and merge; merging moves every reference."""

import pytest
from django.urls import reverse

from mentorship import skills
from mentorship.models import Participant, Skill
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


def skill(world, name):
    return Skill.objects.get(program=world.program, name=name)


def test_list_counts_teachers_and_learners(client, world):
    client.force_login(world.admin)
    html = client.get(reverse("programs:skills", args=["main"])).content.decode()
    assert "SQL" in html and "Figma" in html and "Merge two skills" in html


def test_rename(client, world):
    client.force_login(world.admin)
    sql = skill(world, "SQL")
    url = reverse("programs:skill_rename", args=["main", sql.pk])
    client.post(url, {"name": "  Structured   Query Language "})
    sql.refresh_from_db()
    assert sql.name == "Structured Query Language"
    assert world.mentor.teaches.filter(pk=sql.pk).exists()
    # Renaming onto an existing name (any case) is refused and explained.
    response = client.post(url, {"name": "figma"}, follow=True)
    assert "merge the two skills instead" in response.content.decode()
    sql.refresh_from_db()
    assert sql.name == "Structured Query Language"
    response = client.post(url, {"name": ""}, follow=True)
    assert "at most 80 characters" in response.content.decode()


def test_merge_moves_every_reference(client, world):
    # mentor teaches SQL+Hiring, learns Figma; mentee teaches Figma, learns SQL.
    both = make_participant(
        world.program, role="both", teaches=["Postgres", "SQL"], learns=["Postgres"]
    )
    postgres, sql = skill(world, "Postgres"), skill(world, "SQL")
    client.force_login(world.admin)
    response = client.post(
        reverse("programs:skill_merge", args=["main"]), {"source": postgres.pk, "target": sql.pk}
    )
    assert response.status_code == 302
    assert not Skill.objects.filter(pk=postgres.pk).exists()
    both = Participant.objects.get(pk=both.pk)
    assert [s.name for s in both.teaches.all()] == ["SQL"]  # no duplicate row
    assert [s.name for s in both.learns.all()] == ["SQL"]
    assert world.mentee.learns.filter(pk=sql.pk).exists()


def test_merge_refuses_same_or_foreign_skills(client, world):
    foreign = Skill.objects.create(program=world.other_program, name="Elsewhere")
    sql = skill(world, "SQL")
    client.force_login(world.admin)
    url = reverse("programs:skill_merge", args=["main"])
    client.post(url, {"source": foreign.pk, "target": sql.pk})
    client.post(url, {"source": sql.pk, "target": sql.pk})
    assert Skill.objects.filter(pk__in=[foreign.pk, sql.pk]).count() == 2
    with pytest.raises(skills.SkillError):
        skills.merge(foreign, sql)


def test_rename_another_programs_skill_is_404(client, world):
    foreign = Skill.objects.create(program=world.other_program, name="Elsewhere")
    client.force_login(world.admin)
    url = reverse("programs:skill_rename", args=["main", foreign.pk])
    assert client.post(url, {"name": "Mine now"}).status_code == 404
