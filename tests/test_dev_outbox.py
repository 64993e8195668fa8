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


REMOTE = {"REMOTE_ADDR": "203.0.113.5"}


def _outbox_urls(client):
    send()
    page = client.get(reverse("dev_outbox")).content.decode()  # from the test's own machine
    message_id = re.search(r"/dev/outbox/(\d{8}T[\w-]+)/", page).group(1)
    return [
        reverse("dev_outbox"),
        reverse("dev_outbox_message", args=[message_id]),
        reverse("dev_outbox_html", args=[message_id]),
    ]


@pytest.mark.parametrize(
    "who, extra, expected",
    [
        ("anonymous", REMOTE, 404),
        ("member", REMOTE, 404),
        ("staff", REMOTE, 404),
        ("superuser", REMOTE, 200),
        ("anonymous", {"REMOTE_ADDR": "127.0.0.1"}, 200),
        ("anonymous", {"REMOTE_ADDR": "::1"}, 200),
        # A proxy on this machine relays someone else's request: not local.
        ("anonymous", {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, 404),
    ],
)
def test_outbox_is_for_this_machine_or_superusers_even_with_debug(
    client, outbox_on, make_user, who, extra, expected
):
    urls = _outbox_urls(client)
    if who == "member":
        client.force_login(make_user("member@example.com"))
    elif who == "staff":
        client.force_login(make_user("staff@example.com", is_staff=True))
    elif who == "superuser":
        client.force_login(make_user("root@example.com", is_staff=True, is_superuser=True))
    for url in urls:
        assert client.get(url, **extra).status_code == expected, url
