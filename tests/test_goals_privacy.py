"""Goal text (private goals especially), the agreement's words and agenda items never reach
admin pages, Django admin, exports, digests or another program's pages (issue 17, item 7).

Marker strings in every text field; every page and email that admins or others get is
searched for them. The pair's own members are the only ones who ever read them."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from insights import digests
from notifications import outbox as delivery
from sessions.models import AgendaItem, Agreement, Goal, Milestone
from tests.factories import make_action, make_pair, make_participant, make_user

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 9, 9, 5, tzinfo=datetime.UTC)  # a Monday: digests are due
MARKERS = (
    "MARK-PRIVATE-GOAL",
    "MARK-PRIVATE-WHY",
    "MARK-SHARED-GOAL",
    "MARK-MILESTONE",
    "MARK-AGREE-CADENCE",
    "MARK-AGREE-LEARN",
    "MARK-AGENDA",
)


@pytest.fixture
def secrets(world):
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        private = Goal.objects.create(
            pair=world.pair,
            owner=world.mentee.user,
            side="mentee",
            text="MARK-PRIVATE-GOAL",
            why="MARK-PRIVATE-WHY",
            target_on=datetime.date(2027, 3, 1),
            shared=False,
            status="reached",
        )
        shared = Goal.objects.create(
            pair=world.pair,
            owner=world.mentor.user,
            side="mentor",
            text="MARK-SHARED-GOAL",
            target_on=datetime.date(2027, 3, 1),
        )
        Milestone.objects.create(goal=private, text="MARK-MILESTONE")
        make_action(world.pair, text="Linked", goal=shared, due_on=datetime.date(2026, 11, 1))
        Agreement.objects.create(
            pair=world.pair, cadence="MARK-AGREE-CADENCE", mentee_learn="MARK-AGREE-LEARN"
        )
        AgendaItem.objects.create(
            pair=world.pair, author=world.mentee.user, side="mentee", text="MARK-AGENDA"
        )
    return {"private": private, "shared": shared}


def clean(text):
    return [m for m in MARKERS if m in text]


def test_program_admin_pages_show_counts_never_text(client, world, secrets):
    client.force_login(world.admin)
    slug = world.program.slug
    pages = [
        reverse("sessions:pair", args=[world.pair.pk]),
        reverse("health:dashboard", args=[slug]),
        reverse("health:pairs", args=[slug]),
        reverse("programs:detail", args=[slug]),
        reverse("programs:participants", args=[slug]),
        reverse("programs:person", args=[slug, world.mentee.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert clean(response.content.decode()) == [], url
    html = client.get(reverse("health:dashboard", args=[slug])).content.decode()
    assert 'data-figure="pairs-with-goals">100%' in html
    assert 'data-figure="goals-reached">1<' in html
    # The goal pages themselves: refused.
    for goal in secrets.values():
        assert client.get(reverse("sessions:goal", args=[goal.pk])).status_code == 403


def test_exports_carry_numbers_only(client, world, secrets):
    client.force_login(world.admin)
    for kind in ("pairs", "sessions", "actions"):
        response = client.get(reverse("health:export", args=[world.program.slug, kind]))
        body = b"".join(response.streaming_content).decode()
        assert clean(body) == [], kind
    response = client.get(reverse("health:export", args=[world.program.slug, "pairs"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[-10:-4] == [  # then the check-in columns
        "goals_mentor",
        "goals_mentee",
        "goals_reached",
        "agenda_questions_mentor",
        "agenda_questions_mentee",
        "agreement_confirmed_by_both",
    ]
    assert (row["goals_mentor"], row["goals_mentee"], row["goals_reached"]) == ("1", "1", "1")
    assert (row["agenda_questions_mentor"], row["agenda_questions_mentee"]) == ("0", "1")
    assert row["agreement_confirmed_by_both"] == "no"


def test_django_admin_shows_metadata_only(client, world, secrets):
    client.force_login(world.superuser)
    action = secrets["shared"].actions.get()
    for url in (
        reverse("admin:pairs_pair_delete", args=[world.pair.pk]),  # lists related rows
        reverse("admin:pairs_pair_change", args=[world.pair.pk]),
        reverse("admin:session_logs_nextaction_change", args=[action.pk]),
        reverse("admin:session_logs_nextaction_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert clean(response.content.decode()) == [], url


def test_the_digest_and_every_weekly_email_leave_them_out(world, secrets):
    with time_machine.travel(NOW, tick=False):
        digests.claim_due(NOW)
        delivery.deliver_due(NOW)
    assert [m for m in mail.outbox if m.to == ["admin@example.com"]]  # a digest went out
    for message in mail.outbox:
        assert clean(message.subject + message.body + message.alternatives[0][0]) == []


def test_another_programs_people_never_see_them(client, world, secrets):
    # A pair in the other program: its members and admin see their own program only.
    mentor = make_participant(world.other_program, make_user("om@example.com"), role="mentor")
    mentee = make_participant(world.other_program, make_user("oe@example.com"), role="mentee")
    other_pair = make_pair(mentor, mentee)
    for user, urls in (
        (world.other_admin, [
            reverse("health:dashboard", args=[world.other_program.slug]),
            reverse("health:pairs", args=[world.other_program.slug]),
            reverse("sessions:pair", args=[other_pair.pk]),
        ]),
        (mentor.user, [reverse("sessions:pair", args=[other_pair.pk]), reverse("health:growth"),
                       reverse("home")]),
        (world.other.user, [reverse("home"), reverse("health:growth")]),
    ):  # fmt: skip
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert clean(response.content.decode()) == [], (user, url)
        for goal in secrets.values():
            assert client.get(reverse("sessions:goal", args=[goal.pk])).status_code == 404
        assert client.get(reverse("sessions:agenda", args=[world.pair.pk])).status_code == 404


def test_my_growth_shows_my_goals_private_ones_included_never_my_partners(client, world, secrets):
    client.force_login(world.mentee.user)
    html = client.get(reverse("health:growth")).content.decode()
    assert "MARK-PRIVATE-GOAL" in html and "MARK-SHARED-GOAL" not in html
    client.force_login(world.mentor.user)
    html = client.get(reverse("health:growth")).content.decode()
    assert "MARK-SHARED-GOAL" in html and "MARK-PRIVATE-GOAL" not in html
