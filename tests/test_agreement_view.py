"""The working agreement: each person writes and confirms their side; a change to the
shared terms asks the partner to confirm again; a stale form never overwrites."""

import pytest
from django.urls import reverse

from sessions.models import Agreement
from tests.sessions_helpers import frozen  # noqa: F401

pytestmark = pytest.mark.django_db


def url(world):
    return reverse("sessions:agreement", args=[world.pair.pk])


def post(client, world, **data):
    current = Agreement.objects.filter(pair=world.pair).first()
    body = {"version": current.version if current else 0, **data}
    return client.post(url(world), body)


def test_both_confirm_and_the_pages_show_who_has(client, world):
    client.force_login(world.mentee.user)
    response = post(
        client,
        world,
        cadence="Every two weeks",
        format="Video",
        learn="MENTEE-LEARN",
        teach="MENTEE-TEACH",
        confirm="on",
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.mentee_confirmed_at and not agreement.mentor_confirmed_at
    assert agreement.mentee_learn == "MENTEE-LEARN" and agreement.mentor_learn == ""
    client.force_login(world.mentor.user)
    html = client.get(url(world)).content.decode()
    assert "MENTEE-LEARN" in html and "Every two weeks" in html
    assert html.count("not confirmed yet") == 1
    post(client, world, cadence="Every two weeks", format="Video", learn="MENTOR-LEARN",
         confirm="on")  # fmt: skip
    agreement.refresh_from_db()
    assert agreement.confirmed_by_both and agreement.mentor_learn == "MENTOR-LEARN"
    html = client.get(reverse("sessions:pair", args=[world.pair.pk])).content.decode()
    assert html.count("not confirmed yet") == 0 and html.count(">confirmed<") == 2
    # The admin sees who confirmed, never the words.
    client.force_login(world.admin)
    html = client.get(reverse("sessions:pair", args=[world.pair.pk])).content.decode()
    assert html.count(">confirmed<") == 2
    assert "Every two weeks" not in html and "MENTEE-LEARN" not in html


def test_changing_the_shared_terms_asks_the_partner_again(client, world):
    client.force_login(world.mentee.user)
    post(client, world, cadence="Weekly", confirm="on")
    client.force_login(world.mentor.user)
    post(client, world, cadence="Weekly", confirm="on")
    assert Agreement.objects.get().confirmed_by_both
    post(client, world, cadence="Monthly", confirm="on")
    agreement = Agreement.objects.get()
    assert agreement.mentor_confirmed_at and agreement.mentee_confirmed_at is None


def test_a_stale_form_is_refused_and_keeps_the_text(client, world):
    client.force_login(world.mentee.user)
    post(client, world, cadence="Weekly")
    client.force_login(world.mentor.user)
    response = client.post(url(world), {"version": 0, "cadence": "MY-STALE-TEXT"})
    html = response.content.decode()
    assert response.status_code == 400 and "changed the agreement meanwhile" in html
    assert "MY-STALE-TEXT" in html
    assert Agreement.objects.get().cadence == "Weekly"


def test_confirming_nothing_is_refused(client, world):
    client.force_login(world.mentee.user)
    response = post(client, world, confirm="on")
    assert (
        response.status_code == 400 and "Write something to agree on" in response.content.decode()
    )
    assert not Agreement.objects.exists()


def test_the_log_page_asks_for_the_agreement_until_both_confirmed(client, world):
    client.force_login(world.mentee.user)
    log = reverse("sessions:log", args=[world.pair.pk])
    assert "At your first session, agree how you will work" in client.get(log).content.decode()
    post(client, world, cadence="Weekly", confirm="on")
    assert "not confirmed by both of you yet" in client.get(log).content.decode()
    client.force_login(world.mentor.user)
    post(client, world, cadence="Weekly", confirm="on")
    assert "Open the agreement" not in client.get(log).content.decode()
