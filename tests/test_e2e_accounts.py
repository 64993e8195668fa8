"""Journey in headless Chromium: a failed sign-in, a password reset by real email, sign-in.

The app runs on a live server, the email goes over SMTP to an in-process aiosmtpd sink, and
the link in it is followed in the browser. Proves the harness (tests/browser.py) end to end.
"""

import os
import re
import subprocess
import sys

import pytest

from tests.browser import ARTIFACTS, sign_in
from tests.factories import make_user
from tests.services import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD, NEW = "old-password-123", "brand-new-pw-456"


def test_forgotten_password_journey(page, live_server, smtp_sink, settings):
    settings.SITE_URL = live_server.url  # links in emails point at SITE_URL
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
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
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


def test_hostile_names_stay_text_in_a_real_browser(page, live_server):
    from tests.hostile import MARKER

    payload = f"<img src=x onerror=alert('{MARKER}')><script>alert('{MARKER}')</script>"
    user = make_user("eve@example.com", display_name=payload)
    user.set_password(OLD)
    user.save()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, "eve@example.com", OLD)
    greeting = page.get_by_role("heading", level=1).inner_text()
    assert greeting == f"Welcome, {payload}"  # shown as text, exactly
    assert page.locator("main img, main script").count() == 0
    assert dialogs == []
    assert page.console_errors == []  # nothing even tried to run (CSP would report it)


FORCED = os.environ.get("MENTORSHIP_FORCE_BROWSER_FAILURE") == "1"


@pytest.mark.skipif(not FORCED, reason="a deliberate failure, run only by the test below")
def test_deliberate_failure(page, live_server):
    page.goto("/accounts/login/")
    raise AssertionError("deliberate failure to prove the screenshot")


def test_a_failing_journey_leaves_a_screenshot():
    require_chromium()
    shot = ARTIFACTS / "test_deliberate_failure_chromium_.png"
    shot.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CI"}}
    env["MENTORSHIP_FORCE_BROWSER_FAILURE"] = "1"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{__file__}::test_deliberate_failure",
        ],
        cwd=ARTIFACTS.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "deliberate failure to prove the screenshot" in result.stdout
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 5_000  # a rendered page, not an empty image
