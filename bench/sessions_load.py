"""Load benchmark: dashboard, pair page and session-log POST under concurrent load.

Seeds its own PostgreSQL database (bench_sessions, created and dropped with the
mentorship role) with bulk_create, starts gunicorn on a free loopback port against it,
drives concurrent requests from threads (http.client, signed in with session cookies
made by Django's test Client), and prints the median and p95 server time per page
(from gunicorn's access log, %(D)s) LAST, one per line.

    .venv/bin/python bench/sessions_load.py                # small: 200 pairs / 5,000 sessions
    .venv/bin/python bench/sessions_load.py --size full    # 2,000 pairs / 50,000 sessions
"""

import argparse
import datetime
import http.client
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _util import free_port  # noqa: E402

DB_NAME = "bench_sessions"
PG = os.environ.get("BENCH_PG", "postgres://mentorship:mentorship@127.0.0.1:5432")
SIZES = {"small": (200, 5_000), "full": (2_000, 50_000)}
PAGES = ("dashboard", "pair_page", "log_post")


def admin_connection():
    import psycopg

    return psycopg.connect(f"{PG}/postgres", autocommit=True)


def recreate_database():
    with admin_connection() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database():
    with admin_connection() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def setup_django():
    os.environ["DATABASE_URL"] = f"{PG}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(n_pairs, n_sessions, rng):
    """Bulk-create a program, people, pairs, sessions with both sides, and actions."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from mentorship.models import Participant, Program, User
    from pairs.models import Pair
    from sessions.models import NextAction, Session, SessionSide

    now = timezone.now()
    today = timezone.localdate()
    password = make_password("bench-password")
    program = Program.objects.create(name="Bench", slug="bench", cadence_days=14)
    n_mentors = max(1, n_pairs // 2)
    users = [
        User(email=f"mentor{i}@bench.example", display_name=f"Mentor {i}", password=password)
        for i in range(n_mentors)
    ] + [
        User(email=f"mentee{i}@bench.example", display_name=f"Mentee {i}", password=password)
        for i in range(n_pairs)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    users = list(User.objects.order_by("pk"))
    mentors = Participant.objects.bulk_create(
        [
            Participant(program=program, user=u, role="mentor", status="active", capacity=2)
            for u in users[:n_mentors]
        ]
    )
    mentees = Participant.objects.bulk_create(
        [
            Participant(program=program, user=u, role="mentee", status="active")
            for u in users[n_mentors:]
        ]
    )
    pairs = Pair.objects.bulk_create(
        [
            Pair(
                program=program,
                mentor=mentors[i % n_mentors],
                mentee=mentees[i],
                status="active",
                started_on=today - datetime.timedelta(days=400),
            )
            for i in range(n_pairs)
        ],
        batch_size=2000,
    )
    per_pair = max(1, n_sessions // n_pairs)
    batch_sessions, made = [], 0
    for pair in pairs:
        for k in range(per_pair):
            when = now - datetime.timedelta(days=7 * (per_pair - k) + rng.random())
            batch_sessions.append(
                Session(
                    pair=pair,
                    program_id=pair.program_id,
                    status="logged",
                    occurred_at=when,
                    topics=f"Topic {k}",
                    shared_notes="Shared notes line one.\nLine two.",
                    created_by_id=pair.mentee.user_id,
                    updated_by_id=pair.mentee.user_id,
                )
            )
    sessions = []
    for start in range(0, len(batch_sessions), 5000):
        sessions += Session.objects.bulk_create(batch_sessions[start : start + 5000])
    made = len(sessions)
    pair_by_id = {p.pk: p for p in pairs}
    sides, actions = [], []
    for s in sessions:
        pair = pair_by_id[s.pair_id]
        for side, uid in (("mentor", pair.mentor.user_id), ("mentee", pair.mentee.user_id)):
            sides.append(
                SessionSide(
                    session=s,
                    side=side,
                    author_id=uid,
                    learned="Something learned\nand another thing",
                    shared="Something shared",
                    questions="A question?\nAnother?",
                    unsure="Not sure about this",
                    private_note="Private",
                )
            )
        recent = s.occurred_at > now - datetime.timedelta(days=21)
        for owner in ("mentor", "mentee"):
            if recent:
                actions.append(
                    NextAction(
                        pair=pair,
                        program_id=pair.program_id,
                        text=f"Do the {owner} thing",
                        owner=owner,
                        due_on=today + datetime.timedelta(days=rng.randint(-5, 14)),
                        status="open",
                        created_in=s,
                    )
                )
            else:
                actions.append(
                    NextAction(
                        pair=pair,
                        program_id=pair.program_id,
                        text=f"Did the {owner} thing",
                        owner=owner,
                        due_on=s.occurred_at.date() + datetime.timedelta(days=7),
                        status=rng.choice(["done", "done", "done", "dropped"]),
                        done_at=s.occurred_at + datetime.timedelta(days=5),
                        created_in=s,
                    )
                )
    SessionSide.objects.bulk_create(sides, batch_size=5000)
    NextAction.objects.bulk_create(actions, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return pairs, made, len(sides), len(actions)


def sign_in(users):
    """Session cookies for users, made by Django's test Client against the bench database."""
    from django.test import Client

    cookies = {}
    for user in users:
        client = Client()
        client.force_login(user)
        cookies[user.pk] = client.cookies["sessionid"].value
    return cookies


def start_gunicorn(port, log_path, workers, threads):
    env = dict(
        os.environ,
        DATABASE_URL=f"{PG}/{DB_NAME}",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CELERY_BROKER_URL="memory://",  # publishing is cheap; no worker needed for timing
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "mentorship.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--threads",
        str(threads),
        "--access-logfile",
        str(log_path),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("gunicorn exited early")
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start within 30 s")


def request(port, method, path, cookie, body=None, csrf=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        headers["X-CSRFToken"] = csrf or ""
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    set_cookie = response.getheader("Set-Cookie") or ""
    conn.close()
    return response.status, data, elapsed, set_cookie


def prepare_posters(port, people):
    """Per person: a cookie header with sessionid and csrftoken, and the form token."""
    out = []
    for pair_id, sessionid in people:
        cookie = f"sessionid={sessionid}"
        status, data, _ms, set_cookie = request(port, "GET", f"/pairs/{pair_id}/log/", cookie)
        if status != 200:
            raise SystemExit(f"log page answered {status} for pair {pair_id}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data).group(1).decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", set_cookie).group(1)
        out.append((pair_id, f"{cookie}; csrftoken={csrf_cookie}", token))
    return out


def log_body(token, k):
    from django.utils import timezone

    when = timezone.now() - datetime.timedelta(hours=1, minutes=k % 600)
    due = timezone.localdate() + datetime.timedelta(days=7)
    return urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
            "format": "video",
            "topics": f"Bench topic {k}",
            "shared_notes": "Notes\nMore notes",
            "learned": "Learned a thing",
            "questions": "A question?",
            "side_version": "0",
            "new-0-text": f"Bench action {k}",
            "new-0-owner": "mentee",
            "new-0-due_on": due.isoformat(),
        }
    )


def drive(port, jobs, concurrency, time_limit):
    """Run jobs (callables returning (page, status, ms)) on threads; bounded in time."""
    results = []
    lock = threading.Lock()
    index = iter(range(len(jobs)))
    deadline = time.monotonic() + time_limit

    def worker():
        while time.monotonic() < deadline:
            with lock:
                i = next(index, None)
            if i is None:
                return
            page, status, ms = jobs[i]()
            with lock:
                results.append((page, status, ms))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def page_of(method, path):
    if method == "GET" and path == "/":
        return "dashboard"
    if method == "GET" and re.fullmatch(r"/pairs/\d+/", path):
        return "pair_page"
    if method == "POST" and re.fullmatch(r"/pairs/\d+/log/", path):
        return "log_post"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--requests", type=int, default=None, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (1: sync workers)"
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    n_pairs, n_sessions = SIZES[args.size]
    per_page = args.requests or (200 if args.size == "small" else 400)
    rng = random.Random(20261125)

    recreate_database()
    proc = None
    try:
        setup_django()
        t0 = time.monotonic()
        pairs, made, n_sides, n_actions = seed(n_pairs, n_sessions, rng)
        seed_s = time.monotonic() - t0
        print(
            f"seeded {len(pairs)} pairs, {made} sessions, {n_sides} sides, "
            f"{n_actions} actions in {seed_s:.1f} s",
            flush=True,
        )
        sample = rng.sample(pairs, min(60, len(pairs)))
        users = {}
        for pair in sample:
            users[pair.mentor.user_id] = pair.mentor.user
            users[pair.mentee.user_id] = pair.mentee.user
        from mentorship.models import User

        cookies = sign_in(User.objects.filter(pk__in=users))
        from django.db import connections

        connections.close_all()

        port = free_port()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_before = os.getloadavg()[0]
        log_dir = Path(tempfile.mkdtemp(prefix="bench_sessions_"))
        log_path = log_dir / "access.log"
        proc = start_gunicorn(port, log_path, args.workers, args.threads)
        posters = prepare_posters(
            port, [(p.pk, cookies[p.mentee.user_id]) for p in sample[: min(20, len(sample))]]
        )
        # Warm up every worker a little (imports, connections), then start clean.
        for pair in sample[:10]:
            request(port, "GET", "/", f"sessionid={cookies[pair.mentee.user_id]}")
            request(port, "GET", f"/pairs/{pair.pk}/", f"sessionid={cookies[pair.mentor.user_id]}")
        with open(log_path) as f:
            warm_lines = sum(1 for _ in f)
        status, data, _ms, _c = request(
            port,
            "POST",
            f"/pairs/{posters[0][0]}/log/",
            posters[0][1],
            log_body(posters[0][2], 0),
            posters[0][2],
        )
        if status != 302:
            errors = re.findall(
                rb'(?:role="alert"[^>]*>|class="errorlist[^"]*"[^>]*><li>)([^<]+)', data
            )
            raise SystemExit(f"the session-log POST answered {status}: {errors[:3]}")

        jobs = []
        for k in range(per_page):
            pair = sample[k % len(sample)]
            who = pair.mentee.user_id if k % 2 else pair.mentor.user_id

            def dash(cookie=f"sessionid={cookies[who]}"):
                status, _d, ms, _c = request(port, "GET", "/", cookie)
                return "dashboard", status, ms

            def pair_page(cookie=f"sessionid={cookies[who]}", pk=pair.pk):
                status, _d, ms, _c = request(port, "GET", f"/pairs/{pk}/", cookie)
                return "pair_page", status, ms

            pair_id, cookie, token = posters[k % len(posters)]

            def post(pair_id=pair_id, cookie=cookie, token=token, k=k):
                status, _d, ms, _c = request(
                    port, "POST", f"/pairs/{pair_id}/log/", cookie, log_body(token, k), token
                )
                return "log_post", status, ms

            jobs += [dash, pair_page, post]
        rng.shuffle(jobs)
        t0 = time.monotonic()
        results = drive(port, jobs, args.concurrency, args.time_limit)
        wall = time.monotonic() - t0
        bad = [(p, s) for p, s, _ in results if not ((p == "log_post" and s == 302) or s == 200)]
        time.sleep(0.5)  # let gunicorn flush its access log
    finally:
        if proc is not None:
            load_after = os.getloadavg()[0]
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            # gunicorn's master reaps its workers, so their CPU time is in ours now.
            cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database()

    server = {page: [] for page in PAGES}
    with open(log_path) as f:
        for n, line in enumerate(f):
            if n < warm_lines:
                continue
            parts = line.split()
            if len(parts) != 4:
                continue
            page = page_of(parts[0], parts[1])
            if page:
                server[page].append(int(parts[3]) / 1000)
    client = {page: [ms for p, _s, ms in results if p == page] for page in PAGES}
    with open(log_path) as f:
        handled = sum(1 for _ in f)
    cpu_s = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    print(
        f"{len(results)} requests in {wall:.1f} s with {args.concurrency} client threads, "
        f"gunicorn {args.workers} workers x {args.threads} threads, {os.cpu_count()} CPU cores "
        f"(shared with other work on this machine); errors: {len(bad)} {bad[:5]}"
    )
    for page in PAGES:
        c = client[page]
        if c:
            print(
                f"  {page}: client-side p50 {statistics.median(c):.1f} ms, "
                f"p95 {percentile(c, 95):.1f} ms (n={len(c)})"
            )
    print(
        f"  machine load average (1 min): {load_before:.1f} before, {load_after:.1f} after; "
        f"gunicorn used {cpu_s:.1f} CPU s for {handled} requests (startup and warm-up included)"
    )
    print(f"sessions_load.cpu_ms_per_request: {1000 * cpu_s / max(handled, 1):.1f} ms")
    for page in PAGES:
        values = server[page]
        print(f"sessions_load.{page}_p50_ms: {percentile(values, 50):.1f} ms")
        print(f"sessions_load.{page}_p95_ms: {percentile(values, 95):.1f} ms")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
