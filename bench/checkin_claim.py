"""The due check-in claim on a million pairs, with EXPLAIN ANALYZE.

    .venv/bin/python bench/checkin_claim.py                 # 1,000,000 pairs
    .venv/bin/python bench/checkin_claim.py --size 200000

Seeds its own PostgreSQL database (bench_checkin_claim) with generate_series: `size` pairs
(1,000 mentors x size/1,000 mentees), each with its check-in track: 30% with no round
planned (ended pairs), the rest due some time in the next 60 days, and 1,000 due now.
Then runs the exact query checkins.schedule.claim_due() sends (claim_query, captured from
Django: FOR UPDATE SKIP LOCKED, LIMIT 500) and, as the anchor measured in the same run,
a primary-key lookup of one track; prints EXPLAIN ANALYZE and the medians of several runs,
each in a transaction rolled back so every run sees the same rows. Last, one whole
claim_due() round (opening 1,000 rounds: 2,000 check-ins and invitations), rolled back.

    .venv/bin/python bench/checkin_claim.py --x10 --db mentorship_scale_x10_copy

--x10 runs the same on the x10 set of bench/scale.py (seeded once and kept; only the pairs
that have check-in tracks there), as of a week ahead so that some rounds are due.
BENCH_DB names its own database (default bench_checkin_claim).
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
DB = os.environ.get("BENCH_DB", "bench_checkin_claim")
DUE_NOW = 1000
MENTORS = 1000


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


def seed(size):
    from django.core.management import call_command
    from django.db import connection

    from mentorship.models import Participant, Program, User

    call_command("migrate", verbosity=0, interactive=False)
    program = Program.objects.create(name="Bench", slug="bench", idle_days=365)
    mentees = -(-size // MENTORS)
    users = User.objects.bulk_create(
        [User(email=f"u{n}@bench.example", password="!") for n in range(MENTORS + mentees)],
        batch_size=2000,
    )
    people = Participant.objects.bulk_create(
        [Participant(program=program, user=u, status="active") for u in users], batch_size=2000
    )
    first_mentor, first_mentee = people[0].pk, people[MENTORS].pk
    with connection.cursor() as cursor:
        # Pairs written in bulk, as the post_save hook never sees them; tracks the same way.
        cursor.execute(
            """
            INSERT INTO pairs_pair (program_id, mentor_id, mentee_id, status, source,
                started_on, end_reason, score, score_breakdown, reasons, created_at, updated_at)
            SELECT %(program)s, %(mentor)s + (g %% %(mentors)s), %(mentee)s + (g / %(mentors)s),
                   CASE WHEN g %% 10 < 3 THEN 'ended' ELSE 'active' END, 'matching',
                   current_date - (g %% 120), '', 0, '{}', '[]', now(), now()
            FROM generate_series(0, %(size)s - 1) AS g
            """,
            {"program": program.pk, "mentor": first_mentor, "mentee": first_mentee,
             "mentors": MENTORS, "size": size},
        )  # fmt: skip
        cursor.execute(
            """
            INSERT INTO checkins_pairtrack (pair_id, next_checkin_at, next_round, final_due,
                final_sent, idle_check_at)
            SELECT p.id,
                   CASE WHEN p.status = 'ended' THEN NULL
                        WHEN row_number() OVER (ORDER BY p.id) <= %(due)s
                             THEN now() - interval '1 minute'
                        ELSE now() + ((p.id %% 86400) || ' minutes')::interval END,
                   1, false, p.status = 'ended', NULL
            FROM pairs_pair p
            """,
            {"due": DUE_NOW},
        )
        cursor.execute("ANALYZE")


def captured_sql(function):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        found = len(list(function()))
        transaction.set_rollback(True)
    return captured.captured_queries[-1]["sql"], found


def median_ms(sql, runs):
    from django.db import connection, transaction

    timings = []
    for _ in range(runs):
        with transaction.atomic(), connection.cursor() as cursor:
            t = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timings.append((time.perf_counter() - t) * 1000)
            transaction.set_rollback(True)
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="pairs (1000000)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--x10", action="store_true", help="on the kept x10 set instead")
    parser.add_argument("--db", default="mentorship_scale_x10", help="the x10 set's database")
    args = parser.parse_args()

    if args.x10:
        import _scale_seed

        _scale_seed.ensure(args.db, 1.0)
        args.keep = True
    else:
        fresh_database()
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from checkins import schedule
    from checkins.models import CheckIn, PairTrack

    started = time.perf_counter()
    if args.x10:
        args.size = PairTrack.objects.count()
        now = timezone.now() + datetime.timedelta(days=7)
    else:
        seed(args.size)
        now = timezone.now()
    seeded = time.perf_counter() - started
    sql, found = captured_sql(lambda: schedule.claim_query(now, 500))
    assert args.x10 or found == min(500, DUE_NOW), found
    some = PairTrack.objects.order_by("pair_id").values_list("pair_id", flat=True)[args.size // 2]
    anchor_sql, _ = captured_sql(lambda: PairTrack.objects.filter(pair_id=some))
    claim_ms = median_ms(sql, args.runs)
    anchor_ms = median_ms(anchor_sql, args.runs)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    with transaction.atomic():
        before = CheckIn.objects.count()
        t = time.perf_counter()
        schedule.claim_due(now)
        round_s = time.perf_counter() - t
        opened = CheckIn.objects.count() - before
        transaction.set_rollback(True)
    if not args.keep:
        drop_database()

    print(f"-- {args.size} pairs and their tracks seeded in {seeded:.1f}s; the claim query:")
    print(sql)
    print("-- EXPLAIN (ANALYZE, BUFFERS):")
    print("\n".join(plan))
    execution = next((line for line in plan if line.startswith("Execution Time")), "")
    print(f"(medians of {args.runs} runs, round trip from Python included; 2 shared cores)")
    print(f"checkin_claim.pairs: {args.size} rows (with a check-in track)")
    print(f"checkin_claim.claimed: {found} rows")
    print(f"checkin_claim.plan_execution_ms: {execution.split(':')[1].strip()}")
    print(f"checkin_claim.query_ms: {claim_ms:.2f} ms")
    print(f"checkin_claim.anchor_pk_lookup_ms: {anchor_ms:.2f} ms")
    print(f"checkin_claim.ratio_to_pk_lookup: {claim_ms / anchor_ms:.1f} x")
    print(f"checkin_claim.round_s: {round_s:.2f} s for {opened} check-ins opened")


if __name__ == "__main__":
    main()
