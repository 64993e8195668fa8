"""Benchmark: every page on the x10 set, uncached, 8 concurrent clients on gunicorn.

    .venv/bin/python bench/scale.py                   # the x10 set (seeded once, kept)
    .venv/bin/python bench/scale.py --fraction 0.02   # a quick run on 2% of it
    .venv/bin/python bench/scale.py --pages dashboard,pair_page   # only these pages

Seeds (or reuses) the x10 set of bench/_scale_seed.py in its own database, serves it
with gunicorn as the Dockerfile does (gunicorn.conf.py: 3 processes of 8 threads) with the
health cache off (HEALTH_CACHE_SECONDS=0: every health request computes its figures), and measures:

- each page's server time with --clients concurrent clients (keep-alive, back to back), as
  gunicorn's access log measures it from the request read to the response written (the
  clients' own view is printed beside it as client p95; an export's figure is its first byte
  as the client sees it, since the log's time is the whole stream):
  program health over random presets and custom ranges, the member dashboard, the pair
  page, the session-log POST, the participants and pairs lists, the matching review with
  2,000 suggestions, the growth page, and each CSV export's first byte;
- requests per second at saturation of the dashboard, the pair page and a bare Django view
  (bench/_bare.py: same settings, middleware and gunicorn flags), and their ratios;
- EXPLAIN, in process, of every query those pages run that reads sessions, sides, actions
  or outbox rows, flagging any sequential scan over them.

Figures are printed last (`scale.NAME: value unit`).
"""

import argparse
import datetime
import http.client
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import _scale_seed as data
from _util import free_port, session_cookie
from load import _cookies, fill

HOT_TABLES = (
    "session_logs_session",
    "session_logs_sessionside",
    "session_logs_nextaction",
    "notifications_sentemail",
)
TARGET_MS = 150
SERVER_TIME_FORMAT = "%(m)s %(U)s %(s)s %(D)s"


def server_times(access_log, offset, method):
    """ms of the `method` requests gunicorn logged after `offset`: from the request read to
    the response written, in the web process (the benchmark clients' own time left out)."""
    with open(access_log) as f:
        f.seek(offset)
        lines = f.read().splitlines()
    return [int(line.split()[3]) / 1000 for line in lines if line.split()[0] == method]


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


# --- Server -----------------------------------------------------------------------------------


def start(app, port, workers, env, pythonpath=None, access_log=None):
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--log-level", "warning", "--timeout", "120"]  # fmt: skip
    if pythonpath:
        command += ["--pythonpath", pythonpath]
    if access_log:  # each request's server time, as gunicorn measures it (D: microseconds)
        command += ["--access-logfile", access_log, "--access-logformat", SERVER_TIME_FORMAT]
    proc = subprocess.Popen(command, cwd=data.ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn {app} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/" if pythonpath else "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise SystemExit(f"gunicorn {app} did not answer within 60 s")


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# --- Clients ----------------------------------------------------------------------------------


class Browser:
    """One client: a keep-alive connection and a cookie jar."""

    def __init__(self, port, cookie=None):
        self.port, self.conn, self.jar = port, None, {}
        if cookie:
            name, _, value = cookie.partition("=")
            self.jar[name] = value

    def request(self, method, path, body=None, first_byte=False):
        headers = {"Host": "127.0.0.1"}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            _cookies(response, self.jar)
            if first_byte:  # the export's first byte, then the rest as a client reads it
                response.read(1)
                content = (time.perf_counter() - started) * 1000
                while response.read(65536):
                    pass
            else:
                content = response.read()
            return response.status, content
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def run_clients(browsers, step, count=None, seconds=None):
    """Each browser calls step(browser, n) back to back, until `count` calls in all or
    `seconds` pass. Returns (latencies ms, errors, elapsed s)."""
    lock = threading.Lock()
    latencies, errors = [], []
    remaining = [count if count is not None else 10**9]
    deadline = time.monotonic() + (seconds or 10**6)

    def loop(browser):
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
                n = remaining[0]
            t0 = time.perf_counter()
            try:
                step(browser, n)
            except Exception as exc:  # counted and shown
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(b,), daemon=True) for b in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.monotonic() - started


def get_ok(browser, path, first_byte=False, private_ok=True):
    status, content = browser.request("GET", path, first_byte=first_byte)
    if status != 200:
        raise RuntimeError(f"GET {path}: HTTP {status}")
    if first_byte:
        return content  # ms from the request to the body's first byte
    if not private_ok and b"SECRET-PRIVATE" in content:  # admins never see private notes
        raise RuntimeError(f"GET {path}: a private note reached the page")
    return content


# --- The pages --------------------------------------------------------------------------------


def identities(n):
    """The admin and n members of live pairs of the largest program (scale-0)."""
    from mentorship.models import User
    from pairs.models import Pair

    admin = User.objects.get(email=data.ADMIN_EMAIL)
    pairs = list(
        Pair.objects.filter(program__slug="scale-0", status="active")
        .select_related("mentee__user")
        .order_by("pk")[:n]
    )
    return admin, [(pair.pk, pair.mentee.user) for pair in pairs]


def health_path(slug, n, today):
    rng = random.Random(n)
    choice = n % 4
    if choice < 3:
        return f"/programs/{slug}/health/?preset={('30', '90', 'all')[choice]}"
    end = today - datetime.timedelta(days=rng.randint(0, 3000))
    start = end - datetime.timedelta(days=rng.randint(7, 3600))
    return f"/programs/{slug}/health/?preset=custom&start={start}&end={end}"


def pages(slug, today):
    """(name, who, step(browser, member, n)) for every page measured."""

    def get(path_of, first_byte=False):
        return lambda browser, member, n: get_ok(browser, path_of(member, n), first_byte)

    def admin_get(path_of):
        return lambda browser, member, n: get_ok(browser, path_of(member, n), private_ok=False)

    def log_session(browser, member, n):
        path = f"/pairs/{member[0]}/log/"
        status, content = browser.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        when = datetime.datetime(2026, 1, 1, 8) + datetime.timedelta(minutes=n * 97 % 500_000)
        body = fill(
            content.decode(),
            path,
            {"occurred_at": when.strftime("%Y-%m-%dT%H:%M"), "topics": "Scale bench",
             "shared_notes": "Notes " * 20, "learned": "A thing", "questions": "Why?"},
        )  # fmt: skip
        t0 = time.perf_counter()
        status, _ = browser.request("POST", path, body=body)
        if status not in (302, 303):
            raise RuntimeError(f"POST {path}: HTTP {status}")
        return (time.perf_counter() - t0) * 1000  # only the POST is timed

    out = [
        ("health", "admin", admin_get(lambda m, n: health_path(slug, n, today))),
        ("dashboard", "member", get(lambda m, n: "/")),
        ("pair_page", "member", get(lambda m, n: f"/pairs/{m[0]}/")),
        ("session_log_post", "member", log_session),
        ("participants", "admin", admin_get(lambda m, n: f"/programs/{slug}/participants/")),
        ("pairs_list", "admin", admin_get(lambda m, n: f"/programs/{slug}/pairs/")),
        ("matching_review", "admin", admin_get(lambda m, n: f"/programs/{slug}/matching/")),
        ("growth", "member", get(lambda m, n: "/growth/")),
    ]
    for kind in ("pairs", "sessions", "actions"):
        path = f"/programs/{slug}/health/export/{kind}.csv"
        out.append((f"export_{kind}_first_byte", "admin", get(lambda m, n, p=path: p, True)))
    return out


def measure(port, cookies, page, clients, count):
    name, who, step = page
    people = cookies["members"]
    browsers = [Browser(port, cookies["admin"] if who == "admin" else people[i % len(people)][1])
                for i in range(clients)]  # fmt: skip
    members = {id(b): people[i % len(people)][0] for i, b in enumerate(browsers)}
    timed = []

    def call(browser, n):
        result = step(browser, (members[id(browser)],), n)
        if isinstance(result, float):  # the step timed its own part
            timed.append(result)

    latencies, errors, _ = run_clients(browsers, call, count=count)
    for b in browsers:
        b.close()
    if timed:  # the POST without the log page's GET; an export's first byte
        latencies = timed
    return latencies, errors


def saturation(port, path, cookie, clients, seconds):
    browsers = [Browser(port, cookie) for _ in range(clients)]
    run_clients(browsers, lambda b, n: get_ok(b, path), count=clients * 3)  # warm
    latencies, errors, elapsed = run_clients(
        browsers, lambda b, n: get_ok(b, path), seconds=seconds
    )
    for b in browsers:
        b.close()
    return len(latencies) / elapsed, errors


# --- EXPLAIN ----------------------------------------------------------------------------------


def explain_pages(slug, admin, member_pair, member, chosen=None):
    """EXPLAIN each query the pages run in process that reads a hot table.

    Returns [(page, sql, plan lines, seq scans over hot tables)]."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    as_admin, as_member = Client(), Client()
    as_admin.force_login(admin)
    as_member.force_login(member)
    today = datetime.date.today()
    visits = [
        ("health all", as_admin, f"/programs/{slug}/health/?preset=all"),
        ("health custom", as_admin, health_path(slug, 3, today)),
        ("dashboard", as_member, "/"),
        ("pair page", as_member, f"/pairs/{member_pair}/"),
        ("participants", as_admin, f"/programs/{slug}/participants/"),
        ("pairs list", as_admin, f"/programs/{slug}/pairs/"),
        ("matching review", as_admin, f"/programs/{slug}/matching/"),
        ("growth", as_member, "/growth/"),
    ] + [
        (f"export {k}", as_admin, f"/programs/{slug}/health/export/{k}.csv")
        for k in ("pairs", "sessions", "actions")
    ]
    seen, out = set(), []
    for name, client, path in visits:
        if chosen is not None and name.split()[0] not in chosen:
            continue
        captured.clear()
        with connection.execute_wrapper(capture):
            response = client.get(path)
            if response.streaming:
                for i, _ in enumerate(response.streaming_content):
                    if i >= 2:
                        break
                response.close()
        for sql, params in list(captured):
            if not any(t in sql for t in HOT_TABLES) or sql.startswith(("SAVEPOINT", "RELEASE")):
                continue
            key = (name, sql)
            if key in seen:
                continue
            seen.add(key)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql, params)
                plan = [row[0] for row in cursor.fetchall()]
            seq = [line.strip() for line in plan if "Seq Scan on" in line
                   and any(f"Seq Scan on {t}" in line for t in HOT_TABLES)]  # fmt: skip
            out.append((name, sql, plan, seq))
    return out


# --- Main -------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0, help="of the x10 set")
    parser.add_argument("--db", default=None, help="default mentorship_scale_x10 (or _f<n>)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--requests", type=int, default=200, help="per page (p95: the 10th slowest of 200)"
    )
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn processes (of WEB_THREADS threads)"
    )
    parser.add_argument(
        "--warm",
        type=int,
        default=0,
        help="requests before each page's timed run (default: 4 per gunicorn thread)",
    )
    parser.add_argument("--saturate", type=float, default=10, help="seconds per rps figure")
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    parser.add_argument(
        "--pages", default="", help="comma-separated page names (default: every page)"
    )
    args = parser.parse_args()
    names = [p[0] for p in pages("", None)]
    chosen = [n.strip() for n in args.pages.split(",") if n.strip()] or names
    if unknown := set(chosen) - set(names):
        parser.error(f"unknown pages {sorted(unknown)}; pages: {', '.join(names)}")
    db = args.db or (
        "mentorship_scale_x10" if args.fraction == 1 else f"mentorship_scale_f{args.fraction:g}"
    ).replace(".", "_")
    url, seeded = data.ensure(db, args.fraction)
    from django.db import connection, connections

    from insights import rollups

    # As the minutely task does in a deployment: health reads folded day rows, not the
    # millions of change rows the seed's COPY left (the first run folds them, ~30 s).
    rollups.fold()
    # The seed's millions of change rows are dead after the fold: reclaim them, as autovacuum
    # does in a deployment between minutely folds (else every health read walks 400 MB of
    # dead index entries: healthall 97 ms -> 142 ms on the x10 set).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE insights_programdaychange")

    from sessions.models import NextAction, Session, SessionSide

    with connection.cursor() as cursor:  # estimates: exact counts of millions take seconds
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)",
            [[Session._meta.db_table, SessionSide._meta.db_table, NextAction._meta.db_table,
              "pairs_pair", "mentorship_program"]],
        )  # fmt: skip
        sizes = dict(cursor.fetchall())
    print(f"data set {db}: " + ", ".join(f"{k} ~{v:,}" for k, v in sorted(sizes.items())))
    admin, members = identities(args.clients)
    slug = "scale-0"
    cookies = {
        "admin": session_cookie(admin),
        "members": [(pk, session_cookie(user)) for pk, user in members],
    }
    today = datetime.date.today()

    # EXPLAIN names pages by their first word ("health all", "pair page", "export pairs").
    first_words = {n.split("_")[0] for n in chosen}
    plans = explain_pages(slug, admin, members[0][0], members[0][1], first_words)
    connections.close_all()

    var_dir = tempfile.mkdtemp(prefix="bench-scale-")
    os.makedirs(os.path.join(var_dir, "staticfiles"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MENTORSHIP_VAR_DIR": var_dir,
        "DEBUG": "false",
        "DJANGO_ENV": "development",
        "HEALTH_CACHE_SECONDS": "0",
        # A broker, as in a deployment: a session log's email is queued by the request,
        # not delivered inside it (without one, tasks run eagerly in the request).
        "CELERY_BROKER_URL": "memory://",
        "LOG_LEVEL": "WARNING",
    }
    threads = int(os.environ.get("WEB_THREADS", 8))  # gunicorn.conf.py's default
    port, bare_port = free_port(), free_port()
    access_log = os.path.join(var_dir, "access.log")
    server = start("mentorship.wsgi", port, args.workers, env, access_log=access_log)
    bare = start("_bare:application", bare_port, args.workers, env, pythonpath="bench")
    results, client, errors_by_page = {}, {}, {}
    try:
        for page in pages(slug, today):
            if page[0] not in chosen:
                continue
            # Warm every thread: each gunicorn thread keeps its own database connection, and
            # a PostgreSQL backend's first queries on a table load its catalog (tens of ms),
            # which a server that has run for a minute no longer pays.
            measure(port, cookies, page, args.clients, args.warm or 4 * args.workers * threads)
            # Each export streams a whole file (seconds): fewer of them, to keep the run short.
            count = args.requests if "export" not in page[0] else 2 * args.clients
            time.sleep(0.5)  # gunicorn logs a request after its response: let the last land
            offset = os.path.getsize(access_log)
            latencies, errors = measure(port, cookies, page, args.clients, count)
            client[page[0]] = latencies
            # An export's figure is its first byte as the client sees it (the log's time
            # is the whole stream); every other page's is its server time.
            if "export" in page[0]:
                results[page[0]] = latencies
            else:
                method = "POST" if page[0] == "session_log_post" else "GET"
                time.sleep(0.5)
                results[page[0]] = server_times(access_log, offset, method)
            if errors:
                errors_by_page[page[0]] = errors
            served = results[page[0]]
            print(f"  {page[0]:<28} n={len(served):<4} server p50={percentile(served, 50):7.1f} "
                  f"p95={percentile(served, 95):7.1f} ms; client p95="
                  f"{percentile(latencies, 95):7.1f} ms; errors={len(errors)}"
                  + (f" first: {errors[0]}" if errors else ""), flush=True)  # fmt: skip
        rps = {}
        member_cookie = cookies["members"][0][1]
        for name, p, path, cookie in (
            ("bare", bare_port, "/", None),
            ("dashboard", port, "/", member_cookie),
            ("pair_page", port, f"/pairs/{members[0][0]}/", member_cookie),
        ):
            if name != "bare" and name not in chosen:
                continue
            rps[name], errors = saturation(p, path, cookie, args.clients, args.saturate)
            if errors:
                print(f"  saturation {name}: {len(errors)} errors, first: {errors[0]}")
    finally:
        stop(server)
        stop(bare)
        shutil.rmtree(var_dir, ignore_errors=True)

    flagged = [(page, sql, plan, seq) for page, sql, plan, seq in plans if seq]
    print(f"\nEXPLAIN of {len(plans)} hot queries (reading {', '.join(HOT_TABLES)}):")
    for page, sql, plan, seq in plans:
        mark = "SEQ SCAN " if seq else "ok       "
        print(f"  {mark}{page:<16} {' '.join(sql.split())[:110]}")
        for line in plan if (args.plans or seq) else plan[:3]:
            print(f"      {line}")
    load = os.getloadavg()
    print(
        f"\n{args.clients} clients, gunicorn {args.workers} processes x "
        f"{os.environ.get('WEB_THREADS', 8)} threads, {os.cpu_count()} "
        f"cores shared with the clients, PostgreSQL and other work; load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; seeded now: "
        f"{'no (kept)' if seeded is None else f'{seeded:.0f} s'}"
    )
    worst = max(percentile(v, 95) for v in results.values())
    for name, latencies in results.items():
        print(f"scale.{name}_p95_ms: {percentile(latencies, 95):.1f} ms")
    for name, latencies in results.items():
        print(f"scale.{name}_p50_ms: {percentile(latencies, 50):.1f} ms")
    for name, latencies in client.items():
        print(f"scale.{name}_client_p95_ms: {percentile(latencies, 95):.1f} ms")
    print(f"scale.worst_page_p95_ms: {worst:.1f} ms")
    print(f"scale.worst_page_p95_vs_target: {worst / TARGET_MS:.2f} x {TARGET_MS} ms")
    print(f"scale.errors: {sum(len(e) for e in errors_by_page.values())} count")
    for name in rps:
        print(f"scale.{name}_rps: {rps[name]:.1f} req/s")
    for name in [n for n in rps if n != "bare"]:
        print(f"scale.{name}_rps_vs_bare: {rps[name] / rps['bare']:.3f} ratio (target >= 0.1)")
    print(f"scale.hot_queries_explained: {len(plans)} count")
    print(f"scale.seq_scans_on_hot_tables: {len(flagged)} count")


if __name__ == "__main__":
    main()
