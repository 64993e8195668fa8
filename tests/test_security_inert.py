"""A corpus of hostile inputs is inert on every page that shows user text.

PAGES lists each page that shows text people type, with where that text comes from. Add a
row when your page shows user text: `plant(world, payload)` stores the payload in the
fields the page shows (cut with `fit` to the field's max_length) and returns nothing;
`url(world)` is the page; `viewer` the persona who looks at it (as in the matrix).
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from mentorship.models import Participant, Program, Skill, User
from tests.hostile import HOSTILE, MARKER, STORABLE, assert_inert, fit, payload_id
from tests.test_authz_matrix import client_for, sample

pytestmark = pytest.mark.django_db


def plant_names(world, payload):
    """Display names (nav, greeting) and the program's name (dashboard)."""
    for user in (world.mentee.user, world.mentor.user, world.admin):
        user.display_name = fit(payload, User, "display_name")
        user.save(update_fields=["display_name"])
    world.program.name = fit(payload, Program, "name")
    world.program.save(update_fields=["name"])


def plant_profile(world, payload):
    """What a participant writes about themselves, and a skill name."""
    plant_names(world, payload)
    mentee = world.mentee
    mentee.goals = fit(payload, Participant, "goals")
    mentee.department = fit(payload, Participant, "department")
    mentee.save(update_fields=["goals", "department"])
    skill = mentee.teaches.first()
    skill.name = fit(payload, Skill, "name")
    skill.save(update_fields=["name"])


def plant_session(world, payload):
    """A session's shared record and a next action, on the pair."""
    from sessions.models import NextAction, Session

    plant_names(world, payload)
    session = sample(world, "session")
    session.topics = fit(payload, Session, "topics")
    session.shared_notes = fit(payload, Session, "shared_notes")
    session.save(update_fields=["topics", "shared_notes"])
    action = sample(world, "action")
    action.text = fit(payload, NextAction, "text")
    action.save(update_fields=["text"])


@dataclass
class Page:
    name: str
    url: object  # callable(world) -> url
    plant: object  # callable(world, payload)
    viewer: str = "participant"
    shown: bool = True  # the payload's text must be visible


PAGES = [
    Page("dashboard", lambda w: reverse("home"), plant_names),
    Page("pair page", lambda w: reverse("sessions:pair", args=[w.pair.pk]), plant_session),
    Page(
        "pair page as partner",
        lambda w: reverse("sessions:pair", args=[w.pair.pk]),
        plant_session,
        "partner",
    ),
    Page(
        "person page as program admin",
        lambda w: reverse("programs:person", args=["main", w.mentee.pk]),
        plant_profile,
        "program_admin",
    ),
    Page(
        "participants list",
        lambda w: reverse("programs:participants", args=["main"]),
        plant_profile,
        "program_admin",
    ),
    Page(
        "profile edit form",
        lambda w: reverse("programs:profile_edit", args=["main"]),
        plant_profile,
    ),
    Page("dashboard as program admin", lambda w: reverse("home"), plant_names, "program_admin"),
    Page("password change (nav)", lambda w: reverse("password_change"), plant_names),
    Page(
        "site admin user list",
        lambda w: reverse("admin:mentorship_user_changelist"),
        plant_names,
        "superuser",
        shown=False,  # the list shows a cut of long names
    ),
]


@pytest.mark.parametrize("shown_on", PAGES, ids=[p.name for p in PAGES])
def test_hostile_text_is_inert(shown_on, world):
    client = client_for(world, shown_on.viewer)
    failures = []
    for payload in STORABLE:
        shown_on.plant(world, payload)
        response = client.get(shown_on.url(world))
        try:
            assert response.status_code == 200, f"HTTP {response.status_code}"
            assert_inert(response.content, payload, shown=shown_on.shown)
        except AssertionError as exc:
            failures.append(f"{payload_id(payload)}: {exc}")
    assert not failures, f"{shown_on.name}:\n" + "\n".join(failures)


# --- the checker itself must catch what it is meant to catch ---------------------------


@pytest.mark.parametrize(
    "injected",
    [
        f"<p><script>alert('{MARKER}')</script></p>",
        f"<p><img src=x onerror=alert('{MARKER}')></p>",
        f"<p><a href=\"javascript:alert('{MARKER}')\">x</a></p>",
        f'<p><div hx-get="/admin/?{MARKER}" hx-trigger="load">x</div></p>',
        f"<p><div hx-on:load=\"alert('{MARKER}')\">x</div></p>",
        f'<p><input value="x" {MARKER}=1></p>',
    ],
)
def test_the_checker_catches_injections(injected):
    with pytest.raises(AssertionError):
        assert_inert(f"<html><body>{injected}</body></html>", injected[3:-4])


def test_the_checker_accepts_escaped_text_and_text_attributes():
    payload = f"<script>alert('{MARKER}')</script>"
    escaped = "&lt;script&gt;alert(&#x27;" + MARKER + "&#x27;)&lt;/script&gt;"
    assert_inert(f'<p>{escaped}</p><input value="{escaped}">', payload)


def test_the_corpus_covers_what_the_issue_names():
    joined = "\n".join(HOSTILE)
    for needle in ("<script", "onerror=", "javascript:", "hx-get", "hx-post", "hx-on"):
        assert needle in joined
    assert "{{" in joined and "{%" in joined
    assert any(len(p) >= 10_000 for p in HOSTILE)
    assert any("\x00" in p for p in HOSTILE)
    assert any("\u202e" in p for p in HOSTILE)
