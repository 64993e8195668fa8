"""Test data for the health, growth and export tests: sessions full of secret markers."""

import contextlib
import datetime

import pytest
import time_machine

from sessions.models import SessionSide
from tests.factories import make_action, make_pair, make_participant, make_session, make_user

MARKER = "SECRET"
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


def admins_only(allowed):
    """The status each persona of `world` gets from a page for the program's admins."""
    return {
        "anonymous": 302,
        "mentor": 403,
        "mentee": 403,
        "other_participant": 403,
        "program_admin": allowed,
        "other_program_admin": 404,
        "stranger": 404,
        "superuser": allowed,
    }


@pytest.fixture
def frozen():
    """The clock stands still at NOW."""
    with time_machine.travel(NOW, tick=False):
        yield


def secret(field):
    return f"{MARKER}-{field.upper()}"


def side(session, role, **fields):
    """A side with every text field filled with a marker, unless given."""
    author = session.pair.mentor.user if role == "mentor" else session.pair.mentee.user
    values = {
        name: secret(f"{name}-{role}")
        for name in ("learned", "shared", "questions", "unsure", "private_note")
    }
    values.update(fields)
    return SessionSide.objects.create(session=session, author=author, side=role, **values)


def logged_session(pair, when, *, sides=("mentor", "mentee"), **extra):
    extra.setdefault("topics", secret("topics"))
    extra.setdefault("shared_notes", secret("shared-notes"))
    session = make_session(pair, when=when, **extra)
    for role in sides:
        side(session, role)
    return session


def populate(world, *, pairs=1, sessions_per_pair=2, actions_per_pair=3):
    """Adds secret-laden sessions and actions to world.pair and `pairs - 1` more pairs."""
    all_pairs = [world.pair]
    for _ in range(pairs - 1):
        mentor = make_participant(world.program, make_user(), role="mentor")
        mentee = make_participant(world.program, make_user(), role="mentee")
        all_pairs.append(make_pair(mentor, mentee))
    for pair in all_pairs:
        pair.end_reason = secret("end-reason")
        pair.save(update_fields=["end_reason"])
        for i in range(sessions_per_pair):
            session = logged_session(pair, NOW - datetime.timedelta(days=3 + 7 * i))
            for j in range(actions_per_pair):
                status = ("open", "done", "dropped")[j % 3]
                make_action(
                    pair,
                    text=secret("action-text"),
                    owner=("mentor", "mentee", "both")[j % 3],
                    due_on=(NOW - datetime.timedelta(days=2 + i)).date(),
                    status=status,
                    done_at=NOW - datetime.timedelta(days=1) if status == "done" else None,
                    dropped_reason=secret("dropped-reason") if status == "dropped" else "",
                    created_in=session,
                )
    return all_pairs


@pytest.fixture(autouse=True)
def health_settings(settings):
    """The dashboard's one-minute cache is off unless a test turns it on."""
    from django.core.cache import cache

    settings.HEALTH_CACHE_SECONDS = 0
    cache.clear()
    yield
    with contextlib.suppress(Exception):  # a test may point the cache at a dead server
        cache.clear()
