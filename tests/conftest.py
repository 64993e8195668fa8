import os

import pytest

from tests.services import REDIS_URL, require_redis

# Playwright's sync API runs an event loop in the test thread; our ORM calls there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Browser journeys: live server + Debian Chromium + SMTP sink (see tests/browser.py).
from tests.browser import *  # noqa: E402, F403


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (sign-in attempt counts live there)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Personas sign in all the time; a slow hasher only slows the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"


@pytest.fixture(scope="session")
def celery_config():
    return {
        "broker_url": REDIS_URL,
        "result_backend": REDIS_URL,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": False,
        "broker_connection_max_retries": 1,
    }


@pytest.fixture
def redis_required():
    require_redis()


@pytest.fixture
def make_user(db):
    from mentorship.models import User

    def make(email, password="correct horse battery", **extra):
        extra.setdefault("display_name", email.split("@")[0].title())
        return User.objects.create_user(email, password, **extra)

    return make


@pytest.fixture
def user(make_user):
    return make_user("owner@example.com")


@pytest.fixture
def world(db):
    from tests.factories import World

    return World()
