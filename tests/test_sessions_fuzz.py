"""Never a 500 on the session forms: random and malformed data, nothing saved when refused."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions.models import NextAction, Session, SessionSide
from tests.factories import make_action, make_session
from tests.hostile import HOSTILE

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
    st.sampled_from(HOSTILE),
    st.integers(19_990, 20_010).map(lambda n: "x" * n),  # around the 20,000 limit
    st.just(""),
)
NUMBER = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["", "1e9", "NaN", "-0", "0x10", "٣", "1_000", "9" * 40]),
    TEXT,
)
DATE = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(["", "2026-02-30", "0001-01-01T00:00", "9999-12-31T23:59", "31/12/2026"]),
    TEXT,
)


def state():
    return (
        sorted(Session.objects.values_list("pk", "version", "status", "shared_notes")),
        sorted(SessionSide.objects.values_list("pk", "version", "learned")),
        sorted(NextAction.objects.values_list("pk", "version", "status", "due_on", "text")),
    )


def log_fields(action_pk):
    review = f"review-{action_pk}"
    return {
        "occurred_at": DATE,
        "duration_minutes": NUMBER,
        "format": st.one_of(st.sampled_from(["video", "phone", "x"]), TEXT),
        "topics": TEXT,
        "shared_notes": TEXT,
        "learned": TEXT,
        "private_note": TEXT,
        "version": NUMBER,
        "side_version": NUMBER,
        "scheduled": NUMBER,
        f"{review}-decision": st.one_of(st.sampled_from(["keep", "done", "carry", "drop"]), TEXT),
        f"{review}-version": NUMBER,
        f"{review}-new_due": DATE,
        f"{review}-reason": TEXT,
        "review-99999999999999999999-version": NUMBER,
        "new-0-text": TEXT,
        "new-0-owner": st.one_of(st.sampled_from(["mentor", "mentee", "both", "x"]), TEXT),
        "new-0-due_on": DATE,
        "new-999-text": TEXT,
    }


def form_data(fields):
    maybe = {
        k: st.one_of(st.none(), v, st.lists(v, min_size=2, max_size=2)) for k, v in fields.items()
    }
    return st.fixed_dictionaries(maybe).map(lambda d: {k: v for k, v in d.items() if v is not None})


@pytest.mark.parametrize("page", ["log", "side", "schedule", "done", "row"])
def test_random_posts_never_500(world, page):
    session = make_session(world.pair, when=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    action = make_action(world.pair, text="Existing")
    urls = {
        "log": reverse("sessions:log", args=[world.pair.pk]),
        "side": reverse("sessions:side", args=[session.pk]),
        "schedule": reverse("sessions:schedule", args=[world.pair.pk]),
        "done": reverse("sessions:action_done", args=[action.pk]),
        "row": reverse("sessions:action_row", args=[world.pair.pk]),
    }
    client = Client()
    client.force_login(world.mentee.user)

    @FUZZ
    @given(data=form_data(log_fields(action.pk)))
    def run(data):
        before = state()
        if page == "row":
            response = client.get(urls[page], {"i": data.get("duration_minutes", "")})
        else:
            response = client.post(urls[page], data, headers={"HX-Request": "true"})
        assert response.status_code < 500, response.status_code
        if response.status_code not in (200, 302) or page == "row":
            assert state() == before

    run()
