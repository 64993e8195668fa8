"""Shared by the session page tests: quick hashing, a frozen clock, personas, a logged session.

Import the fixtures by name into a test module (`# noqa: F401`): they are autouse there.
"""

import datetime

import pytest
import time_machine

from sessions.models import SessionSide
from tests.factories import make_session

NOW = datetime.datetime(2026, 11, 10, 15, 0, tzinfo=datetime.UTC)

# The status each of World.personas() gets on a page only the pair's members may use
# (program admins and superusers: 403, as they may only read the pair).
MEMBERS_ONLY = {
    "anonymous": 302,
    "mentor": 200,
    "mentee": 200,
    "other_participant": 404,
    "program_admin": 403,
    "other_program_admin": 404,
    "stranger": 404,
    "superuser": 403,
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def each_persona(client, world):
    """Yield (name, user) of World.personas(), the client signed in as each in turn."""
    for name, user in world.personas().items():
        client.logout()
        if user:
            client.force_login(user)
        yield name, user


def logged_by_mentee(world, when, **fields):
    """A session the mentee logged, with their side (MENTEE-LEARNED, MENTEE-PRIVATE)."""
    session = make_session(world.pair, author=world.mentee.user, when=when, **fields)
    SessionSide.objects.create(
        session=session,
        side="mentee",
        author=world.mentee.user,
        learned="MENTEE-LEARNED",
        private_note="MENTEE-PRIVATE",
    )
    return session
