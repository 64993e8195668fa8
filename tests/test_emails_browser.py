"""The reminder email as people see it, in headless Chromium at a phone's 390 px and at
1280 px: nothing wider than the screen, system fonts, a visible button per action; the
same email in the development outbox page, and the snooze page its links lead to.
Screenshots go to SCREENSHOTS_DIR (default test-artifacts/screenshots) for a reviewer."""

import datetime
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail

from notifications import links
from notifications import outbox as delivery
from pairs.models import Pair
from sessions import action_links, actions, reminders
from tests.browser import ARTIFACTS
from tests.factories import make_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ARTIFACTS / "screenshots"))
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
NOW = datetime.datetime(2026, 11, 8, 9, tzinfo=datetime.UTC)
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def reminder_email(world, settings):
    """Maya's reminder of the day: three actions in two pairs, one overdue, long words."""
    settings.SITE_URL = "https://mentoring.an-organisation-with-a-rather-long-name.example.org"
    olga = make_pair(world.mentor, world.other)
    pairs = {
        p.pk: p for p in Pair.objects.select_related("program", "mentor__user", "mentee__user")
    }
    with time_machine.travel(NOW - datetime.timedelta(days=20), tick=False):
        late = actions.create_action(
            pairs[world.pair.pk], "Send Theo the hiring rubric", "mentor",
            datetime.date(2026, 11, 5), by=world.mentor.user,
        )  # fmt: skip
        actions.create_action(
            pairs[world.pair.pk], "Pick a book to read together: Designing Data-Intensive "
            "Applications or Database Internals (chapters 1-3)", "both",
            datetime.date(2026, 11, 10), by=world.mentor.user,
        )  # fmt: skip
        actions.create_action(
            pairs[olga.pk], "Review Olga's CV and the cover letter for the analytics role",
            "mentor", datetime.date(2026, 11, 10), by=world.mentor.user,
        )  # fmt: skip
    # The late one's follow-up falls on the same day as the others' lead reminder.
    type(late).objects.filter(pk=late.pk).update(next_reminder_at=NOW)
    with time_machine.travel(NOW, tick=False):
        reminders.claim_due(NOW)
        delivery.deliver_due(NOW)
    # None with the development outbox's backend: the email is a file there.
    return next((m for m in mail.outbox if m.to == ["mentor@example.com"]), None)


def check_fits(page, name, width):
    assert page.evaluate(OVERFLOW), f"{name} is wider than {width} px"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def test_the_reminder_email_fits_a_phone_and_a_desktop(browser, world, settings):
    message = reminder_email(world, settings)
    assert message.subject == "3 actions need you (1 overdue)"
    html = message.alternatives[0].content
    for size in WIDTHS.values():
        context = browser.new_context(viewport=size)
        page = context.new_page()
        try:
            page.set_content(html)
            check_fits(page, "email-reminder", size["width"])
            buttons = page.locator("a.email-button")
            assert buttons.count() == 3
            for n in range(3):
                box = buttons.nth(n).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
                assert box["height"] >= 40  # a thumb's target
            font = page.evaluate(
                "getComputedStyle(document.querySelector('.email-body')).fontFamily"
            )
            assert "serif" not in font.replace("sans-serif", "")
            card = page.evaluate(
                "document.querySelector('.email-body').closest('table').getBoundingClientRect().width"
            )
            assert card <= min(600, size["width"])
        finally:
            context.close()


def test_the_outbox_page_shows_the_html_email_and_long_links_wrap(page, world, settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "notifications.dev_outbox.OutboxBackend"
    reminder_email(world, settings)
    page.set_viewport_size(WIDTHS["phone"])
    page.goto("/dev/outbox/")
    page.get_by_role("link", name="3 actions need you (1 overdue)").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="HTML").is_visible()
    frame = page.frame_locator("iframe.email-html")
    assert frame.locator("a.email-button").first.is_visible()
    # The plain text holds links longer than the screen: they wrap, the page does not widen.
    assert "https://mentoring.an-organisation" in page.locator("pre.email").inner_text()
    check_fits(page, "email-outbox", 390)
    page.set_viewport_size(WIDTHS["desktop"])
    check_fits(page, "email-outbox", 1280)


def test_the_snooze_page_fits_a_phone_and_passes_axe(page, world):
    with time_machine.travel(datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)):
        action = actions.create_action(
            world.pair, "Read the SQL chapter", "mentee",
            datetime.date.today() + datetime.timedelta(days=10), by=world.mentee.user,
        )  # fmt: skip
    url = links.make_url(action_links.SNOOZE, world.mentee.user, action.pk)
    path = re.sub(r"^https?://[^/]+", "", url)
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(path)
    assert page.get_by_role("button", name=re.compile("^Tomorrow")).is_visible()
    assert page.get_by_role("button", name=re.compile("^Not before the due date")).is_visible()
    page.evaluate(AXE + "\n;0")
    serious = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)"""
    )
    assert serious == []
    check_fits(page, "email-snooze", 390)
    page.get_by_role("button", name=re.compile("^In 3 days")).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Snoozed").is_visible()
    action.refresh_from_db()
    assert action.next_reminder_at.date() == datetime.date.today() + datetime.timedelta(days=3)
