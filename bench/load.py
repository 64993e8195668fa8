"""Load test on loopback: a realistic page mix against gunicorn on PostgreSQL.

    .venv/bin/python bench/load.py                          # 10 users, 15 s, 300 pairs
    .venv/bin/python bench/load.py --users 50 --duration 60 --size 2000

Seeds its own PostgreSQL database `bench_load` (dropped and created again each run, through
the `mentorship` role), starts gunicorn on a free loopback port against it, signs the
virtual users in (sessions created directly, so no password hashing skews the figures),
then has --users threads (http.client, keep-alive) request pages from MIX for --duration
seconds, each pausing --think seconds (±50%, default 1 s) between pages as a reader does;
--think 0 makes it a back-to-back stress test. Latency percentiles and the error rate go
to bench/results/load.json; the figures are printed last. Loopback only; bounded in users,
duration and requests.

MIX is the page mix: add feature pages as they land (an entry whose URL name does not
resolve yet is skipped and listed as such).
"""

import argparse
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _util import free_port, session_cookie  # noqa: E402

PG = "postgres://mentorship:mentorship@127.0.0.1:5432/"
DB_NAME = "bench_load"
RESULTS = ROOT / "bench" / "results" / "load.json"
MAX_USERS, MAX_DURATION, MAX_REQUESTS = 500, 600, 2_000_000


@dataclass
class Entry:
    name: str
    weight: int
    url_name: str  # reversed with kwargs from the virtual user's sample
    who: str  # "member" (a pair member), "admin" (program admin), "anonymous"
    method: str = "GET"
    kwargs: tuple = ()  # names taken from the user's sample: pair_id, slug, session_id
    expect: tuple = (200,)
    form: object = None  # callable(sample) -> dict, for POST


# The page mix. Weights are relative. Feature pages join here; their URL names are
# reversed at start-up, and entries that do not resolve yet are skipped (and reported).
MIX = [
    Entry("dashboard", 30, "home", "member"),
    Entry("admin dashboard", 5, "home", "admin"),
    Entry("sign-in page", 5, "login", "anonymous"),
    Entry("healthz", 2, "healthz", "anonymous"),
    Entry("pair page", 30, "sessions:pair", "member", kwargs=("pk",)),
    Entry("program health", 5, "health:dashboard", "admin", kwargs=("slug",)),
    Entry("my growth", 5, "health:growth", "member"),
    Entry("programs", 3, "programs:list", "admin"),
    # POST entries GET the page first (recorded as "<name> (form)"), keep every field as
    # rendered (CSRF token included), override the fields given by `form` (matched by
    # name or by name suffix after a formset prefix) and post it back.
    Entry(
        "log a session",
        10,
        "sessions:log",
        "member",
        "POST",
        ("pk",),
        (302, 303),
        form=lambda rng: {
            "occurred_at": (
                datetime.datetime(2026, 9, 1, 8) + datetime.timedelta(minutes=rng.randint(0, 10**5))
            ).strftime("%Y-%m-%dT%H:%M"),
            "topics": "Load test: SQL joins, career goals",
            "shared_notes": "We talked through the plan and agreed the next steps. " * 3,
            "learned": "How the other team ships.",
            "questions": "What would you do differently?",
        },
    ),
]


# ---------------------------------------------------------------------------------------
# Database and server
# ---------------------------------------------------------------------------------------


def recreate_database():
    import psycopg

    with psycopg.connect(PG + "mentorship", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def setup_django(var_dir):
    os.environ.update(server_env(var_dir))
    import django

    django.setup()


def server_env(var_dir):
    return {
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
        "DATABASE_URL": PG + DB_NAME,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "MENTORSHIP_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }


def seed(size, rng):
    """A program with `size` active pairs, their sessions and next actions; one other."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from mentorship.models import Participant, Program, User
    from pairs.models import Pair
    from sessions.models import NextAction, Session

    call_command("migrate", verbosity=0, interactive=False)
    password = make_password("bench-password-123")
    now = timezone.now()
    admins = User.objects.bulk_create(
        [
            User(email=f"admin{i}@bench.example", display_name=f"Admin {i}", password=password)
            for i in range(3)
        ]
    )
    programs = []
    for i, name in enumerate(["Engineering mentoring", "Design circle"]):
        program = Program.objects.create(name=name, slug=f"bench-{i}")
        program.admins.add(admins[i])
        programs.append(program)
    users = User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.example", display_name=f"Person {i}", password=password)
            for i in range(2 * size)
        ],
        batch_size=1000,
    )
    people = Participant.objects.bulk_create(
        [
            Participant(
                program=programs[0] if i < 2 * size * 0.9 else programs[1],
                user=user,
                role="mentor" if i % 2 == 0 else "mentee",
                status="active",
                capacity=2,
            )
            for i, user in enumerate(users)
        ],
        batch_size=1000,
    )
    pairs = Pair.objects.bulk_create(
        [
            Pair(
                program=people[i].program,
                mentor=people[i],
                mentee=people[i + 1],
                status="active",
                started_on=datetime.date(2026, 6, 1),
            )
            for i in range(0, len(people) - 1, 2)
            if people[i].program_id == people[i + 1].program_id
        ],
        batch_size=1000,
    )
    sessions, actions = [], []
    for pair in pairs:
        for k in range(rng.randint(2, 8)):
            sessions.append(
                Session(
                    pair=pair,
                    program_id=pair.program_id,
                    occurred_at=now - datetime.timedelta(days=14 * k + rng.randint(0, 6)),
                    topics=f"Topic {k}",
                    shared_notes="Talked through the plan. " * rng.randint(1, 20),
                    created_by_id=pair.mentee.user_id,
                )
            )
        for k in range(rng.randint(1, 5)):
            actions.append(
                NextAction(
                    pair=pair,
                    program_id=pair.program_id,
                    text=f"Next step {k}",
                    owner=rng.choice(["mentor", "mentee", "both"]),
                    due_on=(now + datetime.timedelta(days=rng.randint(-20, 30))).date(),
                    created_by_id=pair.mentor.user_id,
                )
            )
    Session.objects.bulk_create(sessions, batch_size=2000)
    NextAction.objects.bulk_create(actions, batch_size=2000)
    return {
        "admins": admins,
        "pairs": pairs,
        "programs": programs,
        "counts": {
            "users": User.objects.count(),
            "pairs": len(pairs),
            "sessions": len(sessions),
            "actions": len(actions),
        },
    }


def start_gunicorn(port, workers, threads, var_dir):
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or "gunicorn"
    env = {**os.environ, **server_env(var_dir)}
    proc = subprocess.Popen(
        [
            gunicorn,
            "mentorship.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------
# The virtual users
# ---------------------------------------------------------------------------------------


def plan(world):
    """Resolve MIX against the URLconf: (entries that run, names skipped)."""
    from django.urls import NoReverseMatch, reverse

    pair = world["pairs"][0]
    probe = {"pk": pair.pk, "slug": pair.program.slug}
    ready, skipped = [], []
    for entry in MIX:
        try:
            reverse(entry.url_name, kwargs={k: probe[k] for k in entry.kwargs})
            ready.append(entry)
        except NoReverseMatch:
            skipped.append(entry.name)
    return ready, skipped


def samples(world, users, rng):
    """One identity per virtual user: a pair member (cookie, pair) and an admin cookie."""
    pairs = rng.sample(world["pairs"], min(users, len(world["pairs"])))
    out = []
    for i in range(users):
        pair = pairs[i % len(pairs)]
        member = pair.mentor.user if i % 2 else pair.mentee.user
        admin = world["admins"][0 if pair.program_id == world["programs"][0].pk else 1]
        out.append(
            {
                "member": session_cookie(member),
                "admin": session_cookie(admin),
                "pk": pair.pk,
                "slug": pair.program.slug,
            }
        )
    return out


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {}  # entry name -> [ms]
        self.errors = {}  # entry name -> count
        self.examples = {}  # entry name -> first error text
        self.total = 0

    def add(self, name, ms, error=None):
        with self.lock:
            self.total += 1
            self.latencies.setdefault(name, []).append(ms)
            if error:
                self.errors[name] = self.errors.get(name, 0) + 1
                self.examples.setdefault(name, error)


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields with their rendered values."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "").lower() == "post":
                self._form = {"action": a.get("action") or "", "fields": []}
                self.forms.append(self._form)
            return
        if tag == "option":  # options have no name: they belong to the open <select>
            if self._select is not None and (self._select[1] is None or "selected" in a):
                self._select[1] = a.get("value", "")
            return
        if self._form is None or not a.get("name") or "disabled" in a:
            return
        kind = (a.get("type") or "text").lower()
        if tag == "input" and kind not in ("submit", "button", "file", "image", "reset"):
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append([a["name"], a.get("value") or ""])
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select":
            self._select = [a["name"], None]
            self._form["fields"].append(self._select)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def fill(page_html, path, overrides):
    """Fields of the page's form that posts to `path` (or to itself), with overrides."""
    parser = _Forms()
    parser.feed(page_html)
    forms = [f for f in parser.forms if f["action"] in ("", path)]
    if not forms:
        raise ValueError(f"no POST form for {path} on the page")
    fields = []
    for name, value in forms[0]["fields"]:
        short = name.rsplit("-", 1)[-1]
        value = overrides.get(name, overrides.get(short, value))
        fields.append((name, "" if value is None else value))
    return urlencode(fields)


def _cookies(response, jar):
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def virtual_user(port, entries, sample, stop_at, recorder, seed_value, think=0.0):
    """Request pages from the mix until stop_at, pausing `think` s (±50%) between pages."""
    from django.urls import reverse

    rng = random.Random(seed_value)
    weights = [e.weight for e in entries]
    conn = None
    jar = {}

    def send(method, path, who, body=None):
        nonlocal conn
        headers = {"Host": "127.0.0.1", "User-Agent": "bench-load"}
        cookies = dict(jar)
        if who != "anonymous":
            name, _, value = sample[who].partition("=")
            cookies[name] = value
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            _cookies(response, jar)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
            return response.status, content
        except (OSError, http.client.HTTPException):
            if conn is not None:
                conn.close()
            conn = None
            raise

    while time.monotonic() < stop_at and recorder.total < MAX_REQUESTS:
        entry = rng.choices(entries, weights)[0]
        path = reverse(entry.url_name, kwargs={k: sample[k] for k in entry.kwargs})
        body = None
        if entry.method == "POST":
            started = time.perf_counter()
            try:
                status, content = send("GET", path, entry.who)
                error = None if status == 200 else f"GET {path}: HTTP {status}"
                if error is None:
                    body = fill(content.decode(), path, entry.form(rng))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                error = f"GET {path}: {type(exc).__name__}: {exc}"
            recorder.add(entry.name + " (form)", (time.perf_counter() - started) * 1000, error)
            if error:
                continue
        started = time.perf_counter()
        error = None
        try:
            status, _content = send(entry.method, path, entry.who, body)
            if status not in entry.expect:
                error = f"{entry.method} {path}: HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{entry.method} {path}: {type(exc).__name__}: {exc}"
        recorder.add(entry.name, (time.perf_counter() - started) * 1000, error)
        if think:
            # A person reads a page before the next click (locust's wait_time).
            time.sleep(max(0.0, min(rng.uniform(0.5, 1.5) * think, stop_at - time.monotonic())))
    if conn is not None:
        conn.close()


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="concurrent virtual users")
    parser.add_argument("--duration", type=float, default=15, help="seconds of load")
    parser.add_argument("--size", type=int, default=300, help="pairs to seed")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="seconds a user pauses between pages, ±50%% (0: back-to-back, a stress test)",
    )
    args = parser.parse_args()
    if not 1 <= args.users <= MAX_USERS:
        parser.error(f"--users must be 1..{MAX_USERS}")
    if not 1 <= args.duration <= MAX_DURATION:
        parser.error(f"--duration must be 1..{MAX_DURATION} seconds")
    if not 2 <= args.size <= 50_000:
        parser.error("--size must be 2..50000")

    rng = random.Random(args.seed)
    var_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    (var_dir / "staticfiles").mkdir()
    print(f"seeding {DB_NAME} with {args.size} pairs ...", flush=True)
    started = time.monotonic()
    recreate_database()
    setup_django(var_dir)
    world = seed(args.size, rng)
    seed_seconds = time.monotonic() - started
    entries, skipped = plan(world)
    identities = samples(world, args.users, rng)
    from django.db import connections

    connections.close_all()

    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads, var_dir)
    recorder = Recorder()
    try:
        # Warm up each page once, so start-up costs stay out of the figures.
        virtual_user(port, entries, identities[0], time.monotonic() + 1, Recorder(), 0)
        # One user alone for a few seconds: the server's own time per request, to read
        # the concurrent figures against (on a busy machine they are mostly queueing).
        solo = Recorder()
        virtual_user(port, entries, identities[0], time.monotonic() + 5, solo, 1)
        print(
            f"{args.users} users (think {args.think:g} s) for {args.duration:g} s "
            f"on 127.0.0.1:{port} "
            f"(gunicorn {args.workers}x{args.threads} gthread); skipped, not built yet: "
            f"{', '.join(skipped) or 'none'}",
            flush=True,
        )
        stop_at = time.monotonic() + args.duration
        threads = [
            threading.Thread(
                target=virtual_user,
                args=(port, entries, identities[i], stop_at, recorder, args.seed * 1000 + i),
                kwargs={"think": args.think},
                daemon=True,
            )
            for i in range(args.users)
        ]
        load_started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.duration + 60)
        elapsed = time.monotonic() - load_started
    finally:
        stop(server)
        shutil.rmtree(var_dir, ignore_errors=True)

    every = [ms for values in recorder.latencies.values() for ms in values]
    errors = sum(recorder.errors.values())
    report = {
        "config": vars(args) | {"seed_seconds": round(seed_seconds, 1)},
        "data": world["counts"],
        "machine": f"{os.cpu_count()} cores, shared with other work; loopback; PostgreSQL",
        "skipped_not_built": skipped,
        "requests": recorder.total,
        "seconds": round(elapsed, 2),
        "rps": round(recorder.total / elapsed, 1) if elapsed else 0,
        "error_rate": errors / recorder.total if recorder.total else 1.0,
        "single_user_p50_ms": percentile(
            [ms for values in solo.latencies.values() for ms in values], 50
        ),
        "load_average_after": os.getloadavg(),
        "p50_ms": percentile(every, 50),
        "p95_ms": percentile(every, 95),
        "p99_ms": percentile(every, 99),
        "pages": {
            name: {
                "count": len(values),
                "errors": recorder.errors.get(name, 0),
                "first_error": recorder.examples.get(name),
                "p50_ms": round(percentile(values, 50), 1),
                "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1),
                "mean_ms": round(statistics.fmean(values), 1),
            }
            for name, values in sorted(recorder.latencies.items())
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    for name, page in report["pages"].items():
        note = f"  first error: {page['first_error']}" if page["errors"] else ""
        print(
            f"  {name:<22} n={page['count']:<6} p50={page['p50_ms']:>7.1f} "
            f"p95={page['p95_ms']:>7.1f} p99={page['p99_ms']:>7.1f} ms "
            f"errors={page['errors']}{note}"
        )
    print(f"data: {world['counts']}; results: {RESULTS.relative_to(ROOT)}")
    print(f"machine: {report['machine']}; load average after: {report['load_average_after']}")
    print(f"load.single_user_p50_ms: {report['single_user_p50_ms']:.1f} ms")
    print(f"load.requests: {recorder.total} requests")
    print(f"load.rps: {report['rps']} req/s")
    print(f"load.p50_ms: {report['p50_ms']:.1f} ms")
    print(f"load.p95_ms: {report['p95_ms']:.1f} ms")
    print(f"load.p99_ms: {report['p99_ms']:.1f} ms")
    print(f"load.error_rate: {report['error_rate']:.4f} fraction")


if __name__ == "__main__":
    main()
