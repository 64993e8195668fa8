"""A large program in its own PostgreSQL database, for the health and export benchmarks.

Usage from a benchmark:
    url = fresh_database("bench_health")   # drops and creates it, sets DATABASE_URL
    django.setup(); migrate(); seed("bench", pairs=2000, ...)
"""

import datetime
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

PG = os.environ.get("BENCH_PG", "postgres://mentorship:mentorship@127.0.0.1:5432")
SIZES = {
    # pairs, sessions, actions
    "small": (200, 5_000, 15_000),
    "full": (2_000, 50_000, 150_000),
}
ADMIN_EMAIL = "bench-admin@example.com"
ADMIN_PASSWORD = "bench-admin-password"


def sizes(name):
    if name in SIZES:
        return SIZES[name]
    pairs = int(name)
    return pairs, pairs * 25, pairs * 75


def fresh_database(name):
    """Drop and create database `name` with the mentorship role; point Django at it."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG}/{name}"
    os.environ["DATABASE_URL"] = url
    return url


def drop_database(name):
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def admin_user():
    from mentorship.models import User

    user = User.objects.filter(email=ADMIN_EMAIL).first()
    if user is None:
        user = User.objects.create_user(ADMIN_EMAIL, ADMIN_PASSWORD, display_name="Bench Admin")
    return user


def _text(rng, what, chance=0.7):
    return f"SECRET-{what} {rng.randint(1, 10**6)}" if rng.random() < chance else ""


def seed(slug, n_pairs, n_sessions, n_actions, seed_=7, cadence=14):
    """One program with n_pairs pairs, n_sessions logged sessions and n_actions actions."""
    from django.utils import timezone

    from mentorship.models import Participant, Program, User
    from pairs.models import Pair
    from sessions.models import NextAction, Session, SessionSide

    rng = random.Random(seed_)
    now = timezone.now()
    today = timezone.localdate(now)
    start = today - datetime.timedelta(days=400)
    program = Program.objects.create(
        name=f"Bench {slug}", slug=slug, start_date=start, cadence_days=cadence
    )
    program.admins.add(admin_user())
    users = User.objects.bulk_create(
        [
            User(email=f"{slug}-{i}@example.com", display_name=f"Person {i}", password="!")
            for i in range(2 * n_pairs + n_pairs // 10)
        ],
        batch_size=2000,
    )
    people = Participant.objects.bulk_create(
        [
            Participant(
                program=program,
                user=u,
                role="mentor" if i % 2 == 0 else "mentee",
                status="active" if i < 2 * n_pairs else rng.choice(["active", "invited"]),
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    statuses = ["active"] * 85 + ["paused"] * 5 + ["completed"] * 5 + ["proposed"] * 5
    pairs = Pair.objects.bulk_create(
        [
            Pair(
                program=program,
                mentor=people[2 * i],
                mentee=people[2 * i + 1],
                status=rng.choice(statuses),
                started_on=start + datetime.timedelta(days=rng.randint(0, 60)),
            )
            for i in range(n_pairs)
        ],
        batch_size=2000,
    )
    per_pair = max(1, n_sessions // n_pairs)
    sessions = []
    for pair in pairs:
        # One in ten active pairs went quiet 30 to 120 days ago: stalled.
        quiet = rng.randint(30, 120) if rng.random() < 0.1 else rng.randint(0, 10)
        last = now - datetime.timedelta(days=quiet)
        for k in range(per_pair):
            sessions.append(
                Session(
                    pair=pair,
                    program_id=pair.program_id,
                    status="logged" if rng.random() < 0.95 else "cancelled",
                    occurred_at=last
                    - datetime.timedelta(days=k * cadence, hours=rng.randint(0, 9)),
                    duration_minutes=rng.choice([30, 45, 60]),
                    format=rng.choice(["video", "in_person", "phone", "chat"]),
                    topics=_text(rng, "TOPIC"),
                    shared_notes=_text(rng, "NOTES"),
                    created_by_id=pair.mentee.user_id,
                )
            )
    sessions = Session.objects.bulk_create(sessions, batch_size=5000)
    sides = []
    for s in sessions:
        for role in ("mentor", "mentee"):
            if rng.random() < 0.9:
                author = s.pair.mentor.user_id if role == "mentor" else s.pair.mentee.user_id
                sides.append(
                    SessionSide(
                        session=s,
                        author_id=author,
                        side=role,
                        learned=_text(rng, "LEARNED"),
                        shared=_text(rng, "SHARED", 0.5),
                        questions=_text(rng, "QUESTIONS", 0.6),
                        unsure=_text(rng, "UNSURE", 0.3),
                        private_note=_text(rng, "PRIVATE", 0.3),
                    )
                )
    SessionSide.objects.bulk_create(sides, batch_size=5000)
    by_pair = {}
    for s in sessions:
        by_pair.setdefault(s.pair_id, []).append(s)
    per_pair_actions = max(1, n_actions // n_pairs)
    actions = []
    for pair in pairs:
        pair_sessions = by_pair[pair.pk]
        for _ in range(per_pair_actions):
            origin = rng.choice(pair_sessions)
            due = timezone.localdate(origin.occurred_at) + datetime.timedelta(
                days=rng.randint(3, 21)
            )
            if due < today:
                status = rng.choices(["done", "dropped", "open"], [60, 15, 25])[0]
            else:
                status = rng.choices(["done", "open"], [20, 80])[0]
            actions.append(
                NextAction(
                    pair=pair,
                    program_id=pair.program_id,
                    text=_text(rng, "ACTION", 1),
                    owner=rng.choice(["mentor", "mentee", "both"]),
                    due_on=due,
                    status=status,
                    done_at=origin.occurred_at + datetime.timedelta(days=2)
                    if status == "done"
                    else None,
                    dropped_reason=_text(rng, "REASON") if status == "dropped" else "",
                    created_in=origin,
                )
            )
    NextAction.objects.bulk_create(actions, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return program
