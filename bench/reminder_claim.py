"""The due-reminder claim query on a million next actions, with EXPLAIN ANALYZE.

    .venv/bin/python bench/reminder_claim.py                 # 1,000,000 actions
    .venv/bin/python bench/reminder_claim.py --size 200000

Seeds its own PostgreSQL database (bench_reminder_claim) with generate_series: 70% of
the actions done or dropped (no reminder), 30% open with a reminder armed some time in
the next 60 days, and 1,000 whose reminder is due now. Then runs the exact query
sessions.reminders.claim_due() sends (sessions.reminders.claim_query, captured from
Django: FOR UPDATE SKIP LOCKED, LIMIT 500), prints its EXPLAIN ANALYZE and the median
time of several runs, each in a transaction rolled back so every run sees the same rows.

    .venv/bin/python bench/reminder_claim.py --x10    # on bench/_scale_seed.py's x10 set
    .venv/bin/python bench/reminder_claim.py --x10 --db mentorship_scale_x10_copy

BENCH_DB names its own database (default bench_reminder_claim); --db the x10 set's.

--x10 runs the same query on the x10 set of bench/scale.py (1,500,000 actions over 100
programs and ten years; seeded once and kept) instead of seeding its own. Check-in claims
(issue 17) join here once their models exist on the branch.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

PG = os.environ.get("BENCH_PG", "postgres://mentorship:mentorship@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "bench_reminder_claim")
DUE_NOW = 1000


def fresh_database():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    os.environ["DATABASE_URL"] = f"{PG}/{DB}"


def drop_database():
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def seed(size, pairs=1000):
    from django.core.management import call_command
    from django.db import connection

    from mentorship.models import Participant, Program, User
    from pairs.models import Pair

    call_command("migrate", verbosity=0, interactive=False)
    program = Program.objects.create(name="Bench", slug="bench")
    users = User.objects.bulk_create(
        [User(email=f"u{n}@bench.example", password="!") for n in range(2 * pairs)]
    )
    people = Participant.objects.bulk_create(
        [Participant(program=program, user=u, status="active") for u in users]
    )
    Pair.objects.bulk_create(
        [
            Pair(program=program, mentor=people[i], mentee=people[i + 1], status="active")
            for i in range(0, len(people), 2)
        ]
    )
    first, last = Pair.objects.order_by("pk").values_list("pk", flat=True)[:: pairs - 1]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO session_logs_nextaction
                (pair_id, program_id, text, owner, due_on, status, dropped_reason, next_reminder_at,
                 version, created_at, updated_at)
            SELECT %(first)s + (g %% %(pairs)s), %(program)s,
                   'Action ' || g,
                   CASE WHEN g %% 2 = 0 THEN 'mentor' ELSE 'mentee' END,
                   current_date + (g %% 90) - 30,
                   CASE WHEN g <= %(due)s THEN 'open'
                        WHEN g %% 10 < 3 THEN 'open'
                        WHEN g %% 10 < 9 THEN 'done'
                        ELSE 'dropped' END,
                   '',
                   CASE WHEN g <= %(due)s THEN now() - (g || ' seconds')::interval
                        WHEN g %% 10 < 3 THEN now() + ((g %% 86400) || ' minutes')::interval
                        ELSE NULL END,
                   1, now(), now()
            FROM generate_series(1, %(size)s) AS g
            """,
            {
                "first": first,
                "pairs": last - first + 1,
                "due": DUE_NOW,
                "size": size,
                "program": program.pk,
            },  # fmt: skip
        )
        cursor.execute("ANALYZE")


def claim_sql(ahead_days=0):
    """The SQL and params of the claim query of sessions.reminders.claim_due, from Django,
    as of `ahead_days` from now."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sessions.reminders import claim_query

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        moment = timezone.now() + datetime.timedelta(days=ahead_days)
        found = len(list(claim_query(moment, 500)))
    [query] = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    return query, found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="next actions (1000000)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--x10", action="store_true", help="on the kept x10 set instead")
    parser.add_argument("--db", default="mentorship_scale_x10", help="the x10 set's database")
    args = parser.parse_args()

    if args.x10:
        import _scale_seed

        _scale_seed.ensure(args.db, 1.0)
        args.keep, seeded = True, 0.0
    else:
        fresh_database()
    import django

    django.setup()
    from django.db import connection, transaction

    if not args.x10:
        started = time.perf_counter()
        seed(args.size)
        seeded = time.perf_counter() - started
    # The x10 set arms reminders at 09:00 on due dates: a week ahead, thousands are due.
    sql, found = claim_sql(7 if args.x10 else 0)
    assert args.x10 or found == min(500, DUE_NOW), found

    timings = []
    for _ in range(args.runs):
        with transaction.atomic(), connection.cursor() as cursor:
            t = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timings.append((time.perf_counter() - t) * 1000)
            transaction.set_rollback(True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM session_logs_nextaction")
        total = cursor.fetchone()[0]
    if not args.keep:
        drop_database()

    print(f"-- {total} next actions seeded in {seeded:.1f}s; the claim query:")
    print(sql)
    print("-- EXPLAIN (ANALYZE, BUFFERS):")
    print("\n".join(plan))
    execution = next((line for line in plan if line.startswith("Execution Time")), "")
    print(f"(median of {args.runs} runs, round trip from Python included; 2 shared cores)")
    print(f"reminder_claim.actions: {total} rows")
    print(f"reminder_claim.claimed: {found} rows")
    print(f"reminder_claim.plan_execution_ms: {execution.split(':')[1].strip()}")
    print(f"reminder_claim.query_ms: {statistics.median(timings):.2f} ms")


if __name__ == "__main__":
    main()
