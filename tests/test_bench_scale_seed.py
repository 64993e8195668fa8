"""The x10 set's seed (bench/_scale_seed.py) still writes rows the app accepts.

It writes with COPY, which skips Django's defaults: a model that gains a field breaks the
seed unnoticed until someone runs the benchmark (User.language did). A tiny fraction is
seeded here into the test database and its people's pages are opened."""

import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import _scale_seed  # noqa: E402

from checkins.models import CheckIn, PairTrack  # noqa: E402
from mentorship.models import User  # noqa: E402
from pairs.models import Pair  # noqa: E402
from sessions.models import Agreement, Goal, NextAction, Session, SessionSide  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction


@pytest.fixture
def seeded():
    if connection.vendor != "postgresql":
        pytest.skip("the seed writes with PostgreSQL's COPY")
    _scale_seed.seed(0.0005, log=lambda *_: None)


def test_every_table_of_the_set_gets_rows(seeded):
    pairs = Pair.objects.count()
    assert pairs == _scale_seed.counts(0.0005)[1]
    assert Session.objects.count() == pairs * _scale_seed.SESSIONS_PER_PAIR
    assert SessionSide.objects.count() == 2 * Session.objects.count()
    assert NextAction.objects.count() == 3 * Session.objects.count()
    assert Goal.objects.count() == 4 * pairs
    assert Agreement.objects.count() == pairs
    assert CheckIn.objects.exists()
    live = Pair.objects.filter(status__in=["active", "paused"]).count()
    assert PairTrack.objects.count() == live


def test_seeded_people_and_admin_get_their_pages(seeded):
    pair = Pair.objects.filter(status="active").select_related("mentee__user").first()
    member = Client()
    member.force_login(pair.mentee.user)
    for path in ("/", f"/pairs/{pair.pk}/"):
        assert member.get(path).status_code == 200, path
    admin = Client()
    admin.force_login(User.objects.get(email=_scale_seed.ADMIN_EMAIL))
    assert admin.get(f"/programs/{pair.program.slug}/health/").status_code == 200
    # Ids after the copied ones: the app's own inserts do not collide.
    Goal.objects.create(pair=pair, owner=pair.mentee.user, side="mentee", text="x",
                        target_on=pair.started_on)  # fmt: skip


def test_extra_rows_are_added_once(seeded):
    goals = Goal.objects.count()
    _scale_seed.seed_extra(log=lambda *_: None)
    assert Goal.objects.count() == goals
