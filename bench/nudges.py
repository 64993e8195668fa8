"""Weekly nudge round: seed N participants, render and deliver every nudge to a real SMTP sink.

    .venv/bin/python bench/nudges.py                 # small: 2,500 and 10,000 people
    .venv/bin/python bench/nudges.py --size 100000   # the full figure (25,000 and 100,000)

Each size gets a fresh PostgreSQL database (bench_nudges) with N participants in N/2
active pairs, each person owning an open action. The round runs the real task
(sessions.send_weekly_nudges: claim + deliver) in --processes fresh worker processes at
once (two by default, as two Celery workers would) with Django's SMTP backend pointed at a
counting SMTP sink in another process (bench/_smtp_counter.py: a bare asyncio server,
so the sink is not what sets the pace), which counts every message and any person
nudged twice. Printed: emails/s, total seconds and the workers' peak RSS, at a quarter of
the size and at the size, so you can see whether memory stays flat as the count grows.
BENCH_DB names the database (default bench_nudges).
"""

import argparse
import datetime
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _util import free_port  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

PG = os.environ.get("BENCH_PG", "postgres://mentorship:mentorship@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "bench_nudges")
NOW = datetime.datetime(2026, 11, 9, 22, 0, tzinfo=datetime.UTC)  # a Monday evening
# Zones where NOW is still Monday after 09:00: a nudge is due only on its local weekday.
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "America/Sao_Paulo"]


def fresh_database():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    return f"{PG}/{DB}"


def seed(size):
    """N people in N/2 active pairs of one program; each owns one open action."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from mentorship.models import Participant, Program, User
    from pairs.models import Pair
    from sessions.models import NextAction

    call_command("migrate", verbosity=0, interactive=False)
    program = Program.objects.create(name="Bench", slug="bench", nudge_weekday=0)
    chunk = 5000
    for start in range(0, size, chunk):
        users = [
            User(
                email=f"p{n}@bench.example",
                display_name=f"Person {n}",
                time_zone=ZONES[n % len(ZONES)],
                password="!",
            )
            for n in range(start, min(size, start + chunk))
        ]
        users = User.objects.bulk_create(users)
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    program=program,
                    user=u,
                    role="mentor" if i % 2 == 0 else "mentee",
                    status="active",
                )
                for i, u in enumerate(users)
            ]
        )
        pairs = Pair.objects.bulk_create(
            [
                Pair(
                    program=program,
                    mentor=participants[i],
                    mentee=participants[i + 1],
                    status="active",
                    started_on=datetime.date(2026, 10, 1),
                )
                for i in range(0, len(participants) - 1, 2)
            ]
        )
        NextAction.objects.bulk_create(
            [
                NextAction(pair=p, program_id=p.program_id, owner=owner,
                           text=f"{owner} step for pair {p.pk}",
                           due_on=datetime.date(2026, 11, 12))
                for p in pairs
                for owner in ("mentor", "mentee")
            ]
        )  # fmt: skip
    # Statistics, as a live database has them: without them the planner guesses at
    # tables that have just grown from nothing, and the claims slow as the size grows.
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")
    connections.close_all()


def sink_process(port, counter, duplicates, ready):
    """The counting SMTP sink (bench/_smtp_counter.py): messages and repeated recipients."""
    import asyncio

    from _smtp_counter import Counts, serve

    counts = Counts()

    def on_message():
        counter.value = counts.messages  # one writer: no lock needed
        duplicates.value = counts.duplicates

    async def main():
        await serve(port, counts, on_message)
        ready.set()
        await asyncio.sleep(10**6)

    asyncio.run(main())


def worker_main():
    """In a fresh process: the real task, eagerly; prints JSON with its own figures."""
    import django

    django.setup()
    from insights import digests
    from notifications import outbox as delivery
    from sessions import nudges

    # What the task sessions.send_weekly_nudges does, timed step by step.
    started = time.perf_counter()
    result = {"nudges": nudges.claim_due(NOW), "digests": digests.claim_due(NOW)}
    claimed = time.perf_counter()
    result["delivery"] = delivery.deliver_due(NOW)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kb = usage.ru_maxrss
    print(
        json.dumps(
            {
                "result": result,
                "seconds": seconds,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "claim_seconds": claimed - started,
                "peak_rss_mb": peak_kb / 1024,
            }
        )
    )


def measure(size, processes):
    url = fresh_database()
    env = {**os.environ, "DATABASE_URL": url}
    t = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--seed", str(size)], env=env, check=True)
    seed_seconds = time.perf_counter() - t
    port = free_port()
    counter, duplicates = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    ready = multiprocessing.Event()
    sink = multiprocessing.Process(
        target=sink_process, args=(port, counter, duplicates, ready), daemon=True
    )
    sink.start()
    ready.wait(10)
    try:
        env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), LOG_LEVEL="WARNING", DEBUG="false")
        # Worker processes started together, as two Celery workers taking the same beat
        # task: each claims and delivers; the outbox's claims keep them apart.
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker"], env=env, stdout=subprocess.PIPE, text=True
            )
            for _ in range(processes)
        ]
        outputs = [w.communicate()[0] for w in workers]
        wall = time.perf_counter() - started
        assert all(w.returncode == 0 for w in workers), "a worker failed"
        each = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
        figures = {
            "seconds": wall,
            "cpu_seconds": sum(f["cpu_seconds"] for f in each),
            "claim_seconds": max(f["claim_seconds"] for f in each),
            "peak_rss_mb": max(f["peak_rss_mb"] for f in each),
            "result": {
                "delivery": {
                    k: sum(f["result"]["delivery"][k] for f in each)
                    for k in each[0]["result"]["delivery"]
                }
            },
        }
        time.sleep(0.5)
        figures["received"] = counter.value
        figures["duplicates"] = duplicates.value
    finally:
        sink.terminate()
        sink.join(5)
    figures["seed_seconds"] = seed_seconds
    figures["size"] = size
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="participants (default 10000)")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, default=2, help="worker processes (2)")
    args = parser.parse_args()
    if args.seed:
        return seed(args.seed)
    if args.worker:
        return worker_main()

    runs = []
    for size in (max(args.size // 4, 100), args.size):
        figures = measure(size, args.processes)
        sent = figures["result"]["delivery"]["sent"]
        figures["emails_per_s"] = sent / figures["seconds"]
        runs.append(figures)
        print(
            f"size {size}: seeded in {figures['seed_seconds']:.1f}s;"
            f" round {figures['seconds']:.1f}s (worker CPU {figures['cpu_seconds']:.1f}s;"
            f" claiming {figures['claim_seconds']:.1f}s),"
            f" {sent} sent, {figures['received']} received by the sink, "
            f"{figures['emails_per_s']:.0f} emails/s, worker peak RSS "
            f"{figures['peak_rss_mb']:.0f} MB",
            flush=True,
        )
        assert figures["received"] == sent == size, "every nudge delivered, once"
        assert figures["duplicates"] == 0, "nobody got a nudge twice"
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    small, large = runs
    print(f"({args.processes} worker processes, each sending on EMAIL_DELIVERY_THREADS=4 "
          f"threads, one SMTP "
          f"connection per batch of 50; the machine has {os.cpu_count()} cores shared with "
          f"other work, load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"nudges.participants: {large['size']} people")
    print(f"nudges.emails_per_s: {large['emails_per_s']:.0f} emails/s")
    print(f"nudges.total_s: {large['seconds']:.1f} s")
    print(f"nudges.peak_rss: {large['peak_rss_mb']:.0f} MB")
    print(f"nudges.emails_per_s_at_quarter_size: {small['emails_per_s']:.0f} emails/s")
    print(f"nudges.peak_rss_at_quarter_size: {small['peak_rss_mb']:.0f} MB")
    print(f"nudges.rss_growth: {large['peak_rss_mb'] - small['peak_rss_mb']:.0f} MB")
    print(f"nudges.worker_processes: {args.processes} count")
    print(f"nudges.duplicates: {large['duplicates']} count")
    print(f"nudges.received_vs_people: {large['received'] / large['size']:.4f} ratio")


if __name__ == "__main__":
    main()
