"""Answering a check-in: one-click scores from the email (GET confirms, POST saves), the
signed-in page, a second answer updates, a closed check-in says why, privacy by default."""

import re

import pytest
import time_machine
from django.urls import reverse

from checkins import checkin_links
from checkins.models import CheckIn, HelpRequest
from pairs import lifecycle
from tests.checkins_helpers import at, links_in, run, sent_to, start_pair

pytestmark = pytest.mark.django_db
MARKER = "zebra-marker-7731"


@pytest.fixture
def opened(world):
    world.program.idle_days = 365
    world.program.save()
    start_pair(world.pair)
    run(at(2026, 12, 2, 9))
    return world


def mine(world, who="mentee"):
    user = getattr(world, who).user
    return CheckIn.objects.get(pair=world.pair, user=user)


def answer_data(score=4, **extra):
    return {"score": score, "learned": "", "taught": "", "change": "", "good_fit": "yes",
            "fit_reason": "", **extra}  # fmt: skip


def test_a_one_click_score_shows_the_form_prefilled_and_saves_nothing_until_post(client, opened):
    message = sent_to("mentee@example.com")[0]
    four = [u for u in links_in(message) if "/checkins/answer/" in u][3]
    path = four.removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(at(2026, 12, 2, 9, 30), tick=False):  # before the link expires
        page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<input type="radio" name="score" value="4"[^>]*checked', html)
    assert "nothing is saved until you do" in html
    assert mine(opened).answered_at is None  # GET never changes anything
    with time_machine.travel(at(2026, 12, 2, 10), tick=False):
        response = client.post(path, answer_data(4, learned="How to review"))
    assert response.status_code == 302
    checkin = mine(opened)
    assert (checkin.score, checkin.learned, checkin.good_fit) == (4, "How to review", True)
    assert checkin.answered_at == at(2026, 12, 2, 10)


def test_answering_twice_updates_the_same_check_in(client, opened):
    checkin = mine(opened)
    client.force_login(opened.mentee.user)
    url = reverse("checkins:answer", args=[checkin.pk])
    with time_machine.travel(at(2026, 12, 2, 10), tick=False):
        client.post(url, answer_data(2, change="Meet more often"))
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):
        response = client.post(url, answer_data(5, change="Nothing"), follow=True)
    assert "Your check-in is updated." in response.content.decode()
    rows = CheckIn.objects.filter(pair=opened.pair, user=opened.mentee.user)
    assert rows.count() == 1
    only = rows.get()
    assert (only.score, only.change, only.answered_at) == (5, "Nothing", at(2026, 12, 2, 10))


def test_bad_input_gets_a_clear_message_and_nothing_is_lost(client, opened):
    checkin = mine(opened)
    client.force_login(opened.mentee.user)
    url = reverse("checkins:answer", args=[checkin.pk])
    response = client.post(url, answer_data(9, learned="Kept text"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kept text" in html  # what they typed is still there
    assert "Select a valid choice" in html
    response = client.post(url, answer_data(3, taught="x" * 2001))
    assert response.status_code == 400
    assert mine(opened).answered_at is None


def test_a_link_for_a_pair_that_ended_says_so(client, opened):
    path = links_in(sent_to("mentee@example.com")[0])[0].removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(at(2026, 12, 5, 12), tick=False):
        lifecycle.change(opened.pair, "end", opened.mentor.user, "Moving teams")
    for method in (client.get, client.post):
        with time_machine.travel(at(2026, 12, 5, 13), tick=False):  # before the link expires
            response = method(path) if method == client.get else method(path, answer_data())
        html = response.content.decode()
        assert response.status_code == 409
        assert "ended on 5 Dec 2026" in html and "this check-in is closed" in html
    assert mine(opened).answered_at is None
    # The closing check-in, once the undo window has passed, is answerable.
    run(at(2026, 12, 5, 12, 11))
    final = CheckIn.objects.get(user=opened.mentee.user, kind="final")
    client.force_login(opened.mentee.user)
    response = client.post(reverse("checkins:answer", args=[final.pk]), answer_data(3))
    assert response.status_code == 302
    final.refresh_from_db()
    assert final.score == 3


def test_bad_and_expired_links_get_a_clear_page(client, opened):
    assert client.get(reverse("checkins:answer_link", args=["nonsense"])).status_code == 400
    checkin = mine(opened)
    with time_machine.travel(at(2026, 12, 2, 9), tick=False):
        url = checkin_links.answer_url(opened.mentee.user, checkin, 3)
    path = url.removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(at(2027, 3, 1), tick=False):
        response = client.get(path)
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_only_the_author_opens_a_check_in(client, opened):
    url = reverse("checkins:answer", args=[mine(opened).pk])
    for user in (opened.mentor.user, opened.admin, opened.other.user, opened.other_admin):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_asking_for_help_opens_one_task_for_the_admins(client, opened):
    client.force_login(opened.mentee.user)
    url = reverse("checkins:answer", args=[mine(opened).pk])
    client.post(url, answer_data(2, wants_help="on", fit_reason=MARKER))
    client.post(url, answer_data(2, wants_help="on"))
    assert HelpRequest.objects.filter(pair=opened.pair, kind="help").count() == 1
    client.force_login(opened.admin)
    html = client.get(reverse("health:pairs", args=[opened.program.slug])).content.decode()
    assert "Pairs asking for help" in html and "Asked for help" in html
    assert MARKER not in html


def test_answers_are_private_unless_shared(client, opened):
    client.force_login(opened.mentee.user)
    url = reverse("checkins:answer", args=[mine(opened).pk])
    client.post(url, answer_data(4, learned=MARKER))
    pair_url = opened.pair.get_absolute_url()
    assert MARKER in client.get(pair_url).content.decode()  # my own answers
    client.force_login(opened.mentor.user)
    assert MARKER not in client.get(pair_url).content.decode()
    client.force_login(opened.mentee.user)
    client.post(url, answer_data(4, learned=MARKER, shared="on"))
    client.force_login(opened.mentor.user)
    html = client.get(pair_url).content.decode()
    assert MARKER in html and "What Theo Mentee shared" in html
    client.force_login(opened.admin)
    assert MARKER not in client.get(pair_url).content.decode()


def test_the_dashboard_shows_the_check_in_until_it_is_answered(client, opened):
    client.force_login(opened.mentee.user)
    with time_machine.travel(at(2026, 12, 2, 10), tick=False):
        html = client.get(reverse("home")).content.decode()
        assert "Check-ins to answer" in html and "How is it going with Maya Mentor?" in html
        client.post(reverse("checkins:answer", args=[mine(opened).pk]), answer_data(4))
        assert "Check-ins to answer" not in client.get(reverse("home")).content.decode()


def test_an_answered_check_in_is_not_emailed_again(opened):
    from notifications.models import SentEmail

    checkin = mine(opened, "mentor")
    SentEmail.objects.filter(user=opened.mentor.user).update(status="pending")
    CheckIn.objects.filter(pk=checkin.pk).update(answered_at=at(2026, 12, 2, 9, 30), score=3)
    before = len(sent_to("mentor@example.com"))
    run(at(2026, 12, 2, 10))
    assert len(sent_to("mentor@example.com")) == before
    assert SentEmail.objects.get(user=opened.mentor.user).status == "skipped"
