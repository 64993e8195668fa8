"""Development email lands in var/outbox and is readable at /dev/outbox/."""

import re

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_on(settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "notifications.dev_outbox.OutboxBackend"


def send(subject="Hello <there>", html="<p>Hi <b>you</b></p><script>alert(1)</script>"):
    connection = get_connection("notifications.dev_outbox.OutboxBackend")
    msg = EmailMultiAlternatives(
        subject, "Plain body", to=["ana@example.com"], connection=connection
    )
    msg.attach_alternative(html, "text/html")
    msg.send()


def test_outbox_lists_and_shows_messages(client, outbox_on):
    assert b"No email yet" in client.get(reverse("dev_outbox")).content
    send()
    page = client.get(reverse("dev_outbox")).content.decode()
    assert "Hello &lt;there&gt;" in page and "ana@example.com" in page
    message_id = re.search(r"/dev/outbox/(\d{8}T[\w-]+)/", page).group(1)
    detail = client.get(reverse("dev_outbox_message", args=[message_id]))
    assert b"Plain body" in detail.content
    html = client.get(reverse("dev_outbox_html", args=[message_id]))
    assert html["Content-Security-Policy"].startswith("sandbox")


def test_outbox_is_development_only(client, settings):
    settings.DEBUG = False
    assert client.get(reverse("dev_outbox")).status_code == 404


def test_outbox_rejects_path_tricks(client, outbox_on):
    assert client.get("/dev/outbox/..%2F..%2Fsettings/").status_code == 404
