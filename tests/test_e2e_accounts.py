"""Journey in headless Chromium: a failed sign-in, a password reset by real email, sign-in.

The app runs on a live server, the email goes over SMTP to an in-process aiosmtpd sink, and
the link in it is followed in the browser. Proves the harness (tests/browser.py) end to end.
"""

import re

import pytest

from tests.browser import sign_in
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD, NEW = "old-password-123", "brand-new-pw-456"


def test_forgotten_password_journey(page, live_server, smtp_sink):
    user = make_user("ana@example.com", display_name="Ana Lopez")
    user.set_password(OLD)
    user.save()

    # A wrong password: a clear message, still on the sign-in page.
    sign_in(page, "ana@example.com", "not-my-password")
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct")
    assert page.url.endswith("/accounts/login/")

    # Forgot it: ask for a link by email.
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("ANA@example.com")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    [message] = smtp_sink.wait_for(1)
    assert message.envelope_to == ["ana@example.com"]
    assert "new Mentorship password" in message["Subject"]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", smtp_sink.text(message))
    assert link, smtp_sink.text(message)
    assert link.group(0).startswith(live_server.url)

    # Follow the link in the browser and choose a new password.
    page.goto(link.group(0))
    page.get_by_role("heading", name="Choose a new password").wait_for()
    page.get_by_label("New password:", exact=True).fill(NEW)
    page.get_by_label("New password confirmation:").fill(NEW)
    page.get_by_role("button", name="Set password").click()
    page.get_by_role("heading", name="Password set").wait_for()

    # The link works once only.
    page.goto(link.group(0))
    assert "invalid or has expired" in page.get_by_role("alert").inner_text()

    # The old password no longer works; the new one does.
    sign_in(page, "ana@example.com", OLD)
    assert page.url.endswith("/accounts/login/")
    sign_in(page, "ana@example.com", NEW)
    page.get_by_role("heading", name="Welcome, Ana Lopez").wait_for()
    assert page.url == live_server.url + "/"

    user.refresh_from_db()
    assert user.check_password(NEW)
    # Strict CSP: no inline script or style was refused anywhere on the way.
    assert page.console_errors == []


def test_too_many_failures_show_a_clear_message_in_the_browser(page, live_server):
    make_user("bo@example.com")
    for _ in range(5):
        sign_in(page, "bo@example.com", "wrong-password")
    sign_in(page, "bo@example.com", "wrong-password")
    assert "Too many failed sign-in attempts" in page.get_by_role("alert").inner_text()
    # The typed address stays so the person can go straight to a reset.
    assert page.get_by_label("Email").input_value() == "bo@example.com"
