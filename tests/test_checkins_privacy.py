"""Check-in text stays with its author (and their partner, when shared): never on admin
pages, in exports, in the digest, on another program's pages or in any email (markers)."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from checkins import answers
from checkins.models import CheckIn
from insights import digests
from notifications import outbox
from tests.checkins_helpers import START, at, run, start_pair
from tests.factories import make_pair, make_participant

pytestmark = pytest.mark.django_db
MARKERS = ("learned-mk-1181", "taught-mk-2292", "change-mk-3303", "reason-mk-4414")


@pytest.fixture
def answered(world):
    """Both people answered, every text field a marker; the mentee shared, the mentor not;
    the mentor said "not a good fit" and asked for help."""
    world.program.idle_days = 365
    # "Whole program" starts at the start date, which defaults to the real today: pinned
    # before the answers so the figures below hold whatever day the suite runs on.
    world.program.start_date = START
    world.program.save()
    start_pair(world.pair)
    run(at(2026, 12, 2, 9))
    for who, score, shared, fit in (("mentee", 4, True, True), ("mentor", 2, False, False)):
        checkin = CheckIn.objects.get(pair=world.pair, user=getattr(world, who).user)
        with time_machine.travel(at(2026, 12, 2, 10), tick=False):
            answers.answer(
                checkin, checkin.user, score=score, learned=MARKERS[0], taught=MARKERS[1],
                change=MARKERS[2], good_fit=fit, fit_reason=MARKERS[3], wants_help=not fit,
                shared=shared,
            )  # fmt: skip
    return world


def assert_no_marker(text):
    for marker in MARKERS:
        assert marker not in text


def admin_pages(world):
    slug = world.program.slug
    return [
        reverse("health:dashboard", args=[slug]) + "?preset=all",
        reverse("health:pairs", args=[slug]),
        reverse("programs:participants", args=[slug]),
        reverse("programs:person", args=[slug, world.mentee.pk]),
        reverse("programs:person", args=[slug, world.mentor.pk]),
        reverse("pairs:matching", args=[slug]),
        world.pair.get_absolute_url(),
    ]


def test_admin_pages_show_figures_but_no_text(client, answered):
    client.force_login(answered.admin)
    for url in admin_pages(answered):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_marker(response.content.decode())
    with time_machine.travel(at(2026, 12, 3), tick=False):
        html = client.get(admin_pages(answered)[0]).content.decode()
    assert 'data-figure="checkin-score">3.0<' in html  # (4 + 2) / 2
    assert 'data-figure="not-fit">50%<' in html
    assert 'data-figure="help-pairs">1<' in html
    # Over time: the week of the answers holds their average (weekly buckets: a short range).
    chart = html[html.index('id="chart-checkins"') :]
    assert "Average check-in score (1 to 5)" in chart
    assert '<tr><th scope="row">30 Nov</th><td>3.0</td><td>2</td></tr>' in chart


def test_superuser_sees_no_text_either(client, answered):
    client.force_login(answered.superuser)
    for url in admin_pages(answered):
        assert_no_marker(client.get(url).content.decode())


def test_exports_carry_the_figures_and_no_text(client, answered):
    client.force_login(answered.admin)
    for kind in ("pairs", "sessions", "actions"):
        response = client.get(reverse("health:export", args=[answered.program.slug, kind]))
        body = b"".join(response.streaming_content).decode()
        assert_no_marker(body)
    response = client.get(reverse("health:export", args=[answered.program.slug, "pairs"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    row = next(r for r in rows if r["pair_id"] == str(answered.pair.pk))
    assert row["checkins_answered"] == "2"
    assert row["checkin_score_avg"] == "3.00"
    assert row["checkins_not_good_fit"] == "1"
    assert row["asking_for_help"] == "yes"


def test_the_digest_carries_no_text(answered):
    monday = datetime.datetime(2026, 12, 7, 9, 5, tzinfo=datetime.UTC)
    mail.outbox.clear()
    with time_machine.travel(monday, tick=False):
        digests.claim_due(monday)
        outbox.deliver_due(monday)
    assert mail.outbox  # the digest went out (there is something to report)
    for message in mail.outbox:
        assert_no_marker(message.body)
        assert_no_marker(message.alternatives[0][0])


def test_no_email_ever_carries_check_in_text(answered):
    run(at(2027, 3, 1))  # further rounds, idle notices, anything due
    for message in mail.outbox:
        assert_no_marker(message.body + message.alternatives[0][0])


def test_another_programs_pages_and_people_see_nothing(client, answered):
    other_mentor = make_participant(answered.other_program, role="mentor")
    other_mentee = make_participant(answered.other_program, role="mentee")
    other_pair = make_pair(other_mentor, other_mentee)
    client.force_login(answered.other_admin)
    slug = answered.other_program.slug
    for url in (
        reverse("health:dashboard", args=[slug]) + "?preset=all",
        reverse("health:pairs", args=[slug]),
        other_pair.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert_no_marker(html)
        assert "Maya Mentor" not in html
    assert client.get(answered.pair.get_absolute_url()).status_code == 404
    for user in (answered.other.user, answered.stranger):
        client.force_login(user)
        assert_no_marker(client.get(reverse("home")).content.decode())
        assert client.get(answered.pair.get_absolute_url()).status_code == 404


def test_the_partner_sees_only_what_was_shared(client, answered):
    client.force_login(answered.mentor.user)  # the mentee shared: the mentor sees it
    assert MARKERS[0] in client.get(answered.pair.get_absolute_url()).content.decode()
    client.force_login(answered.mentee.user)  # the mentor did not share
    html = client.get(answered.pair.get_absolute_url()).content.decode()
    mine = CheckIn.objects.get(user=answered.mentee.user)
    assert "What Maya Mentor shared" not in html
    assert html.count(MARKERS[0]) == 1 and mine.shared  # only the mentee's own answer
    assert MARKERS[3] not in html  # the fit reason stays on the author's form only
