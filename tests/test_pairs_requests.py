"""Self-service: top suggestions with reasons, requests, answers, expiry, refusals."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pairs import partner_requests as requests
from pairs.models import Pair, PairRequest
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


def test_suggestions_page_lists_best_partners_with_reasons(client, world):
    client.force_login(world.other.user)
    response = client.get(reverse("pairs:suggestions", args=["main"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Maya Mentor" in body and "Maya Mentor can teach you: Hiring" in body
    assert "Maya Mentor can teach Olga" not in body  # written to the viewer


@pytest.mark.parametrize("persona,status", [("stranger", 404), ("other_program_admin", 404)])
def test_suggestions_page_needs_a_participation(client, world, persona, status):
    client.force_login(world.personas()[persona])
    assert client.get(reverse("pairs:suggestions", args=["main"])).status_code == status


def test_full_participants_get_no_suggestions(world):
    world.mentee.capacity = 1
    world.mentee.save()
    assert requests.suggestions_for(world.mentee) == []


def test_request_then_accept_makes_a_pair_and_withdraws_other_requests(
    client, world, django_capture_on_commit_callbacks
):
    mentor2 = make_participant(world.program, role="mentor", teaches=["Hiring"])
    client.force_login(world.other.user)
    client.post(
        reverse("pairs:request_create", args=["main"]),
        {"recipient": world.mentor.pk, "message": "Hi <script>"},
    )
    client.post(reverse("pairs:request_create", args=["main"]), {"recipient": mentor2.pk})
    first = PairRequest.objects.get(recipient=world.mentor)
    assert first.status == "open" and first.requester_role == "mentee"
    assert first.expires_at.date() == (timezone.now() + datetime.timedelta(days=7)).date()
    client.force_login(world.mentor.user)
    page = client.get(reverse("pairs:suggestions", args=["main"])).content.decode()
    assert "Hi &lt;script&gt;" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pairs:request_respond", args=[first.pk]), {"action": "accept"})
    first.refresh_from_db()
    assert first.status == "accepted"
    pair = Pair.objects.get(mentor=world.mentor, mentee=world.other)
    assert pair.status == "active" and pair.source == "request" and first.pair == pair
    assert PairRequest.objects.get(recipient=mentor2).status == "withdrawn"
    intros = [m for m in mail.outbox if "your partner in" in m.subject]
    answered = [m for m in mail.outbox if "accepted: you are paired" in m.subject]
    assert len(intros) == 2 and [m.to for m in answered] == [["other@example.com"]]
    assert len(mail.outbox) == 3


def test_decline_and_only_the_recipient_answers(client, world):
    request = requests.create_request(world.other, world.mentor)
    client.force_login(world.other.user)
    response = client.post(
        reverse("pairs:request_respond", args=[request.pk]), {"action": "accept"}, follow=True
    )
    assert "Only the person asked can answer" in response.content.decode()
    client.force_login(world.stranger)
    assert (
        client.post(
            reverse("pairs:request_respond", args=[request.pk]), {"action": "accept"}
        ).status_code
        == 404
    )
    client.force_login(world.mentor.user)
    client.post(reverse("pairs:request_respond", args=[request.pk]), {"action": "decline"})
    request.refresh_from_db()
    assert request.status == "declined"
    assert not Pair.objects.filter(mentee=world.other).exists()


def test_requests_expire_after_the_program_days(client, world):
    world.program.request_expiry_days = 3
    world.program.save()
    with time_machine.travel("2026-11-02 09:00Z", tick=False):
        request = requests.create_request(world.other, world.mentor)
    assert request.expires_at == datetime.datetime(2026, 11, 5, 9, tzinfo=datetime.UTC)
    client.force_login(world.mentor.user)
    with time_machine.travel("2026-11-05 09:01Z", tick=False):
        response = client.post(
            reverse("pairs:request_respond", args=[request.pk]), {"action": "accept"}, follow=True
        )
    assert "This request has expired." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "expired"
    assert not Pair.objects.filter(mentee=world.other).exists()


def test_expire_task_marks_old_requests(world):
    from pairs.tasks import expire_requests

    with time_machine.travel("2026-11-02 09:00Z", tick=False):
        request = requests.create_request(world.other, world.mentor)
    with time_machine.travel("2026-11-20 09:00Z", tick=False):
        assert expire_requests.delay().get() == 1
    request.refresh_from_db()
    assert request.status == "expired"


def test_withdraw_by_the_requester_only(client, world):
    request = requests.create_request(world.other, world.mentor)
    client.force_login(world.mentor.user)
    response = client.post(reverse("pairs:request_withdraw", args=[request.pk]), follow=True)
    assert "Only the person who asked can withdraw" in response.content.decode()
    client.force_login(world.other.user)
    client.post(reverse("pairs:request_withdraw", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_bad_requests_are_refused(client, world):
    client.force_login(world.other.user)
    create = reverse("pairs:request_create", args=["main"])
    # to oneself
    response = client.post(create, {"recipient": world.other.pk}, follow=True)
    assert "You cannot send a request to yourself." in response.content.decode()
    # across programs
    outsider = make_participant(world.other_program, role="mentor")
    response = client.post(create, {"recipient": outsider.pk}, follow=True)
    assert "only ask people in your own program" in response.content.decode()
    # to a withdrawn person
    gone = make_participant(world.program, role="mentor", status="withdrawn")
    response = client.post(create, {"recipient": gone.pk}, follow=True)
    assert "is not an active participant" in response.content.decode()
    # to someone already paired with you
    client.force_login(world.mentee.user)
    response = client.post(create, {"recipient": world.mentor.pk}, follow=True)
    assert "already paired" in response.content.decode()
    # unknown id
    response = client.post(create, {"recipient": "nope"}, follow=True)
    assert "not in this program" in response.content.decode()
    assert PairRequest.objects.count() == 0


def test_a_second_open_request_between_the_same_people_is_refused(world):
    requests.create_request(world.other, world.mentor)
    with pytest.raises(requests.RequestError, match="already an open request"):
        requests.create_request(world.mentor, world.other)


def test_accept_refused_when_the_mentor_filled_up_meanwhile(client, world):
    request = requests.create_request(world.other, world.mentor)
    extra = make_participant(world.program)
    Pair.objects.create(program=world.program, mentor=world.mentor, mentee=extra, status="active")
    client.force_login(world.mentor.user)
    response = client.post(
        reverse("pairs:request_respond", args=[request.pk]), {"action": "accept"}, follow=True
    )
    assert "no capacity left" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "open"


def test_peer_program_requests_pair_people_from_one_pool(world):
    from tests.factories import make_program

    program = make_program(kind="peer")
    ana = make_participant(program, role="both", teaches=["SQL"], learns=["Go"])
    ben = make_participant(program, role="both", teaches=["Go", "Figma"], learns=["SQL"])
    cal = make_participant(program, role="both", teaches=["Cooking"], learns=["Chess"])
    top = requests.suggestions_for(ana)
    assert [other for other, _score, _card in top] == [ben]  # Cal fits nobody above the minimum
    request = requests.create_request(ana, ben)
    requests.respond(request, ben.user, accept=True)
    pair = Pair.objects.get(program=program)
    assert {pair.mentor, pair.mentee} == {ana, ben}
    assert requests.suggestions_for(cal) == []


def test_the_suggestions_page_expires_only_its_viewers_requests(client, world):
    # Another mentor, so that someone else's request exists beside the viewer's.
    mentor2 = make_participant(world.program, role="mentor", capacity=2)
    newcomer = make_participant(world.program, role="mentee")
    with time_machine.travel("2026-11-02 09:00Z", tick=False):
        mine = requests.create_request(world.other, world.mentor)
        theirs = requests.create_request(newcomer, mentor2)
    client.force_login(world.other.user)
    with time_machine.travel("2026-11-20 09:00Z", tick=False):
        assert client.get(reverse("pairs:suggestions", args=["main"])).status_code == 200
    mine.refresh_from_db()
    theirs.refresh_from_db()
    # What the page shows is current; the periodic task expires the rest.
    assert (mine.status, theirs.status) == ("expired", "open")
