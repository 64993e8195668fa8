"""The quick log on a 390 x 844 phone, in headless Chromium: compact review rows, three
default action rows (me / my partner / both), errors summarised and focused, a side page
that does not ask again about what was just agreed, carry-over reasons on the pair page."""

import datetime

import pytest
from django.utils import timezone

from sessions.models import NextAction, Session
from tests.browser import sign_in
from tests.factories import PASSWORD, World, make_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def section_heights(page):
    return page.evaluate(
        "() => [...document.querySelectorAll('.log-form > section')]"
        ".map(s => [s.querySelector('h2').textContent.trim(), s.offsetHeight])"
    )


def test_logging_on_a_phone_is_short_and_the_side_page_too(phone, live_server):
    page = phone
    world = World()
    old = [make_action(world.pair, text=f"Earlier action {i}", owner="mentee") for i in range(3)]
    sign_in(page, "mentee@example.com", PASSWORD)
    page.goto(f"/pairs/{world.pair.pk}/log/")
    # Three default rows: me, my partner, both of us.
    owners = [page.locator(f"#id_new-{i}-owner").input_value() for i in range(3)]
    assert owners == ["mentee", "mentor", "both"]
    # A review row shows no date and no reason until "carry over" or "drop" is chosen.
    assert not page.locator(f"#id_review-{old[0].pk}-new_due").is_visible()
    assert not page.locator(f"#id_review-{old[0].pk}-reason").is_visible()
    page.locator(f"#id_review-{old[0].pk}-decision_2").check()  # carry over
    assert page.locator(f"#id_review-{old[0].pk}-new_due").is_visible()
    page.locator(f"#id_review-{old[1].pk}-decision_3").check()  # drop
    assert page.locator(f"#id_review-{old[1].pk}-reason").is_visible()
    assert not page.locator(f"#id_review-{old[1].pk}-new_due").is_visible()
    page.locator(f"#id_review-{old[2].pk}-decision_1").check()  # done
    for i, text in enumerate(("Draft the report", "Send the dataset", "Pick the next topic")):
        page.locator(f"#id_new-{i}-text").fill(text)
    # Every section within two screens; no sideways scrolling.
    print("log sections:", section_heights(page))  # noqa: T201 - the figures for the note
    for title, height in section_heights(page):
        assert height <= 2 * PHONE["height"], (title, height)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    # Submitting with missing dates: a focused summary that links to each field.
    page.get_by_role("button", name="Save the session").click()
    page.locator("#log-error").wait_for()
    assert page.evaluate("() => document.activeElement.id") == "log-error"
    summary = page.locator("#log-error a")
    assert summary.count() >= 4  # the carry-over date and three due dates
    assert summary.first.get_attribute("href") == f"#id_review-{old[0].pk}-new_due"

    soon = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    page.locator(f"#id_review-{old[0].pk}-new_due").fill(soon)
    page.locator(f"#id_review-{old[0].pk}-reason").fill("Release week")
    page.locator(f"#id_review-{old[1].pk}-reason").fill("No longer needed")
    for i in range(3):
        page.locator(f"#id_new-{i}-due_on").fill(soon)
    page.get_by_label("Topics").fill("Reports")
    page.get_by_role("button", name="Save the session").click()
    page.get_by_text("Session logged.").wait_for()
    session = Session.objects.get()
    assert NextAction.objects.filter(created_in=session).count() == 3
    carried = NextAction.objects.get(pk=old[0].pk)
    assert carried.status == "open" and carried.dropped_reason == "Release week"
    text = page.locator(f"#session-{session.pk}").inner_text()
    assert "carried over to" in text and "Release week" in text and "No longer needed" in text

    # The partner adds their side: the shared part folded, the new actions not asked again.
    page.context.clear_cookies()  # sign out (on a phone the button is behind "Menu")
    sign_in(page, "mentor@example.com", PASSWORD)
    page.goto(f"/sessions/{session.pk}/side/")
    assert not page.get_by_label("Topics").is_visible()  # folded
    html = page.content()
    assert "Draft the report" not in html.split('id="review-title"')[1].split("</section>")[0]
    height = page.evaluate("() => document.documentElement.scrollHeight")
    print("side page height:", height)  # noqa: T201
    assert height <= 2500, height
