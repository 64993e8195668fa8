import contextlib
import datetime
import functools
import importlib.util
import os
import shutil

import pytest
import redis
import time_machine
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import translation

from tests.own_redis import OwnRedis
from tests.services import CLOCK_AHEAD_ENV, REDIS_URL, free_port, require, require_redis
from tests.smtpsink import Sink

# Playwright's sync API runs an event loop in the test thread; our ORM calls there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Browser journeys: live server + Debian Chromium + SMTP sink (see tests/browser.py).
from tests.browser import *  # noqa: E402, F403


def pytest_addoption(parser):
    parser.addoption(
        "--days-ahead",
        type=int,
        default=0,
        help="run with this process's clock that many days ahead (make test-later)",
    )


@pytest.fixture(scope="session", autouse=True)
def _clock_ahead(request):
    """With --days-ahead, the whole session runs later than today, its clock still ticking.

    Tests pin their own instants with time_machine; one that also reads the real today (a
    default date, a signed link followed "now") passes on the day it was written and fails
    weeks later. Running ahead shows it today. Tests that travel themselves still do; other
    processes (a worker, a test identity provider) keep the real clock."""
    days = request.config.getoption("--days-ahead")
    if not days:
        yield
        return
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    os.environ[CLOCK_AHEAD_ENV] = str(days)
    try:
        with time_machine.travel(later, tick=True):
            yield
    finally:
        del os.environ[CLOCK_AHEAD_ENV]


@receiver(connection_created)
def _sqlite_readers_take_no_table_locks(sender, connection, **kwargs):
    """The in-memory SQLite test database is shared-cache: there, a read that meets another
    thread's write (a real worker, the dev beat) fails at once with "database table is
    locked", busy timeout or not. Uncommitted reads take no table locks, so they cannot."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through LocaleMiddleware leaves
    its language active in the thread, and a later test in that thread (a match run's stage
    names, say) would read French (seen in CI with a random order)."""
    translation.deactivate()
    yield
    translation.deactivate()


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
    # A queue of this process's own: test processes sharing a Redis database (xdist
    # workers, runs side by side) never take each other's tasks to the wrong test database.
    queue = f"tests-{os.getpid()}"
    yield {
        "broker_url": REDIS_URL,
        "result_backend": REDIS_URL,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": False,
        "broker_connection_max_retries": 1,
        "task_default_queue": queue,
    }
    # kombu keeps the queue's bindings in Redis; one process's queue is not worth keeping.
    with contextlib.suppress(Exception):  # Redis down: nothing was left there
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).delete(
            f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )


@pytest.fixture(scope="session")
def celery_includes():
    """Every app's tasks module, imported by the `celery_worker` fixture before it starts.

    A real-worker test must not depend on some earlier test having imported the module
    that registers its task (or the task a service queues by name): the same modules the
    project app autodiscovers, found the same way.
    """
    # Django's app registry: ready only once pytest-django has configured the settings.
    from django.apps import apps

    return [
        f"{config.name}.tasks"
        for config in apps.get_app_configs()
        if importlib.util.find_spec(f"{config.name}.tasks") is not None
    ]


@pytest.fixture(scope="session", autouse=True)
def _every_task_registered(celery_includes):
    """Import every tasks module once, before any test: shared tasks then register with
    every Celery app a test creates (the plugin's, or one with a dead broker), whatever
    ran before it and whether or not the module runs alone."""
    for module in celery_includes:
        importlib.import_module(module)


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


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit(): client.post(...)` runs what the request queued for after its
    commit (emails through the outbox), as it runs after a real request's commit."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at a port; start a sink there with .up()."""

    class Smtp:
        port = free_port()
        sink = None

        def up(self):
            self.sink = Sink(self.port).start()
            return self.sink

        def down(self):
            if self.sink:
                self.sink.stop()
                self.sink = None

    smtp = Smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_RETRY_DELAYS = [60, 300, 1800, 7200]
    yield smtp
    smtp.down()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of the test's own (it may be killed and restarted)."""
    require("redis-server", shutil.which("redis-server"), "the redis-server binary is missing")
    server = OwnRedis(tmp_path)
    require("a free port", server.port is not None, "ports 6390-6399 are all taken")
    server.start()
    yield server
    server.stop()
