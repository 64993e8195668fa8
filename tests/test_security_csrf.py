"""CSRF is enforced on every state-changing request, htmx included.

Walks every row of the authorization matrix that takes POST (tests/test_authz_matrix.py,
`post=`): with CSRF checks on, a POST without a token is refused with 403; the same POST
with the token in the X-CSRFToken header, read from <body hx-headers> exactly as htmx
sends it, gets the outcome the matrix expects. New POST URLs join as their rows do.
"""

import html
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_authz_matrix import (
    ALL,
    MATRIX,
    PERSONAS,
    _row_for,
    client_for,
    concrete_url,
    outcome_of,
)

pytestmark = pytest.mark.django_db

PREFERRED = ["participant", "program_admin", "superuser", "anonymous", *PERSONAS]


def htmx_token(client, signed_in):
    """The token htmx sends: the JSON in <body hx-headers> of a page of ours."""
    page = client.get(reverse("home" if signed_in else "login"))
    assert page.status_code == 200
    found = re.search(rb"<body hx-headers='([^']*)'", page.content)
    assert found, "base.html must carry the CSRF token on <body hx-headers>"
    headers = json.loads(html.unescape(found.group(1).decode()))
    return headers["X-CSRFToken"]


# Admin model pages are Django's own (checked by ADMIN_MODEL_ROW for GET only).
# API rows authenticate with a bearer token, never a cookie, so CSRF does not apply to them
# (tests/test_api_v1.py: a session cookie alone gets 401 there).
POSTABLE = [
    p for p in ALL if p.key in MATRIX and MATRIX[p.key].post is not None and not MATRIX[p.key].api
]


@pytest.mark.parametrize("pattern", POSTABLE, ids=[p.key for p in POSTABLE])
def test_post_needs_the_token_and_the_htmx_header_is_enough(pattern, world):
    row = _row_for(pattern, world)
    persona = next(p for p in PREFERRED if row.post[p] not in (403, 405))
    url = concrete_url(pattern, row, world)
    data = row.data(world) if callable(row.data) else (row.data or {})

    client = client_for(world, persona, enforce_csrf_checks=True)
    refused = client.post(url, data)
    assert refused.status_code == 403, f"POST {url} as {persona} without a token"
    assert b"CSRF" in refused.content

    token = htmx_token(client, signed_in=persona != "anonymous")
    # Only the header (no form field), as htmx sends it. (No HX-Request header: htmx
    # partials answer 200 where the matrix, for plain forms, expects a redirect.)
    accepted = client.post(url, data, HTTP_X_CSRFTOKEN=token)
    assert outcome_of(accepted) == row.post[persona], f"POST {url} as {persona} with the token"


def test_the_walk_covers_the_post_urls_that_exist_now():
    takes_post = {p.key for p in POSTABLE}
    assert {"login", "logout", "password_change", "password_reset"} <= takes_post


def test_a_wrong_token_is_refused(world):
    client = client_for(world, "participant", enforce_csrf_checks=True)
    htmx_token(client, signed_in=True)
    response = client.post(reverse("logout"), HTTP_X_CSRFTOKEN="x" * 32)
    assert response.status_code == 403
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_a_token_from_another_session_is_refused(world):
    other = Client(enforce_csrf_checks=True)
    stolen = htmx_token(other, signed_in=False)
    client = client_for(world, "participant", enforce_csrf_checks=True)
    htmx_token(client, signed_in=True)  # it has a token of its own, too
    response = client.post(reverse("logout"), HTTP_X_CSRFTOKEN=stolen)
    assert response.status_code == 403
