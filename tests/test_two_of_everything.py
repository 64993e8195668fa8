"""Two of everything on one PostgreSQL and one Redis: two web processes (gunicorn on two
ports), two Celery workers and two beats, as several hosts behind a load balancer run.

Sign-ins and session logs go through both web processes alternately. It shows: a session
made on one web process is valid on the other (one SECRET_KEY, sessions in the database);
the sign-in limit counts attempts on both (one cache in Redis); every email (the partner's
add-your-side invitations and due reminders claimed by both beats' rounds on both workers)
reaches the SMTP sink exactly once.

Needs PostgreSQL (the processes use the test database) and redis-server (a Redis of the
test's own on a port of 6390-6399, never the shared one).
"""

import collections
import contextlib
import datetime
import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import close_old_connections
from django.utils import timezone

from notifications.models import SentEmail
from sessions import reminders
from tests.factories import PASSWORD, make_action, make_pair, make_participant
from tests.services import database_url, free_port, require_postgres, require_real_clock
from tests.smtpsink import Sink

ROOT = Path(__file__).resolve().parent.parent
ADDRESS_LIMIT = 4
LOGS = 6
REMINDERS = 5
pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class Stack:
    """Every process of the run, each in its own process group, stopped together."""

    def __init__(self, env, workdir):
        self.env, self.workdir, self.procs = env, workdir, []

    def spawn(self, name, *args, pythonpath=None):
        require_real_clock("a web, worker or beat process")
        env = dict(self.env)
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.procs.append((name, proc))
        return proc

    def web(self, name, port):
        self.spawn(name, "gunicorn", "mentorship.wsgi", "--bind", f"127.0.0.1:{port}",
                   "--workers", "2", "--log-level", "warning")  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status in (200, 503):
                    return
            time.sleep(0.3)
        raise AssertionError(f"{name} did not start: {self.log(name)}")

    def log(self, name):
        return (self.workdir / f"{name}.log").read_text()[-3000:]

    def stop(self):
        for _name, proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for _name, proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


class Browser:
    """One person's browser: cookies kept across requests, to whichever web process."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, data=None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, content

    def sign_in(self, port, email, password):
        self.request(port, "GET", "/accounts/login/")  # the CSRF cookie
        return self.request(
            port, "POST", "/accounts/login/", {"username": email, "password": password}
        )


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if predicate():
            return True
        time.sleep(0.3)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_two_workers_two_beats(world, own_redis, tmp_path):
    require_postgres()
    sink = Sink(free_port()).start()
    redis = f"redis://127.0.0.1:{own_redis.port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": f"{redis}/0",
        "CACHE_URL": f"{redis}/1",
        "SECRET_KEY": "two-of-everything-shared-secret-key-" + "x" * 20,
        "DEBUG": "false",
        "DJANGO_ENV": "development",
        "MENTORSHIP_VAR_DIR": str(tmp_path),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "LOGIN_RATE_LIMIT_ADDRESS": str(ADDRESS_LIMIT),
        "FAULTS_BEAT_EVERY": "2",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    (tmp_path / "staticfiles").mkdir()
    stack = Stack(env, tmp_path)
    ports = [free_port(), free_port()]
    try:
        for n, port in enumerate(ports):
            stack.web(f"web{n}", port)
        for n in range(2):
            worker = ["worker", "-c", "2", "-n", f"w{n}@%h", "--without-gossip", "--without-mingle"]
            stack.spawn(f"worker{n}", "celery", "-A", "mentorship", *worker, "-l", "info")
            # Beat with its sweeps every 2 s (bench/_faults_celery.py), two of them.
            stack.spawn(f"beat{n}", "celery", "-A", "_faults_celery", "beat", "-l", "info",
                        "--schedule", str(tmp_path / f"beat{n}"),
                        pythonpath=str(ROOT / "bench"))  # fmt: skip

        # A session made on one web process is valid on the other. (The suite hashes
        # passwords with a fast hasher the servers do not know: a real hash here.)
        user = world.mentee.user
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, "twoofeverything", 1000)
        user.save(update_fields=["password"])
        mentee = Browser()
        status, _ = mentee.sign_in(ports[0], world.mentee.user.email, PASSWORD)
        assert status == 302, stack.log("web0")
        for port in (ports[1], ports[0]):
            status, page = mentee.request(port, "GET", "/")
            assert status == 200 and world.mentee.user.display_name in page

        # Session logs through both, alternately: each emails the partner once.
        now = timezone.now()
        for n in range(LOGS):
            port = ports[n % 2]
            path = f"/pairs/{world.pair.pk}/log/"
            mentee.request(port, "GET", path)
            when = (now - datetime.timedelta(days=n + 1)).strftime("%Y-%m-%dT%H:%M")
            status, page = mentee.request(port, "POST", path, {
                "occurred_at": when, "duration_minutes": "45", "format": "video",
                "topics": f"Log {n}", "learned": "x", "side_version": "0",
            })  # fmt: skip
            assert status in (302, 303), page[:2000]
        # And reminders due now, which both beats' rounds offer to both workers: one
        # person each (a person gets one reminder email a day, whatever is due).
        for n in range(REMINDERS):
            pair = make_pair(make_participant(world.program, role="mentor"),
                             make_participant(world.program, role="mentee"))  # fmt: skip
            make_action(pair, text=f"Due {n}", owner="mentee", due_on=now.date(),
                        next_reminder_at=now - datetime.timedelta(minutes=1))  # fmt: skip
        expected = LOGS + REMINDERS

        def all_sent():
            rows = SentEmail.objects.exclude(kind="password_reset")
            return rows.filter(status=SentEmail.Status.SENT).count() >= expected

        assert wait_for(all_sent, 90), (
            list(SentEmail.objects.values_list("kind", "status")),
            stack.log("worker0"),
            stack.log("beat0"),
        )
        time.sleep(5)  # two more beat periods: a second send would arrive now
        ids = collections.Counter(m["Message-ID"] for m in sink.messages)
        assert len(sink.messages) == expected == SentEmail.objects.count()
        assert all(n == 1 for n in ids.values()), ids
        kinds = collections.Counter(SentEmail.objects.values_list("kind", flat=True))
        assert kinds["add_your_side"] == LOGS, kinds
        assert sum(kinds[k] for k in reminders.KINDS) == REMINDERS, kinds

        # The sign-in limit counts attempts on both web processes: ADDRESS_LIMIT failures
        # alternately, then both refuse (each alone would have allowed ADDRESS_LIMIT).
        stranger = Browser()
        for n in range(ADDRESS_LIMIT):
            status, _ = stranger.sign_in(ports[n % 2], world.stranger.email, "wrong")
            assert status == 200, n
        for port in ports:
            status, page = stranger.sign_in(port, world.stranger.email, "wrong")
            assert status == 429, (port, status)
        assert re.search(r"[Tt]oo many", page)
    finally:
        stack.stop()
        sink.stop()
