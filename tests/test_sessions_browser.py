"""Journey in headless Chromium: log a session with htmx-added action rows, then mark done inline.

Proves the page works in a real browser under the strict CSP: the "add another next action"
button fetches a server-rendered row without a reload, the whole form is submitted once, the
partner gets the "add your side" email over SMTP, and the dashboard marks an action done
in place.
"""

import datetime

import pytest
from django.utils import timezone

from sessions.models import NextAction, Session
from tests.browser import sign_in
from tests.factories import PASSWORD, World, make_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_a_session_with_inline_actions_then_mark_done(page, live_server, smtp_sink):
    world = World()
    old = make_action(world.pair, text="Read chapter 3", owner="mentee")
    sign_in(page, "mentee@example.com", PASSWORD)
    page.goto(f"/pairs/{world.pair.pk}/log/")
    page.wait_for_load_state("networkidle")
    marker = page.evaluate("() => { window.__noReload = 42; return window.__noReload; }")
    assert marker == 42
    assert page.locator(".new-action-row").count() == 3

    # Two more rows, fetched by htmx without a reload.
    page.get_by_role("button", name="Add another next action").click()
    page.locator("#new-action-new-3").wait_for()
    page.get_by_role("button", name="Add another next action").click()
    page.locator("#new-action-new-4").wait_for()
    assert page.evaluate("() => window.__noReload") == 42
    assert page.locator(".new-action-row").count() == 5

    page.locator(f"#id_review-{old.pk}-decision_1").check()  # done
    when = (timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("When").fill(when)
    page.get_by_label("Topics").fill("SQL joins")
    page.get_by_label("What I learned").fill("Left joins keep rows")
    page.get_by_label("Private note").fill("just mine")
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    page.locator("#id_new-4-text").fill("Share the hiring rubric")
    page.locator("#id_new-4-owner").select_option("mentor")
    page.locator("#id_new-4-due_on").fill(due)
    page.get_by_role("button", name="Save the session").click()
    page.get_by_text("Session logged.").wait_for()

    session = Session.objects.get()
    assert session.topics == "SQL joins"
    new = NextAction.objects.get(created_in=session)
    assert new.text == "Share the hiring rubric" and new.owner == "mentor"
    old.refresh_from_db()
    assert old.status == "done" and old.reviewed_in == session

    [message] = smtp_sink.wait_for(1)
    assert message.envelope_to == ["mentor@example.com"]
    assert f"/sessions/{session.pk}/side/" in smtp_sink.text(message)

    # The mentor marks the new action done from the dashboard, in place.
    page.context.clear_cookies()
    sign_in(page, "mentor@example.com", PASSWORD)
    page.goto("/")
    page.evaluate("() => { window.__noReload = 7; }")
    item = page.locator(f"#action-{new.pk}")
    item.get_by_role("button", name="Mark done").click()
    item.locator(".badge-ok").wait_for()
    assert page.evaluate("() => window.__noReload") == 7
    new.refresh_from_db()
    assert new.status == "done"
    assert page.console_errors == []
