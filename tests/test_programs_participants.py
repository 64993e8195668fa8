"""The participants list: live search, filters, paging, fixed query count; CSV export."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.models import Skill
from tests.factories import make_participant, make_user

pytestmark = pytest.mark.django_db


def names(response):
    page = response.context["page"]
    return [p.user.email for p in page.object_list]


def get(client, world, **params):
    client.force_login(world.admin)
    return client.get(reverse("programs:participants", args=[world.program.slug]), params)


def test_lists_everyone_with_their_skills(client, world):
    response = get(client, world)
    assert response.status_code == 200
    assert sorted(names(response)) == [
        "mentee@example.com",
        "mentor@example.com",
        "other@example.com",
    ]
    html = response.content.decode()
    assert "3 participants" in html and 'aria-live="polite"' in html
    assert '<li class="chip">SQL</li>' in html
    # Nobody from the other program.
    make_participant(world.other_program, make_user("elsewhere@example.com"))
    assert "elsewhere@example.com" not in get(client, world).content.decode()


def test_search_and_filters(client, world):
    both = make_participant(
        world.program,
        make_user("bo@example.com", display_name="Bo Both"),
        role="both",
        teaches=["Go"],
        status="invited",
    )
    assert names(get(client, world, q="maya")) == ["mentor@example.com"]
    assert names(get(client, world, q="OTHER@EXAMPLE")) == ["other@example.com"]
    assert names(get(client, world, role="both")) == [both.user.email]
    assert names(get(client, world, status="invited")) == [both.user.email]
    sql = Skill.objects.get(program=world.program, name="SQL")
    # Teaches or learns the skill.
    assert sorted(names(get(client, world, skill=sql.pk))) == [
        "mentee@example.com",
        "mentor@example.com",
    ]
    assert sorted(names(get(client, world, matched="matched"))) == [
        "mentee@example.com",
        "mentor@example.com",
    ]
    assert sorted(names(get(client, world, matched="unmatched"))) == [
        "bo@example.com",
        "other@example.com",
    ]
    # A pair that ended does not count as matched.
    world.pair.status = "completed"
    world.pair.save()
    assert names(get(client, world, matched="matched")) == []
    # Filters combine.
    assert names(get(client, world, matched="unmatched", role="mentor")) == ["mentor@example.com"]
    html = get(client, world, q="nobody-at-all").content.decode()
    assert "Nobody matches these filters" in html


def test_nonsense_filters_are_ignored_not_errors(client, world):
    response = get(client, world, role="x", status="<b>", skill="abc", matched="maybe", page="zz")
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_htmx_request_gets_only_the_results(client, world):
    client.force_login(world.admin)
    url = reverse("programs:participants", args=[world.program.slug])
    response = client.get(url, {"q": "theo"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="participant-results">')
    assert "<html" not in html and "mentee@example.com" in html and "mentor@example.com" not in html
    assert "HX-Request" in response["Vary"]
    # Going back in history gets the whole page.
    restore = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()
    # The full page keeps a real form and links, so it works without JavaScript.
    full = client.get(url).content.decode()
    assert (
        f'action="{url}"' in full
        and 'hx-get="' in full
        and 'hx-target="#participant-results"' in full
    )


def test_paging_works_without_javascript(client, world):
    for i in range(30):
        make_participant(
            world.program, make_user(f"p{i:02d}@example.com", display_name=f"Person {i:02d}")
        )
    first = get(client, world, role="mentee")
    assert len(names(first)) == 25
    html = first.content.decode()
    assert "Page 1 of 2" in html and 'href="?role=mentee&amp;page=2"' in html
    second = get(client, world, role="mentee", page=2)
    assert len(names(second)) == 32 - 25
    assert not set(names(first)) & set(names(second))


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_participants(client, world, django_assert_num_queries):
    client.force_login(world.admin)
    url = reverse("programs:participants", args=[world.program.slug])
    small = count_queries(client, url)
    for i in range(40):
        make_participant(
            world.program,
            role="both",
            teaches=[f"Skill {i}", "SQL"],
            learns=["Go", f"L{i}"],
            department=f"D{i}",
        )
    assert count_queries(client, url) == small
    # session, user, program, admin check, skill choices, count, page, teaches, learns
    with django_assert_num_queries(9):
        client.get(url)
    sql = Skill.objects.get(program=world.program, name="SQL")
    with django_assert_num_queries(9):
        response = client.get(url, {"q": "user", "skill": sql.pk, "matched": "unmatched"})
    assert len(names(response)) == 25


def test_names_are_shown_as_text(client, world):
    make_participant(
        world.program,
        make_user("x@example.com", display_name='<img src=x onerror=alert(1)> hx-get="/x"'),
    )
    html = get(client, world).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def read_export(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("programs:export", args=[world.program.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_has_every_participant_and_round_trips_through_import(client, world):
    world.mentor.availability = [{"day": 0, "start": "09:00", "end": "10:00"}]
    world.mentor.department = "Data"
    world.mentor.save()
    rows = read_export(client, world)
    by_email = {r["email"]: r for r in rows}
    assert set(by_email) == {"mentor@example.com", "mentee@example.com", "other@example.com"}
    maya = by_email["mentor@example.com"]
    assert maya["teaches"] == "Hiring; SQL" and maya["role"] == "mentor"
    assert maya["availability"] == "Mon 09:00-10:00" and maya["department"] == "Data"
    from mentorship import importing

    text = "\n".join(
        [",".join(rows[0].keys())] + [",".join(f'"{v}"' for v in r.values()) for r in rows]
    )
    preview = importing.check(world.program, text.encode())
    assert preview.ok and preview.update_count == 3


@pytest.mark.parametrize(
    "evil", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
)
def test_export_neutralises_formulas(client, world, evil):
    world.mentee.goals = evil
    world.mentee.save()
    world.mentee.user.display_name = evil
    world.mentee.user.save()
    row = next(r for r in read_export(client, world) if r["email"] == "mentee@example.com")
    assert row["goals"] == "'" + evil and row["name"] == "'" + evil
