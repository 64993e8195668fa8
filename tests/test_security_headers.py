"""Security headers: CSP, HSTS, referrer policy, frame options, in production settings.

The production check runs in a subprocess with DJANGO_ENV=production (the real settings
module, not an override), static files collected as a deployment would.
"""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.test_config import manage, prod_env

ROOT = Path(__file__).resolve().parent.parent
HOST = "mentorship.example.com"

PROBE = """
import json
from django.test import Client
c = Client()
out = {}
for name, path, secure in [
    ("login", "/accounts/login/", True),
    ("healthz", "/healthz", True),
    ("plain_http", "/accounts/login/", False),
]:
    r = c.get(path, secure=secure, HTTP_HOST="HOSTNAME")
    out[name] = {
        "status": r.status_code,
        "headers": dict(r.headers),
        "cookies": {k: dict(v) | {"secure": bool(v["secure"])} for k, v in r.cookies.items()},
    }
print("PROBE" + json.dumps(out))
""".replace("HOSTNAME", HOST)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    var = tmp_path_factory.mktemp("prod-var")
    env = prod_env(
        MENTORSHIP_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var}/db.sqlite3",
        ALLOWED_HOSTS=HOST,
    )
    collected = manage("collectstatic", "--noinput", "-v0", env=env, timeout=120)
    assert collected.returncode == 0, collected.stderr
    result = manage("shell", "-c", PROBE, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.split("PROBE", 1)[1])


def csp_directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_production_sends_a_strict_content_security_policy(production):
    page = production["login"]
    assert page["status"] == 200
    csp = csp_directives(page["headers"]["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval
    assert csp["style-src"] == ["'self'"]  # no inline style
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_production_sends_hsts_referrer_policy_frame_options(production):
    for name in ("login", "healthz"):
        headers = production[name]["headers"]
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Content-Security-Policy" in headers


def test_production_redirects_plain_http_and_marks_cookies_secure(production):
    plain = production["plain_http"]
    assert plain["status"] == 301
    assert plain["headers"]["Location"] == f"https://{HOST}/accounts/login/"
    csrf = production["login"]["cookies"]["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"


def test_development_pages_also_carry_the_csp_and_frame_options(client, db):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script> (use static/js/)"),
    (re.compile(r"\sstyle=[\"']", re.I), 'style="" attribute (use a class in site.css)'),
    (re.compile(r"<style[\s>]", re.I), "<style> element (use site.css)"),
    (re.compile(r"\shx-on[:\-]", re.I), "hx-on attribute (inline JS)"),
    (re.compile(r"\son[a-z]+=[\"']", re.I), "event handler attribute (inline JS)"),
    (re.compile(r"href=[\"']javascript:", re.I), "javascript: link"),
]


def page_templates():
    # Emails are read in mail clients, not under our CSP: inline styles are fine there.
    return sorted(
        p
        for p in (ROOT / "templates").rglob("*.html")
        if "emails" not in p.relative_to(ROOT / "templates").parts
    )


def test_page_templates_need_nothing_the_csp_blocks():
    found = []
    for template in page_templates():
        text = template.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert not found, "the strict CSP would block these:\n" + "\n".join(found)
    assert len(page_templates()) >= 5


def _directives(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_signed_in_pages_are_private_and_never_stored(client, world):
    """Issue 15 item 7: `/`, pair pages and growth sent no Cache-Control at all."""
    client.force_login(world.mentee.user)
    for url in (
        reverse("home"),
        reverse("sessions:pair", args=[world.pair.pk]),
        reverse("health:growth"),
        reverse("emails:preferences"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= _directives(response), url
    client.force_login(world.admin)
    for url in (
        reverse("programs:detail", args=["main"]),
        reverse("programs:participants", args=["main"]),
        reverse("health:dashboard", args=["main"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= _directives(response), url


def test_views_with_their_own_cache_control_keep_it(client, world):
    client.force_login(world.mentee.user)
    response = client.get(reverse("sessions:log", args=[world.pair.pk]))  # never_cache
    assert "max-age=0" in _directives(response) and "no-store" in _directives(response)


def test_anonymous_public_pages_get_no_private_header(client, db):
    response = client.get(reverse("password_reset_done"))
    assert response.status_code == 200 and "no-store" not in _directives(response)
