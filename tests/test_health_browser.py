"""Journey in headless Chromium: the admin changes the period and nudges a stalled pair.

Proves, in a real browser under the strict CSP, that the period form swaps only the
dashboard body (no reload), a bad date gets a message, and "Nudge both people" swaps in
"Nudged just now" while each member of the pair gets one email over SMTP.
"""

import datetime

import pytest
from django.utils import timezone

from tests.browser import sign_in
from tests.factories import PASSWORD, World, make_pair, make_participant
from tests.health_data import logged_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_change_period_and_nudge_without_reload(page, live_server, smtp_sink, settings):
    settings.HEALTH_CACHE_SECONDS = 0
    world = World()
    logged_session(world.pair, timezone.now() - datetime.timedelta(days=40))
    quiet = make_pair(
        make_participant(world.program, role="mentor"),
        make_participant(world.program, role="mentee"),
        started_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    sign_in(page, "admin@example.com", PASSWORD)
    page.goto(f"/programs/{world.program.slug}/health/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => { window.__noReload = 7; return window.__noReload; }") == 7
    assert page.locator("svg.chart:visible").count() == 4  # the narrow ones are for phones

    # A preset: the select's change alone fetches the new body.
    page.get_by_label("Period", exact=True).select_option("30")
    start = (timezone.localdate() - datetime.timedelta(days=29)).strftime("%-d %b %Y")
    page.get_by_role("heading", name=f"From {start}", exact=False).wait_for()
    assert "preset=30" in page.url  # the address can be shared or bookmarked
    first_day = (timezone.localdate() - datetime.timedelta(days=29)).isoformat()
    assert page.get_by_label("From", exact=True).input_value() == first_day
    assert page.evaluate("() => window.__noReload") == 7

    # Custom dates the wrong way round: a clear message, in place.
    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("From", exact=True).fill("2026-10-10")
    page.get_by_label("To", exact=True).fill("2026-10-01")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("The end date is before the start date.").wait_for()
    assert page.evaluate("() => window.__noReload") == 7

    # Nudge the long-quiet pair: feedback swapped in, both people emailed.
    row = page.locator("tr", has_text=quiet.mentor.user.name)
    row.get_by_role("button", name="Nudge both people").click()
    row.get_by_text("Nudged just now").wait_for()
    assert page.evaluate("() => window.__noReload") == 7
    messages = smtp_sink.wait_for(2)
    assert sorted(m.envelope_to[0] for m in messages) == sorted(
        [quiet.mentor.user.email, quiet.mentee.user.email]
    )
    assert page.console_errors == []
