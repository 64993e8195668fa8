"""A graceful way out: either person ends a pair that is not a good fit and is free to be
matched again; the admins get a task, the partner a kind message (not the usual notice)."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from checkins import way_out
from checkins.models import HelpRequest
from notifications import outbox
from notifications.models import EmailPreference, SentEmail
from pairs import pairing
from pairs.models import Exclusion, Pair
from tests.checkins_helpers import at, sent_to, start_pair

pytestmark = pytest.mark.django_db
MARKER = "yak-marker-5513"


@pytest.fixture
def started(world):
    start_pair(world.pair)
    return world


def deliver(now):
    with time_machine.travel(now, tick=False):
        outbox.deliver_due(now)


def test_either_person_ends_the_pair_and_the_admins_get_a_task(client, started):
    client.force_login(started.mentor.user)  # the mentor may ask too, not only the mentee
    url = reverse("checkins:rematch", args=[started.pair.pk])
    page = client.get(url).content.decode()
    assert "End the pair and ask to be re-matched" in page
    assert Pair.objects.get(pk=started.pair.pk).status == "active"  # GET changes nothing
    with time_machine.travel(at(2026, 12, 2, 12), tick=False):
        response = client.post(url, follow=True)
    assert "A program admin will help you find a new partner" in response.content.decode()
    pair = Pair.objects.get(pk=started.pair.pk)
    assert pair.status == "ended" and pair.ended_on.isoformat() == "2026-12-02"
    assert pair.end_reason == way_out.END_REASON  # nothing the person wrote
    assert Exclusion.objects.filter(program=started.program).count() == 1
    task = HelpRequest.objects.get(pair=pair)
    assert (task.kind, task.user) == ("rematch", started.mentor.user)
    client.force_login(started.admin)
    for page in ("health:pairs", "health:dashboard"):
        html = client.get(reverse(page, args=[started.program.slug])).content.decode()
        assert "Asked to be re-matched" in html and "Maya Mentor ↔ Theo Mentee" in html


def test_the_partner_gets_one_kind_message_and_not_the_usual_notice(client, started):
    client.force_login(started.mentee.user)
    with time_machine.travel(at(2026, 12, 2, 12), tick=False):
        client.post(reverse("checkins:rematch", args=[started.pair.pk]))
    deliver(at(2026, 12, 2, 13))
    deliver(at(2026, 12, 3, 13))
    to_partner = sent_to("mentor@example.com")
    assert [m.subject for m in to_partner] == ["A new partner for you in Main program"]
    body = " ".join(to_partner[0].body.split())  # plain text is wrapped at 78 columns
    assert "it says nothing about you" in body and "Theo Mentee" in body
    assert "Stop notices about idle or ending pairs" in body
    assert sent_to("mentee@example.com") == []  # the one who asked hears nothing by email
    assert not SentEmail.objects.filter(kind="pair_ended").exists()


def test_the_partner_who_left_the_list_gets_nothing(client, started):
    EmailPreference.objects.create(user=started.mentor.user, pair_notices=False)
    client.force_login(started.mentee.user)
    client.post(reverse("checkins:rematch", args=[started.pair.pk]))
    deliver(at(2026, 12, 3))
    assert mail.outbox == []


def test_a_rematch_run_sees_the_person_free_and_the_old_pair_excluded(client, started):
    from tests.factories import make_participant

    # Someone else the mentee could be matched with.
    make_participant(started.program, role="mentor", teaches=["SQL"], capacity=1)
    client.force_login(started.mentee.user)
    client.post(reverse("checkins:rematch", args=[started.pair.pk]))
    run = pairing.start_run(started.program, started.admin)
    pairing.run_matching(run)
    run.refresh_from_db()
    suggested = set(run.suggestions.values_list("mentor_id", "mentee_id"))
    assert (started.mentor.pk, started.mentee.pk) not in suggested
    assert any(mentee == started.mentee.pk for _mentor, mentee in suggested)


def test_a_rematch_request_on_an_ended_pair_says_so(client, started):
    client.force_login(started.mentee.user)
    url = reverse("checkins:rematch", args=[started.pair.pk])
    client.post(url)
    html = client.get(url).content.decode()
    assert "already ended early, so there is nothing to end" in html
    response = client.post(url, follow=True)
    assert "there is nothing to end" in response.content.decode()
    assert HelpRequest.objects.count() == 1 and Exclusion.objects.count() == 1


def test_only_the_two_people_may_ask(client, started):
    url = reverse("checkins:rematch", args=[started.pair.pk])
    client.force_login(started.admin)
    assert client.post(url).status_code == 403
    client.force_login(started.other.user)
    assert client.post(url).status_code == 404
    assert Pair.objects.get(pk=started.pair.pk).status == "active"


def test_an_admin_marks_the_task_handled_once(client, started):
    client.force_login(started.mentee.user)
    client.post(reverse("checkins:rematch", args=[started.pair.pk]))
    task = HelpRequest.objects.get()
    url = reverse("checkins:resolve", args=[started.program.slug, task.pk])
    client.force_login(started.admin)
    first = client.post(url, follow=True).content.decode()
    assert "Marked handled." in first and "Nobody is asking for help right now." in first
    assert "already marked it handled" in client.post(url, follow=True).content.decode()
    task.refresh_from_db()
    assert task.resolved_by == started.admin
    client.force_login(started.other_admin)
    other = reverse("checkins:resolve", args=["other", task.pk])
    assert client.post(other).status_code == 404
