"""Benchmark: CSV import of participants (preview + import) on PostgreSQL.

Creates its own database (bench_csv_import) with the mentorship role, migrates it,
generates a CSV of --size rows (default 5,000), then times:
  - the preview (parse + validate every row + new/updated counts),
  - the import of new people (bulk creates users, participants, skills, skill links),
  - a re-import of the same file changed (the update path, idempotent by email),
and the participants list page's query count and time with all of them in the program.

    .venv/bin/python bench/csv_import.py              # 5,000 rows
    .venv/bin/python bench/csv_import.py --size 500

Figures are printed last, one a line. The machine has 2 cores shared with other work.
"""

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "bench_csv_import"
BASE = os.environ.get("BENCH_PG", "postgres://mentorship:mentorship@127.0.0.1:5432")


def recreate_database():
    import psycopg

    with psycopg.connect(
        f"{BASE}/postgres".replace("postgres://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{DB}"')


def drop_database():
    import psycopg

    with psycopg.connect(
        f"{BASE}/postgres".replace("postgres://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def make_csv(size, seed=7, suffix="", prefix="person"):
    rng = random.Random(seed)
    skills = [f"Skill {i}" for i in range(150)]
    zones = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["email", "name", "role", "time_zone", "teaches", "learns", "goals", "department",
         "manager_email", "capacity", "availability"]
    )  # fmt: skip
    for i in range(size):
        writer.writerow(
            [
                f"{prefix}{i}@example.com",
                f"Person {i}{suffix}",
                rng.choice(["mentor", "mentee", "mentee", "both"]),
                rng.choice(zones),
                "; ".join(rng.sample(skills, 3)),
                "; ".join(rng.sample(skills, 2)),
                f"Goal number {i}{suffix}: learn and teach.",
                f"Dept {i % 12}",
                f"manager{i % 50}@example.com",
                rng.randint(1, 3),
                "Mon 09:00-10:00; Thu 14:00-15:30",
            ]
        )
    return out.getvalue().encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    recreate_database()
    os.environ["DATABASE_URL"] = f"{BASE}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from mentorship import importing
    from mentorship.models import Participant, Program, User

    call_command("migrate", verbosity=0)
    admin = User.objects.create_user("bench-admin@example.com", "bench password 123")
    program = Program.objects.create(name="Bench", slug="bench")
    program.admins.add(admin)

    try:
        data = make_csv(args.size)
        t0 = time.perf_counter()
        preview = importing.check(program, data)
        batch = importing.store(program, admin, preview, "bench.csv")
        t_preview = time.perf_counter() - t0
        assert preview.ok, preview.problems[:3] or preview.file_errors
        t0 = time.perf_counter()
        result = importing.apply(batch)
        t_import = time.perf_counter() - t0
        assert result.created == args.size, result

        changed = make_csv(args.size, suffix=" v2")
        t0 = time.perf_counter()
        preview2 = importing.check(program, changed)
        batch2 = importing.store(program, admin, preview2, "bench2.csv")
        t_preview2 = time.perf_counter() - t0
        t0 = time.perf_counter()
        result2 = importing.apply(batch2)
        t_update = time.perf_counter() - t0
        assert result2.updated == args.size and result2.created == 0, result2
        assert Participant.objects.filter(program=program).count() == args.size

        # The same through the real pages: multipart upload + preview page, then confirm.
        client = Client()
        client.force_login(admin)
        from django.core.files.uploadedfile import SimpleUploadedFile

        from mentorship.models import ImportBatch

        web = make_csv(args.size, seed=8, prefix="web")
        t0 = time.perf_counter()
        response = client.post(
            reverse("programs:import", args=[program.slug]),
            {"file": SimpleUploadedFile("web.csv", web, content_type="text/csv")},
        )
        assert response.status_code == 200, response.status_code
        batch_id = ImportBatch.objects.get(program=program).pk
        response = client.post(reverse("programs:import_confirm", args=[program.slug, batch_id]))
        t_web = time.perf_counter() - t0
        assert response.status_code == 302
        assert Participant.objects.filter(program=program).count() == 2 * args.size

        url = reverse("programs:participants", args=[program.slug])
        client.get(url)  # warm up
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url, {"q": "person", "role": "mentee"})
            t_list = time.perf_counter() - t0
        assert response.status_code == 200
        queries = len(ctx.captured_queries)
    finally:
        connection.close()
        if not args.keep:
            drop_database()

    print(f"csv_import.rows: {args.size} rows")
    print(f"csv_import.file_size: {len(data) / 1024 / 1024:.2f} MB")
    print("csv_import.machine: 2 shared cores (other engineers' tests running), PostgreSQL 15")
    print(f"csv_import.preview_new_s: {t_preview:.2f} s")
    print(f"csv_import.import_new_s: {t_import:.2f} s")
    print(f"csv_import.preview_plus_import_new_s: {t_preview + t_import:.2f} s (target < 10 s)")
    print(f"csv_import.preview_update_s: {t_preview2:.2f} s")
    print(f"csv_import.import_update_s: {t_update:.2f} s")
    print(f"csv_import.preview_plus_import_update_s: {t_preview2 + t_update:.2f} s (target < 10 s)")
    print(f"csv_import.pages_upload_preview_confirm_new_s: {t_web:.2f} s (target < 10 s)")
    print(f"csv_import.participants_page_queries: {queries} queries ({2 * args.size} participants)")
    print(f"csv_import.participants_page_ms: {t_list * 1000:.0f} ms")


if __name__ == "__main__":
    main()
