"""Nothing a user types can inject HTML or htmx attributes into the session pages."""

import datetime
import re

import pytest
from django.urls import reverse

from sessions.models import NextAction, Session, SessionSide
from tests.factories import make_action, make_session
from tests.hostile import STORABLE, assert_inert, fit, payload_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", STORABLE, ids=payload_id)
def test_every_typed_field_is_inert(client, world, payload):
    session = make_session(
        world.pair,
        author=world.mentee.user,
        topics=fit(payload, Session, "topics"),
        shared_notes=payload,
    )
    for side, user in (("mentor", world.mentor.user), ("mentee", world.mentee.user)):
        SessionSide.objects.create(
            session=session,
            side=side,
            author=user,
            learned=payload,
            shared=payload,
            questions=payload,
            unsure=payload,
            private_note=payload,
        )
    text = fit(payload, NextAction, "text")
    make_action(world.pair, text=text, owner="mentor", created_in=session)
    make_action(world.pair, text=text, owner="mentee", created_in=session)
    make_action(
        world.pair,
        text=text,
        status="dropped",
        dropped_reason=payload,
        reviewed_in=session,
        due_on=datetime.date(2026, 10, 1),
    )
    client.force_login(world.mentor.user)
    pages = {
        "pair page": reverse("sessions:pair", args=[world.pair.pk]),
        "dashboard": reverse("home"),
        "side page": reverse("sessions:side", args=[session.pk]),
        "log page": reverse("sessions:log", args=[world.pair.pk]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        # A text input's value is text, even when it reads "javascript:…" (the hostile
        # checker flags that prefix in any value=, meant for URL-like attributes).
        html = re.sub(r'(<input type="text"[^>]*value=")javascript:', r"\1js-text:", html)
        assert_inert(html, payload, shown=name != "dashboard")
