import datetime
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import redis
import time_machine
from django.utils import timezone

from mentorship import heartbeat
from mentorship.health import BROKER_TIMEOUT
from mentorship.models import WorkerHeartbeat
from notifications import outbox
from notifications.models import SentEmail
from tests.services import REDIS_URL, require_redis

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_names_each_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert "broker" in body["checks"]


def test_healthz_is_503_when_the_database_is_unreachable():
    # A real unreachable database in a separate process: nothing answers on port 1.
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://u:p@127.0.0.1:1/none"}
    env["DJANGO_SETTINGS_MODULE"] = "mentorship.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["status"] == 503
    assert out["body"]["status"] == "error"
    assert out["body"]["checks"]["database"].startswith("error")


# --- degraded: the site serves pages, but mail is at risk -------------------------------


@pytest.fixture
def with_broker(settings):
    """A broker that answers (the test's Redis) and a worker that has just beaten."""
    require_redis()
    settings.CELERY_BROKER_URL = REDIS_URL
    heartbeat.beat()
    return settings


def healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200  # degraded is still served: the database is up
    return response.json()


@pytest.mark.django_db
def test_healthz_is_ok_with_a_live_broker_and_a_recent_heartbeat(client, with_broker):
    body = healthz(client)
    assert (body["status"], body["degraded"]) == ("ok", [])
    assert body["checks"]["broker"] == "ok"
    assert body["checks"]["email"] == {"oldest_pending_seconds": 0, "failed": 0}


@pytest.mark.django_db
def test_healthz_is_degraded_when_no_worker_has_beaten_lately(client, with_broker):
    now = timezone.now()
    WorkerHeartbeat.objects.update(seen_at=now - datetime.timedelta(seconds=68 + 180))
    with time_machine.travel(now, tick=False):  # a loaded machine took a second (249 s)
        body = healthz(client)
    assert (body["status"], body["degraded"]) == ("degraded", ["worker"])
    assert "248 s ago" in body["checks"]["worker"]


@pytest.mark.django_db
def test_healthz_is_degraded_when_pending_email_has_waited_too_long(client, with_broker, world):
    outbox.record("reminder_due", "fresh", world.mentee.user, {})
    assert healthz(client)["status"] == "ok"
    old = timezone.now() - datetime.timedelta(minutes=40)
    outbox.record("reminder_due", "old", world.mentee.user, {}, now=old)
    body = healthz(client)
    assert (body["status"], body["degraded"]) == ("degraded", ["email_backlog"])
    assert 40 * 60 <= body["checks"]["email"]["oldest_pending_seconds"] < 41 * 60


@pytest.mark.django_db
def test_healthz_is_degraded_by_failed_emails_and_says_how_many(client, with_broker, world):
    for n in range(3):
        outbox.record("nudge", f"f{n}", world.mentee.user, {}, status=SentEmail.Status.FAILED)
    body = healthz(client)
    assert (body["status"], body["degraded"]) == ("degraded", ["failed_emails"])
    assert body["checks"]["email"]["failed"] == 3


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["refused", "silent"])
def test_a_dead_broker_is_reported_as_degraded_without_waiting_on_it(
    client, settings, silent_server, where, monkeypatch
):
    """No timed assertion: the probe must hand redis-py its short timeouts and no retries,
    and a silent broker must end in redis-py's timeout (not a hang)."""
    port = 1 if where == "refused" else silent_server
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    heartbeat.beat()
    made = []
    real_from_url = redis.Redis.from_url

    def spy(url, **kwargs):
        made.append(kwargs)
        return real_from_url(url, **kwargs)

    monkeypatch.setattr(redis.Redis, "from_url", spy)
    body = healthz(client)
    assert body["status"] == "degraded" and "broker" in body["degraded"]
    expected = "error: TimeoutError" if where == "silent" else "error: ConnectionError"
    assert body["checks"]["broker"] == expected
    (kwargs,) = made
    assert kwargs["socket_connect_timeout"] == kwargs["socket_timeout"] == BROKER_TIMEOUT <= 1
    assert kwargs["retry"].get_retries() == 0
