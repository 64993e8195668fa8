"""Fixtures for browser journeys: the app on a live server, Debian Chromium, a real SMTP sink.

Registered for every test module by tests/conftest.py. A journey looks like::

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_something(page, live_server, smtp_sink):
        page.goto("/accounts/login/")          # relative to the live server
        ...

- ``browser``: one headless /usr/bin/chromium for the whole run (pytest-playwright's session
  fixture, launched with our executable and flags; never ``playwright install``). Skips when
  Chromium is missing locally, fails under CI=true (tests/services.require_chromium).
- ``page``: a fresh context (no cookies) per test, based at ``live_server.url``; console errors
  (CSP violations included) are collected on ``page.console_errors``; when the test fails a
  full-page screenshot is saved to ``test-artifacts/<test name>.png``.
- ``smtp_sink``: an in-process aiosmtpd server on a free loopback port, with Django's SMTP
  backend pointed at it (the live server runs in this process, so it sends there too).
"""

import email
import email.policy
import re
import threading
import time
from pathlib import Path

import pytest

from tests.services import CHROMIUM, free_port, require_chromium

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Overrides pytest-playwright's: Debian's Chromium, headless, quiet, loopback only."""
    require_chromium()
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
        "timeout": 30_000,
    }


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


def _failed(node):
    return any(
        getattr(getattr(node, f"_report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


def artifact_name(node):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name)[:150] + ".png"


@pytest.fixture
def page(browser, live_server, request):
    """A page in a fresh browser context, based at the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", timezone_id="UTC", service_workers="block"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    try:
        if _failed(request.node):
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / artifact_name(request.node)
            page.screenshot(path=str(path), full_page=True)
            print(f"screenshot: {path}")  # noqa: T201 - shown with the failure
    finally:
        context.close()


def sign_in(page, email_address, password):
    """Sign in through the real form; returns after the dashboard loaded."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email_address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


class SmtpSink:
    """Collects every message delivered to it; ``wait_for(n)`` blocks until n arrived."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count=1, timeout=10):
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} email(s) at the SMTP sink, got {len(self.messages)}"
                    )
                self._arrived.wait(left)
        return self.messages

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message):
        part = message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""


@pytest.fixture
def smtp_sink(settings):
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield sink
    finally:
        controller.stop()


__all__ = [
    "browser_type_launch_args",
    "page",
    "pytest_runtest_makereport",
    "smtp_sink",
]
