"""Benchmark: a full CSV export of a large program, streamed by gunicorn from PostgreSQL.

Seeds its own database (bench_export) with two programs, one ten times the other, and
for each starts a one-worker gunicorn, downloads the three exports (pairs, sessions,
actions) and reads the worker's peak resident memory (VmHWM). Flat memory means the
peak hardly moves while the data grows tenfold.

    .venv/bin/python bench/export.py                 # 200 pairs (and 20)
    .venv/bin/python bench/export.py --size full     # 2,000 pairs, 50k sessions, 150k actions

Prints last: export.seconds (the full export of the large program), export.rows,
export.peak_rss_mb for both sizes, and the growth of the peak over the warm worker.
"""

import argparse
import os
import subprocess
import sys
import time
import urllib.request

import _health_seed as data
from _util import free_port, session_cookie

DB = "bench_export"
KINDS = ("pairs", "sessions", "actions")


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def worker_pid(master_pid, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True
        ).stdout.split()
        if out:
            return int(out[0])
        time.sleep(0.2)
    raise SystemExit("no gunicorn worker")


def download(url, cookie):
    """(bytes, lines, seconds) of one streamed download, read in 64 KiB pieces."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    t0 = time.perf_counter()
    size = lines = 0
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200, response.status
        while chunk := response.read(65536):
            assert b"SECRET" not in chunk, "note content reached an export"
            size += len(chunk)
            lines += chunk.count(b"\n")
    return size, lines, time.perf_counter() - t0


def measure(url, slug, warm_slug, cookie):
    """Serve with one gunicorn worker; export everything of `slug`; the worker's memory."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "DJANGO_ENV": "development"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mentorship.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning",
         "--timeout", "120"],
        cwd=data.ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        pid = worker_pid(server.pid)
        deadline = time.monotonic() + 60
        while True:
            try:
                for kind in KINDS:  # warm the worker: code loaded, connection open
                    download(f"{base}/programs/{warm_slug}/health/export/{kind}.csv", cookie)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        warm_kb = status_kb(pid, "VmRSS")
        total_s = total_rows = total_bytes = 0
        per_kind = {}
        for kind in KINDS:
            size, lines, seconds = download(
                f"{base}/programs/{slug}/health/export/{kind}.csv", cookie
            )
            per_kind[kind] = (lines - 1, seconds)
            total_s += seconds
            total_rows += lines - 1
            total_bytes += size
        peak_kb = status_kb(pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {
        "seconds": total_s,
        "rows": total_rows,
        "bytes": total_bytes,
        "warm_mb": warm_kb / 1024,
        "peak_mb": peak_kb / 1024,
        "per_kind": per_kind,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="small", help="small, full, or a number of pairs")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    n_pairs, n_sessions, n_actions = data.sizes(args.size)

    url = data.fresh_database(DB)
    import django

    django.setup()
    data.migrate()
    t0 = time.perf_counter()
    data.seed("warm", 1, 1, 1)
    data.seed("tenth", max(1, n_pairs // 10), n_sessions // 10, n_actions // 10, seed_=3)
    data.seed("large", n_pairs, n_sessions, n_actions)
    print(f"seeded in {time.perf_counter() - t0:.1f}s")
    cookie = session_cookie(data.admin_user())
    from django.db import connections

    connections.close_all()
    try:
        tenth = measure(url, "tenth", "warm", cookie)
        large = measure(url, "large", "warm", cookie)
    finally:
        if not args.keep:
            data.drop_database(DB)
    for name, result in (("tenth", tenth), ("large", large)):
        for kind, (rows, seconds) in result["per_kind"].items():
            print(f"{name} {kind}: {rows} rows in {seconds:.2f}s")
        print(
            f"{name}: {result['bytes'] / 1e6:.1f} MB of CSV, worker {result['warm_mb']:.1f} MB warm"
        )
    print(
        f"({os.cpu_count()} cores shared with PostgreSQL, the client and other work; "
        f"load {os.getloadavg()[0]:.1f})"
    )
    print(f"export.seconds: {large['seconds']:.2f} s")
    print(f"export.rows: {large['rows']} rows")
    print(f"export.peak_rss_mb: {large['peak_mb']:.1f} MB")
    print(f"export.peak_rss_mb_tenth_size: {tenth['peak_mb']:.1f} MB")
    print(f"export.peak_growth_mb: {large['peak_mb'] - large['warm_mb']:.1f} MB")
    print(f"export.peak_growth_mb_tenth_size: {tenth['peak_mb'] - tenth['warm_mb']:.1f} MB")


if __name__ == "__main__":
    main()
