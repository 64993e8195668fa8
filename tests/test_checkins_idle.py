"""Idle pairs: a re-engagement email to both after the idle period (default twice the
cadence), closed after as long again with notices to both and the admins, unless either
says "we're still going" or the pair does anything."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from checkins import checkin_links
from checkins.models import PairTrack
from notifications import links
from notifications.models import SentEmail
from pairs.models import Pair
from tests.checkins_helpers import at, links_in, run, sent_to, start_pair
from tests.factories import make_session

pytestmark = pytest.mark.django_db
REENGAGE = "Still meeting with"


@pytest.fixture
def quiet(world):
    """A pair started 2 Nov; cadence 14 days, so idle after 28 days: 30 Nov 12:00."""
    world.program.checkin_first_days = 180  # no check-ins in these tests
    world.program.save()
    start_pair(world.pair)
    return world


def status(world):
    return Pair.objects.get(pk=world.pair.pk).status


def test_warned_after_twice_the_cadence_then_closed_after_as_long_again(quiet):
    assert PairTrack.objects.get(pair=quiet.pair).idle_check_at == at(2026, 11, 30, 12)
    assert run(at(2026, 11, 30, 11, 59))[1] == {"warned": 0, "closed": 0}
    assert run(at(2026, 11, 30, 12))[1] == {"warned": 1, "closed": 0}
    assert len(sent_to("mentor@example.com", REENGAGE)) == 1
    assert len(sent_to("mentee@example.com", REENGAGE)) == 1
    body = " ".join(sent_to("mentee@example.com", REENGAGE)[0].body.split())  # wrapped at 78
    assert "no session and no activity for 28 days" in body
    assert "closed on Monday 28 December" in body
    for hour in (13, 14):
        run(at(2026, 12, 1, hour))
    assert len(mail.outbox) == 2  # once
    run(at(2026, 12, 28, 11, 59))
    assert status(quiet) == "active"
    assert run(at(2026, 12, 28, 12))[1] == {"warned": 0, "closed": 1}
    assert status(quiet) == "ended"
    assert len(sent_to("mentor@example.com", "Your pair with Theo Mentee is closed")) == 1
    assert len(sent_to("mentee@example.com", "Your pair with Maya Mentor is closed")) == 1
    admin = sent_to("admin@example.com", "Idle pair closed: Maya Mentor and Theo Mentee")
    assert len(admin) == 1 and "/programs/main/pairs/" in admin[0].body
    assert not SentEmail.objects.filter(kind="pair_ended").exists()
    run(at(2027, 2, 1))
    # Then only the closing check-ins (a pair that ends gets one), nothing more.
    assert len(mail.outbox) == 7
    assert len(sent_to("mentee@example.com", "How did it go with Maya Mentor?")) == 1


def test_the_close_date_is_on_the_recipients_calendar(quiet):
    quiet.mentee.user.time_zone = "Pacific/Kiritimati"  # UTC+14: already the 29th
    quiet.mentee.user.save()
    run(at(2026, 11, 30, 12))
    assert "closed on Tuesday 29 December" in sent_to("mentee@example.com", REENGAGE)[0].body
    assert "closed on Monday 28 December" in sent_to("mentor@example.com", REENGAGE)[0].body


def test_the_programs_own_idle_period_applies_to_pairs_already_armed(quiet):
    with time_machine.travel(at(2026, 11, 10), tick=False):
        quiet.program.idle_days = 10
        quiet.program.save()  # the next round looks at every pair of the program again
    run(at(2026, 11, 10, 0, 1))
    assert mail.outbox == []
    assert PairTrack.objects.get(pair=quiet.pair).idle_check_at == at(2026, 11, 12)
    run(at(2026, 11, 12))
    assert len(sent_to("mentee@example.com", REENGAGE)) == 1


def test_activity_moves_the_idle_check_on(quiet):
    with time_machine.travel(at(2026, 11, 20, 15), tick=False):
        make_session(quiet.pair, when=at(2026, 11, 20, 15))
    run(at(2026, 11, 30, 12))
    assert mail.outbox == []
    assert PairTrack.objects.get(pair=quiet.pair).idle_check_at == at(2026, 12, 18, 15)


def test_still_going_by_post_keeps_the_pair_open(client, quiet):
    run(at(2026, 11, 30, 12))
    client.force_login(quiet.mentee.user)
    with time_machine.travel(at(2026, 12, 3, 12), tick=False):
        html = client.get(reverse("home")).content.decode()
        assert "has been quiet for a while" in html
        client.post(reverse("checkins:still_going", args=[quiet.pair.pk]), {"next": "dashboard"})
        assert "has been quiet for a while" not in client.get(reverse("home")).content.decode()
    run(at(2026, 12, 28, 12))
    assert status(quiet) == "active"
    # A new idle period starts from the "still going".
    assert PairTrack.objects.get(pair=quiet.pair).idle_check_at == at(2026, 12, 31, 12)


def test_still_going_from_the_email_link_confirms_then_acts(client, quiet):
    run(at(2026, 11, 30, 12))
    url = next(u for u in links_in(sent_to("mentor@example.com", REENGAGE)[0])
               if "/still-going/" in u)  # fmt: skip
    path = url.removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(at(2026, 12, 2, 12), tick=False):
        page = client.get(path)
        assert page.status_code == 200 and "We&#x27;re still going" in page.content.decode()
        assert PairTrack.objects.get(pair=quiet.pair).idle_warned_at is not None
        response = client.post(path)
    assert "Your pair stays open" in response.content.decode()
    run(at(2026, 12, 28, 12))
    assert status(quiet) == "active"


def test_still_going_after_the_pair_was_closed_says_so(client, quiet):
    run(at(2026, 11, 30, 12))
    run(at(2026, 12, 28, 12))
    with time_machine.travel(at(2026, 12, 29), tick=False):
        url = links.make_url(checkin_links.STILL_GOING, quiet.mentee.user, quiet.pair.pk)
        response = client.post(url.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 409
    assert "cannot be kept going any more" in response.content.decode()


def test_a_paused_pair_is_not_idle(quiet):
    Pair.objects.filter(pk=quiet.pair.pk).update(status="paused")
    run(at(2026, 11, 30, 12))
    assert mail.outbox == []
    assert PairTrack.objects.get(pair=quiet.pair).idle_check_at is None


def test_a_warning_whose_pair_came_back_is_skipped(quiet):
    with time_machine.travel(at(2026, 11, 30, 12), tick=False):
        from checkins import idle

        idle.claim_idle()
    PairTrack.objects.filter(pair=quiet.pair).update(idle_warned_at=None)
    run(at(2026, 11, 30, 12, 1))
    assert mail.outbox == []
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"skipped"}


def test_default_idle_period_is_twice_the_cadence(world):
    assert world.program.idle_days_effective == 28
    world.program.cadence_days = 7
    assert world.program.idle_days_effective == 14
    world.program.idle_days = 40
    assert world.program.idle_days_effective == 40
    assert datetime.timedelta(days=40) == __import__("checkins.idle").idle.period(world.program)
