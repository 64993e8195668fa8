"""A program's webhook endpoints page: its admins add (https only), see the secret and
the last status, send failed deliveries again, remove after confirming."""

import pytest
from django.urls import reverse

from mentorship.models import WebhookEndpoint
from notifications import webhooks
from notifications.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def test_an_admin_adds_an_https_endpoint_and_sees_its_secret(client, world, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    client.force_login(world.admin)
    url = reverse("programs:webhooks", args=[world.program.slug])
    refused = client.post(url, {"url": "http://hr.example.com/in", "format": "signed",
                                "events": ["pair.ended"], "active": "on"})  # fmt: skip
    assert refused.status_code == 422 and "https://" in refused.content.decode()
    none = client.post(url, {"url": "https://hr.example.com/in", "format": "signed"})
    assert none.status_code == 422 and not WebhookEndpoint.objects.exists()
    events = ["pair.ended", "session.logged"]
    made = client.post(url, {"url": "https://hr.example.com/in", "format": "signed",
                             "events": events, "active": "on"})  # fmt: skip
    endpoint = WebhookEndpoint.objects.get()
    assert made.status_code == 302 and made["Location"].endswith(f"/webhooks/{endpoint.pk}/")
    assert endpoint.events == ["pair.ended", "session.logged"]
    assert endpoint.created_by == world.admin and endpoint.program == world.program
    page = client.get(made["Location"]).content.decode()
    assert endpoint.secret in page and "nothing sent yet" in page


def test_the_page_shows_the_last_status_and_resends_failed(client, world):
    endpoint = WebhookEndpoint.objects.create(
        program=world.program, url="https://hr.example.com/in", events=["pair.ended"]
    )
    row_id = webhooks.record("pair.ended", "k", endpoint.target, {"pair": {"id": 1}})
    WebhookDelivery.objects.filter(pk=row_id).update(
        status="failed", attempts=6, last_status_code=503, last_error="HTTP 503 Unavailable"
    )
    client.force_login(world.admin)
    detail = reverse("programs:webhook", args=[world.program.slug, endpoint.pk])
    page = client.get(detail).content.decode()
    assert "HTTP 503" in page and "Failed" in page
    listing = client.get(reverse("programs:webhooks", args=[world.program.slug])).content.decode()
    assert "HTTP 503" in listing
    resend = reverse("programs:webhook_resend", args=[world.program.slug, endpoint.pk])
    assert client.post(resend).status_code == 302
    assert WebhookDelivery.objects.get().status == "pending"


def test_remove_asks_first(client, world):
    endpoint = WebhookEndpoint.objects.create(
        program=world.program, url="https://hr.example.com/in", events=["pair.ended"]
    )
    client.force_login(world.admin)
    url = reverse("programs:webhook_delete", args=[world.program.slug, endpoint.pk])
    assert "Remove endpoint" in client.get(url).content.decode()
    assert WebhookEndpoint.objects.exists()
    assert client.post(url).status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_another_programs_admin_and_participants_get_nothing(client, world):
    endpoint = WebhookEndpoint.objects.create(
        program=world.program, url="https://hr.example.com/in", events=["pair.ended"]
    )
    detail = reverse("programs:webhook", args=[world.program.slug, endpoint.pk])
    client.force_login(world.other_admin)
    assert client.get(detail).status_code == 404
    other = reverse("programs:webhook", args=[world.other_program.slug, endpoint.pk])
    assert client.get(other).status_code == 404
    client.force_login(world.mentee.user)
    assert client.get(detail).status_code == 403
    assert endpoint.secret not in client.get(detail).content.decode()
