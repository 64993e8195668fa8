"""Journey in headless Chromium: an admin runs matching, sees the draft list with reasons,
previews a swap, accepts a row without a page reload (htmx), and both people get the
introduction email over real SMTP. Strict CSP: no console errors."""

import pytest

from pairs.models import Pair
from tests.browser import sign_in
from tests.factories import PASSWORD, make_participant, make_program, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_run_review_swap_and_accept(page, live_server, smtp_sink, settings):
    settings.SITE_URL = live_server.url
    admin = make_user("admin@example.com", display_name="Ada Admin")
    program = make_program("Guild", admins=[admin], slug="guild")
    for name, role, teaches, learns in [
        ("Maya", "mentor", ["SQL"], ["Figma"]),
        ("Sam", "mentor", ["SQL", "Go"], []),
        ("Theo", "mentee", ["Figma"], ["SQL"]),
    ]:
        user = make_user(f"{name.lower()}@example.com", display_name=name)
        make_participant(program, user, role=role, teaches=teaches, learns=learns)

    sign_in(page, "admin@example.com", PASSWORD)
    page.goto("/programs/guild/matching/")
    page.get_by_role("button", name="Run matching").click()
    page.get_by_text("Maya can teach Theo: SQL · Theo can teach Maya: Figma").wait_for()

    # Swap preview: the new score shows before anything is saved.
    page.get_by_role("link", name="Swap mentor").click()
    page.get_by_label("New mentor").select_option(label="Sam")
    page.locator("#swap-preview", has_text="With Sam").get_by_text("/ 100").first.wait_for()
    page.get_by_role("link", name="Back to matching").click()

    # Accept with htmx: the row changes, the page does not reload.
    page.evaluate("window.__stillHere = true")
    page.get_by_role("button", name="Accept", exact=True).click()
    page.locator("tbody .badge-ok", has_text="Accepted").wait_for()
    assert page.evaluate("window.__stillHere") is True
    assert Pair.objects.get(mentee__user__email="theo@example.com").mentor.user.name == "Maya"

    messages = smtp_sink.wait_for(2)
    assert sorted(m.envelope_to[0] for m in messages) == ["maya@example.com", "theo@example.com"]
    assert page.console_errors == []


def test_pair_by_hand_with_the_search_fields_from_the_keyboard(page, live_server):
    admin = make_user("admin@example.com", display_name="Ada Admin")
    program = make_program("Guild", admins=[admin], slug="guild")
    for name, role in [("Maya", "mentor"), ("Sam", "mentor"), ("Theo", "mentee")]:
        user = make_user(f"{name.lower()}@example.com", display_name=name)
        make_participant(program, user, role=role, teaches=["SQL"], learns=["SQL"])

    sign_in(page, "admin@example.com", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/programs/guild/matching/")
    page.evaluate("window.__stillHere = true")
    # Typing asks for a few matches (htmx); they come as radios named for the field.
    page.get_by_role("searchbox", name="Mentor").fill("sa")
    page.locator("#mentor-choices").get_by_text("1 person found.").wait_for()
    page.get_by_role("radio", name="Sam sam@example.com").check()
    page.get_by_role("searchbox", name="Mentee").press_sequentially("the")
    page.get_by_role("radio", name="Theo theo@example.com").focus()
    page.keyboard.press("Space")
    page.locator("#manual-preview").get_by_text("/ 100").first.wait_for()
    assert page.evaluate("window.__stillHere") is True  # no reload so far
    page.get_by_role("button", name="Pair them").click()
    page.get_by_text("Sam and Theo are now paired.").wait_for()
    assert Pair.objects.get(mentee__user__email="theo@example.com").mentor.user.name == "Sam"
    assert page.console_errors == []
