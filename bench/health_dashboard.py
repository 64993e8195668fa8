"""Benchmark: the program health dashboard under concurrent load, gunicorn + PostgreSQL.

Seeds its own database (bench_health), serves it with gunicorn on a free loopback
port, and sends requests from concurrent threads, bounded in count and time.

    .venv/bin/python bench/health_dashboard.py                # small: 200 pairs
    .venv/bin/python bench/health_dashboard.py --size full    # 2,000 pairs, 50k sessions

Prints, last, one figure a line: health_dashboard.p50_ms / p95_ms for the heaviest
range (the whole program), the same for the default range (last 90 days), and for
requests that each ask for a new range, so miss the dashboard's one-minute cache.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import _health_seed as data
from _util import free_port, session_cookie

DB = "bench_health"


def wait_until_up(base, cookie, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            get(base + "/healthz", cookie)
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def get(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
        return body


def load(url, cookie, threads, requests, seconds):
    """Latencies (ms) of up to `requests` GETs from `threads` threads within `seconds`.

    url may be a function of the request number (to vary the query string).
    """
    latencies, errors, lock = [], [], threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
                n = remaining[0]
            t0 = time.perf_counter()
            try:
                body = get(url(n) if callable(url) else url, cookie)
                assert b"SECRET" not in body, "note content reached the dashboard"
            except Exception as exc:  # counted, reported
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies, errors


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="small", help="small, full, or a number of pairs")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--uncached", type=int, default=60, help="requests that miss the cache")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    n_pairs, n_sessions, n_actions = data.sizes(args.size)

    url = data.fresh_database(DB)
    import django

    django.setup()
    data.migrate()
    t0 = time.perf_counter()
    program = data.seed("bench", n_pairs, n_sessions, n_actions)
    seeded = time.perf_counter() - t0
    cookie = session_cookie(data.admin_user())
    from sessions.models import NextAction, Session

    counts = (program.pairs.count(), Session.objects.count(), NextAction.objects.count())
    print(f"seeded {counts[0]} pairs, {counts[1]} sessions, {counts[2]} actions in {seeded:.1f}s")
    from django.db import connections

    connections.close_all()

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "DJANGO_ENV": "development"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mentorship.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--log-level", "warning", "--timeout", "60"],
        cwd=data.ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        wait_until_up(base, cookie)
        page = f"{base}/programs/bench/health/"
        for name, query in (("whole", "?preset=all"), ("default", "")):
            load(page + query, cookie, args.workers, args.workers * 3, 30)  # warm every worker
            latencies, errors = load(
                page + query, cookie, args.threads, args.requests, args.seconds
            )
            if errors:
                print(f"{name}: {len(errors)} errors, first: {errors[0]}")
            results[name] = latencies

        # One client at a time: the service time of a (cached) page, without queueing.
        results["sequential"], _ = load(page + "?preset=all", cookie, 1, 40, args.seconds)

        # Uncached: every request asks for a different custom range (a cache miss).
        def uncached(n):
            start = datetime.date.today() - datetime.timedelta(days=365 + n % 300)
            return f"{page}?preset=custom&start={start}&end={datetime.date.today()}"

        latencies, errors = load(uncached, cookie, args.threads, args.uncached, args.seconds)
        if errors:
            print(f"uncached: {len(errors)} errors, first: {errors[0]}")
        results["uncached"] = latencies
    finally:
        server.terminate()
        server.wait(timeout=20)
        if not args.keep:
            data.drop_database(DB)

    print(
        f"load: {args.threads} client threads, gunicorn {args.workers} sync workers, "
        f"{os.cpu_count()} cores shared with the client, PostgreSQL and other work "
        f"(load average {os.getloadavg()[0]:.1f} at the end)"
    )
    whole, default = results["whole"], results["default"]
    print(f"health_dashboard.requests: {len(whole)} count")
    print(f"health_dashboard.p50_ms: {statistics.median(whole):.1f} ms")
    print(f"health_dashboard.p95_ms: {percentile(whole, 95):.1f} ms")
    print(f"health_dashboard.default_range_p50_ms: {statistics.median(default):.1f} ms")
    print(f"health_dashboard.default_range_p95_ms: {percentile(default, 95):.1f} ms")
    sequential = results["sequential"]
    print(f"health_dashboard.one_client_p50_ms: {statistics.median(sequential):.1f} ms")
    print(f"health_dashboard.one_client_p95_ms: {percentile(sequential, 95):.1f} ms")
    cold = results["uncached"]
    print(f"health_dashboard.uncached_p50_ms: {statistics.median(cold):.1f} ms")
    print(f"health_dashboard.uncached_p95_ms: {percentile(cold, 95):.1f} ms")


if __name__ == "__main__":
    main()
