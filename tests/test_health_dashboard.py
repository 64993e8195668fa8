"""The program health dashboard: who sees it, what it shows, what it never shows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import health_data
from tests.factories import make_pair, make_participant
from tests.health_data import MARKER, NOW, admins_only, health_settings, populate  # noqa: F401

# A dashboard for a UTC viewer: session, user, program, admin check, the fixed figures in
# one statement, then on PostgreSQL the day rows and changes not folded yet in one UNION
# ALL each (two, the check-ins' figures too), on SQLite the range's figures from the rows
# (four) and the check-in score series, stalled pairs, nudged today and the open help
# requests: 10 and 13.
FIGURE_QUERIES = 10 if connection.vendor == "postgresql" else 13

pytestmark = pytest.mark.django_db
frozen = health_data.frozen  # fixture: the clock stands still at NOW

EXPECTED = admins_only(200)


def url(world, **params):
    base = reverse("health:dashboard", args=[world.program.slug])
    if params:
        base += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return base


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_persona_gets_what_they_may(client, world, frozen, persona):
    populate(world)
    user = world.personas()[persona]
    if user:
        client.force_login(user)
    response = client.get(url(world))
    assert response.status_code == EXPECTED[persona]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    # No response, whoever asks, carries any note, topic or action text.
    assert MARKER not in response.content.decode()


def test_missing_program_is_404_even_for_superuser(client, world):
    client.force_login(world.superuser)
    assert client.get("/programs/nope/health/").status_code == 404


def test_dashboard_shows_the_figures_and_no_content(client, world, frozen):
    populate(world, pairs=2)
    client.force_login(world.admin)
    html = client.get(url(world, preset="30")).content.decode()
    assert MARKER not in html
    figure = dict(re.findall(r'data-figure="([a-z-]+)">([^<]+)<', html))
    # 3 World participants + the extra pair's 2 = 5 active; 4 of them are in a pair.
    assert figure["participants"] == "5"
    assert figure["matched"] == "80%"
    assert figure["active-pairs"] == "2"
    # 2 pairs × 2 sessions in 30 days; 2 sessions/pair/30 days ≈ 2.0 per month.
    assert figure["pace"] == "2.0"
    # Per pair: 6 actions came due; 2 done; 2 open ones overdue.
    assert figure["completion"] == "33%"
    assert figure["overdue"] == "4"
    assert figure["stalled"].strip() == "0"
    assert "No stalled pairs" in html


def test_charts_are_accessible_svg_with_tables_and_no_inline_style(client, world, frozen):
    populate(world)
    client.force_login(world.admin)
    html = client.get(url(world)).content.decode()
    assert html.count("<svg") == 7  # three charts drawn wide and narrow, the check-ins one
    for key in ("chart-sessions", "chart-completion", "chart-balance", "chart-checkins"):
        assert f'<title id="{key}-title">' in html
        assert f'<desc id="{key}-desc">' in html
        assert f'aria-labelledby="{key}-title {key}-desc"' in html
    assert "patternUnits" in html  # mentees hatched, not only coloured
    assert "stroke-dasharray" in html  # the target line is dashed
    assert html.count("Show the numbers as a table") == 4
    assert not re.search(r"\sstyle=", html)
    assert "<script>" not in html


def test_htmx_request_gets_only_the_body(client, world, frozen):
    populate(world)
    client.force_login(world.admin)
    response = client.get(url(world, preset="all"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and '<form method="get"' not in html
    assert "Stalled pairs" in html and "<svg" in html
    assert "From 1 Nov 2026 to 20 Nov 2026" not in html  # program started earlier
    assert "to 20 Nov 2026" in html


def test_page_has_a_range_form_that_works_without_js(client, world, frozen):
    client.force_login(world.admin)
    html = client.get(url(world)).content.decode()
    assert 'method="get"' in html and f'action="{url(world)}"' in html
    assert 'hx-target="#health-body"' in html and 'aria-live="polite"' in html
    for field in ("id_preset", "id_start", "id_end"):
        assert f'<label for="{field}">' in html
    html = client.get(url(world, preset="custom", start="2026-11-01", end="2026-11-10"))
    assert "From 1 Nov 2026 to 10 Nov 2026" in html.content.decode()


@pytest.mark.parametrize(
    "params,message",
    [
        ({"preset": "custom", "start": "2026-11-10", "end": "2026-11-01"}, "before the start"),
        ({"preset": "custom", "start": "not-a-date", "end": "2026-11-01"}, "valid date"),
        ({"preset": "custom", "start": "2026-11-01"}, "Give both"),
        ({"preset": "custom", "start": "1900-01-01", "end": "2026-11-01"}, "after 2000"),
        ({"preset": "custom", "start": "2000-01-01", "end": "2026-11-01"}, "at most ten years"),
        ({"preset": "weird"}, "valid choice"),
    ],
)
def test_bad_dates_give_a_clear_message(client, world, frozen, params, message):
    client.force_login(world.admin)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(url(world, **params), **headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'role="alert"' in html
        assert message in html
        assert "Showing the last 90 days instead." in html


def _count_queries(client, world):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(world, preset="all")).status_code == 200
    return len(ctx.captured_queries)


def _stalled_pair(world):
    mentor = make_participant(world.program, role="mentor")
    mentee = make_participant(world.program, role="mentee")
    return make_pair(mentor, mentee, started_on=datetime.date(2026, 9, 1))


def test_query_count_is_fixed_whatever_the_size(client, world, frozen, django_assert_num_queries):
    populate(world, pairs=1, sessions_per_pair=1, actions_per_pair=1)
    _stalled_pair(world)
    client.force_login(world.admin)
    small = _count_queries(client, world)
    populate(world, pairs=6, sessions_per_pair=4, actions_per_pair=5)
    for _ in range(5):
        _stalled_pair(world)
    with django_assert_num_queries(small):
        html = client.get(url(world, preset="all")).content.decode()
    # session + user, program + admin check, the figure queries (from the rollups on
    # PostgreSQL: the viewer is on UTC, so no day is cut), nudged-today check.
    assert small == FIGURE_QUERIES
    assert html.count("Nudge both people</button>") == 6
    assert MARKER not in html


def test_figures_are_shared_for_a_minute_but_nudges_are_fresh(
    client, world, frozen, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.HEALTH_CACHE_SECONDS = 60
    populate(world)
    stalled = _stalled_pair(world)
    client.force_login(world.admin)
    first = client.get(url(world, preset="30")).content.decode()
    assert "Figures as of 12:00" in first and "at most every 60 seconds" in first
    assert first.count("Nudge both people</button>") == 1
    # Cached: session, user, program, admin check, the fresh nudged-today check and the
    # fresh help requests.
    with django_assert_num_queries(6):
        client.get(url(world, preset="30"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("health:nudge_pair", args=[world.program.slug, stalled.pk]))
    html = client.get(url(world, preset="30")).content.decode()
    assert "Nudge both people</button>" not in html and "Nudged today" in html
    # Another range is computed on its own.
    with CaptureQueriesContext(connection) as ctx:
        client.get(url(world, preset="90"))
    assert len(ctx.captured_queries) == FIGURE_QUERIES


def test_a_dead_cache_server_does_not_break_the_page(client, world, frozen, settings):
    settings.HEALTH_CACHE_SECONDS = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    client.force_login(world.admin)
    response = client.get(url(world))
    assert response.status_code == 200
    assert "Stalled pairs" in response.content.decode()


def test_stalled_pairs_show_last_activity_and_link_to_the_pair(client, world, frozen):
    from tests.health_data import logged_session

    logged_session(world.pair, NOW - datetime.timedelta(days=40))
    never = _stalled_pair(world)
    client.force_login(world.admin)
    html = client.get(url(world)).content.decode()
    assert "Maya Mentor ↔ Theo Mentee" in html
    assert "11 Oct 2026" in html and "40 days" in html  # last session, quiet for
    assert f"{never.mentor.user.name} ↔ {never.mentee.user.name}" in html
    assert "None yet, started 1 Sep 2026" in html and "80 days" in html
    nudge = reverse("health:nudge_pair", args=[world.program.slug, world.pair.pk])
    assert f'action="{nudge}"' in html and f'hx-post="{nudge}"' in html
    try:
        pair_page = reverse("sessions:pair", args=[world.pair.pk])
    except Exception:
        pair_page = None
    if pair_page:
        assert f'href="{pair_page}"' in html
    assert MARKER not in html


def test_the_form_shows_the_default_period_it_applies(client, world, frozen):
    client.force_login(world.admin)
    html = client.get(url(world)).content.decode()
    assert '<option value="90" selected>' in html
    assert 'value="2026-08-23"' in html and 'value="2026-11-20"' in html
    assert "From 23 Aug 2026 to 20 Nov 2026" in html


def test_htmx_body_keeps_the_date_fields_in_step(client, world, frozen):
    client.force_login(world.admin)
    html = client.get(url(world, preset="30"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="id_start" value="2026-10-22" hx-swap-oob="true"' in html
    bad = client.get(url(world, preset="custom", start="x", end="y"), HTTP_HX_REQUEST="true")
    assert "hx-swap-oob" not in bad.content.decode()  # the person's input stays to fix


def test_a_new_program_has_an_empty_state(client, world, frozen):
    from tests.factories import make_program

    empty = make_program("Fresh", admins=[world.admin], slug="fresh")
    client.force_login(world.admin)
    response = client.get(reverse("health:dashboard", args=[empty.slug]))
    assert response.status_code == 200
    assert "no active participants or pairs yet" in response.content.decode()
