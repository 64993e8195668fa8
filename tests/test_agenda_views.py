"""The agenda both fill: adding (page and htmx), the log page reviewing it, the balance."""

import datetime

import pytest
from django.urls import reverse

from sessions.models import AgendaItem, Session, SessionSide
from sessions.timeline import balance
from tests.sessions_helpers import NOW, frozen  # noqa: F401

pytestmark = pytest.mark.django_db


def agenda_url(world):
    return reverse("sessions:agenda", args=[world.pair.pk])


def add(world, who, text):
    user = getattr(world, who).user
    return AgendaItem.objects.create(pair=world.pair, author=user, side=who, text=text)


def test_either_person_adds_a_question_without_javascript(client, world):
    client.force_login(world.mentor.user)
    response = client.post(agenda_url(world), {"text": "  How do you plan a sprint?  "})
    assert response.status_code == 302
    item = AgendaItem.objects.get()
    assert (item.author, item.side, item.text) == (
        world.mentor.user,
        "mentor",
        "How do you plan a sprint?",
    )
    client.force_login(world.mentee.user)
    client.post(agenda_url(world), {"text": "Mentee topic"})
    html = client.get(reverse("sessions:pair", args=[world.pair.pk])).content.decode()
    assert "How do you plan a sprint?" in html and "Mentee topic" in html


def test_htmx_gets_the_agenda_block_back(client, world):
    client.force_login(world.mentee.user)
    response = client.post(agenda_url(world), {"text": "HTMX-ITEM"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="agenda-block"' in html and "HTMX-ITEM" in html and "Added to the agenda" in html


def test_an_empty_item_gets_a_clear_message_and_nothing_is_lost(client, world):
    add(world, "mentor", "EARLIER-ITEM")
    client.force_login(world.mentee.user)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(agenda_url(world), {"text": "   "}, **headers)
        html = response.content.decode()
        assert response.status_code == 400
        assert "Write the question or topic you want to bring." in html
        assert "EARLIER-ITEM" in html
    assert AgendaItem.objects.count() == 1
    response = client.post(agenda_url(world), {"text": "x" * 501})
    assert response.status_code == 400 and AgendaItem.objects.count() == 1


def test_the_log_page_opens_with_the_agenda_and_marks_items_discussed_or_carried(client, world):
    discussed = add(world, "mentee", "DISCUSS-ME")
    carried = add(world, "mentor", "CARRY-ME")
    client.force_login(world.mentee.user)
    url = reverse("sessions:log", args=[world.pair.pk])
    html = client.get(url).content.decode()
    agenda_at = html.index('id="agenda-title"')
    assert agenda_at < html.index("DISCUSS-ME") < html.index('id="review-title"')
    body = {
        "occurred_at": (NOW - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 45,
        "format": "video",
        f"agenda-{discussed.pk}-decision": "discussed",
        f"agenda-{carried.pk}-decision": "carry",
    }
    # Marking an item discussed is enough to log a session.
    assert client.post(url, body).status_code == 302
    session = Session.objects.get(status="logged")
    discussed.refresh_from_db()
    carried.refresh_from_db()
    assert (discussed.status, discussed.discussed_in) == ("discussed", session)
    assert (carried.status, carried.carried_over) == ("open", 1)
    html = client.get(url).content.decode()
    assert "CARRY-ME" in html and "DISCUSS-ME" not in html


def test_the_balance_counts_questions_before_and_during_the_session_per_person(world):
    add(world, "mentee", "Q1")
    add(world, "mentee", "Q2")
    add(world, "mentor", "Q3")
    session = Session.objects.create(
        pair=world.pair, occurred_at=NOW - datetime.timedelta(days=1), created_by=world.mentee.user
    )
    SessionSide.objects.create(
        session=session, side="mentor", author=world.mentor.user, questions="a\nb\nc"
    )
    rows = balance(world.pair, today=NOW.date())
    month = rows[-1]
    assert (month.mentee_agenda, month.mentor_agenda) == (2, 1)
    assert (month.mentee_questions, month.mentor_questions) == (0, 3)


def test_an_ended_pair_has_no_agenda_form(client, world):
    world.pair.status = "ended"
    world.pair.save()
    client.force_login(world.mentee.user)
    response = client.post(agenda_url(world), {"text": "Too late"})
    assert response.status_code == 400 and "its agenda is closed" in response.content.decode()
    assert not AgendaItem.objects.exists()
