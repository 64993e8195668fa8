"""The x10 data set on PostgreSQL, written with COPY: many programs over years of history.

    100 programs (the oldest ten years old), 20,000 pairs, 500,000 sessions with both
    sides, 1,500,000 next actions, and a match run of 2,000 suggestions to review.

`fraction` scales every count (0.01 for a quick run: 1 program per 100, same history per
pair). The set is kept in its own database between runs (seeding it takes minutes):
`ensure(name, fraction)` seeds only when the database is missing or was seeded with
another fraction.

Goals, milestones, agreements, agenda items, check-ins, pair tracks and help requests
(issue 17) are seeded by the functions in EXTRA. `--extra` adds them to a set seeded before
they existed, without seeding the rest again.
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

PG = os.environ.get("BENCH_PG", "postgres://mentorship:mentorship@127.0.0.1:5432")
PROGRAMS, PAIRS, SESSIONS_PER_PAIR, ACTIONS_PER_SESSION = 100, 20_000, 25, 3
OLDEST_YEARS = 10
SUGGESTIONS = 2_000
ADMIN_EMAIL = "scale-admin@example.com"
PAIR_DAYS = 365  # how long a pair meets before it completes
CHECKIN_DAYS = 30  # a check-in round a month while a pair meets


def counts(fraction):
    programs = max(2, round(PROGRAMS * fraction))
    pairs = max(programs * 4, round(PAIRS * fraction))
    return programs, pairs


def _connect(db):
    import psycopg

    return psycopg.connect(f"{PG}/{db}", autocommit=True)


def exists(name):
    with _connect("postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def seeded_fraction(name):
    if not exists(name):
        return None
    with _connect(name) as conn:
        try:
            row = conn.execute("SELECT fraction FROM bench_scale_meta").fetchone()
        except Exception:
            return None
    return row[0] if row else None


def ensure(name, fraction, log=print):
    """Point Django at database `name`, seeded at `fraction` (seeding it if needed)."""
    url = f"{PG}/{name}"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    if seeded_fraction(name) == fraction:
        log(f"reusing {name} (fraction {fraction})")
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        return url, None
    with _connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    seed(fraction, log)
    seconds = time.perf_counter() - started
    with _connect(name) as conn:
        conn.execute("CREATE TABLE bench_scale_meta (fraction double precision)")
        conn.execute("INSERT INTO bench_scale_meta VALUES (%s)", [fraction])
    return url, seconds


def _ts(moment):
    return moment.isoformat()


def _filled(table, columns):
    """Values for the NOT NULL columns a model gained since this seed was written.

    COPY skips Django's defaults; without this every new field with a default breaks the
    seed (User.language and User.scim_external_id did)."""
    from django.apps import apps
    from django.db.models import NOT_PROVIDED

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    extra = {}
    for field in model._meta.concrete_fields:
        if field.column in columns or field.null or field.primary_key:
            continue
        if field.default is not NOT_PROVIDED:
            extra[field.column] = field.get_default()
        elif field.blank and field.empty_strings_allowed:
            extra[field.column] = ""
    return extra


def _copy(cursor, table, columns, rows):
    extra = _filled(table, columns)
    names, tail = [*columns, *extra], tuple(extra.values())
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *tail))


def seed(fraction, log=print, seed_value=11):
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from mentorship.models import Program, User

    rng = random.Random(seed_value)
    n_programs, n_pairs = counts(fraction)
    now = timezone.now().replace(microsecond=0)
    today = now.date()
    admin = User.objects.create_user(ADMIN_EMAIL, "scale-admin-password", display_name="Admin")
    # Ages from ten years down to one: older programs have had more pairs.
    ages = [
        OLDEST_YEARS if i < max(1, n_programs // 10) else rng.randint(1, OLDEST_YEARS)
        for i in range(n_programs)
    ]
    programs = []
    for i, age in enumerate(ages):
        program = Program.objects.create(
            name=f"Scale program {i}",
            slug=f"scale-{i}",
            start_date=today - datetime.timedelta(days=365 * age),
            cadence_days=14,
        )
        program.admins.add(admin)
        programs.append(program)
    # The first program is the largest, a tenth of all pairs (2,000 at x10: the size the
    # health page used to take a second over); the others share the rest by age.
    largest = n_pairs // 10
    weight = sum(ages[1:])
    per_program = [largest] + [max(4, (n_pairs - largest) * age // weight) for age in ages[1:]]
    per_program[0] += n_pairs - sum(per_program)
    password = make_password("scale-password")  # one hash for everyone: bench sign-ins
    cursor = connection.cursor().cursor  # psycopg's own cursor, for COPY
    cursor.execute("SELECT coalesce(max(id), 0) FROM mentorship_user")
    user_id = cursor.fetchone()[0]
    users, people, pairs = [], [], []
    person_id = pair_id = 0
    for program, n, age in zip(programs, per_program, ages, strict=True):
        life = 365 * age
        for k in range(n):
            start_day = rng.randint(0, max(0, life - 30))
            started = today - datetime.timedelta(days=life - start_day)
            ended = started + datetime.timedelta(days=PAIR_DAYS)
            live = ended >= today
            status = (
                rng.choices(["active", "paused"], [95, 5])[0]
                if live
                else rng.choices(["completed", "ended"], [80, 20])[0]
            )
            ids = []
            for role in ("mentor", "mentee"):
                user_id += 1
                person_id += 1
                users.append((user_id, password, f"s{user_id}@scale.example", f"Person {user_id}"))
                people.append((person_id, role, program.pk, user_id))
                ids.append(person_id)
            pair_id += 1
            pairs.append(
                (pair_id, program.pk, ids[0], ids[1], status, started, None if live else ended)
            )
    log(f"seeding {len(programs)} programs, {len(pairs)} pairs ...")
    _copy(
        cursor,
        "mentorship_user",
        ["id", "password", "is_superuser", "email", "display_name", "time_zone", "is_active",
         "is_staff", "date_joined"],
        ((u, pw, False, email, name, "UTC", True, False, _ts(now)) for u, pw, email, name in users),
    )  # fmt: skip
    _copy(
        cursor,
        "mentorship_participant",
        ["id", "role", "status", "goals", "department", "manager_email", "capacity",
         "availability", "created_at", "updated_at", "user_id", "program_id"],
        ((p, role, "active", "", "", "", 1, "{}", _ts(now), _ts(now), u, prog)
         for p, role, prog, u in people),
    )  # fmt: skip
    _copy(
        cursor,
        "pairs_pair",
        ["id", "status", "source", "started_on", "ended_on", "end_reason", "score",
         "score_breakdown", "reasons", "created_at", "updated_at", "mentee_id", "mentor_id",
         "program_id"],
        ((pk, status, "manual", started, ended, "", 0.5, "{}", "[]",
          _ts(datetime.datetime.combine(started, datetime.time(9), tzinfo=datetime.UTC)),
          _ts(now), mentee, mentor, prog)
         for pk, prog, mentor, mentee, status, started, ended in pairs),
    )  # fmt: skip
    user_of = {p[0]: p[3] for p in people}
    sessions, sides, actions = [], [], []
    session_id = side_id = action_id = 0
    for pk, prog, mentor, mentee, status, started, ended in pairs:
        first = datetime.datetime.combine(started, datetime.time(9), tzinfo=datetime.UTC)
        last = min(now, first + datetime.timedelta(days=PAIR_DAYS))
        if status == "active" and rng.random() < 0.1:  # one in ten live pairs went quiet
            last = now - datetime.timedelta(days=rng.randint(30, 120))
        last = max(last, first + datetime.timedelta(hours=1))
        step = (last - first) / SESSIONS_PER_PAIR
        authors = (user_of[mentor], user_of[mentee])
        for k in range(SESSIONS_PER_PAIR):
            session_id += 1
            when = first + step * k
            logged = "logged" if rng.random() < 0.95 else "cancelled"
            notes = f"SECRET-NOTES {session_id}" if rng.random() < 0.5 else ""
            sessions.append((session_id, prog, pk, logged, when, notes, authors[1]))
            for role, author in zip(("mentor", "mentee"), authors, strict=True):
                side_id += 1
                sides.append(
                    (side_id, session_id, author, role,
                     "SECRET-LEARNED" if rng.random() < 0.7 else "",
                     "SECRET-SHARED" if rng.random() < 0.5 else "",
                     "SECRET-Q" if rng.random() < 0.6 else "")
                )  # fmt: skip
            for _ in range(ACTIONS_PER_SESSION):
                action_id += 1
                due = (when + datetime.timedelta(days=rng.randint(3, 21))).date()
                if due < today:
                    state = rng.choices(["done", "dropped", "open"], [70, 15, 15])[0]
                else:
                    state = rng.choices(["done", "open"], [20, 80])[0]
                done_at = when + datetime.timedelta(days=2) if state == "done" else None
                reminder = (
                    datetime.datetime.combine(due, datetime.time(9), tzinfo=datetime.UTC)
                    if state == "open" and due >= today
                    else None
                )
                actions.append(
                    (action_id, prog, pk, session_id, rng.choice(("mentor", "mentee", "both")),
                     due, state, done_at, reminder, authors[0])
                )  # fmt: skip
    log(f"copying {len(sessions)} sessions, {len(sides)} sides, {len(actions)} actions ...")
    _copy(
        cursor,
        "session_logs_session",
        ["id", "program_id", "pair_id", "status", "occurred_at", "shared_notes", "created_by_id",
         "duration_minutes", "format", "topics", "version", "created_at", "updated_at"],
        ((*row, 45, "video", "Career", 1, row[4], row[4]) for row in sessions),
    )  # fmt: skip
    del sessions
    _copy(
        cursor,
        "session_logs_sessionside",
        ["id", "session_id", "author_id", "side", "learned", "shared", "questions", "unsure",
         "private_note", "version", "created_at", "updated_at"],
        ((*row, "", "SECRET-PRIVATE", 1, _ts(now), _ts(now)) for row in sides),
    )  # fmt: skip
    del sides
    _copy(
        cursor,
        "session_logs_nextaction",
        ["id", "program_id", "pair_id", "created_in_id", "owner", "due_on", "status", "done_at",
         "next_reminder_at", "created_by_id", "text", "dropped_reason", "version",
         "created_at", "updated_at"],
        ((*row, "SECRET-ACTION", "", 1, _ts(now), _ts(now)) for row in actions),
    )  # fmt: skip
    del actions
    _serials(cursor, ["mentorship_user", "mentorship_participant", "pairs_pair",
                      "session_logs_session", "session_logs_sessionside",
                      "session_logs_nextaction"])  # fmt: skip
    world = {"pairs": pairs, "user_of": user_of, "now": now}
    _suggestions(programs[0], admin, rng)
    for extra in EXTRA:
        log(extra(cursor, world, rng))
    _serials(cursor, ["session_logs_goal"])
    log("vacuum analyze ...")
    cursor.execute("VACUUM ANALYZE")
    return world


def _serials(cursor, tables):
    """Move each id sequence past the ids COPY wrote, so the app's own inserts work."""
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def _goals_and_agendas(cursor, world, rng):
    """Two goals for each person (one shared, one private) with two milestones each, an
    agreement per pair, and open agenda items for the live pairs."""
    now, user_of = world["now"], world["user_of"]
    goals, milestones, agreements, agenda = [], [], [], []
    goal_id = 0
    for pk, prog, mentor, mentee, status, started, _ended in world["pairs"]:
        live = status in ("active", "paused")
        for side, person in (("mentor", mentor), ("mentee", mentee)):
            for shared in (True, False):
                goal_id += 1
                state = rng.choice(["not_started", "moving", "stuck", "reached"])
                goals.append((goal_id, pk, prog, user_of[person], side, f"SECRET-GOAL {goal_id}",
                              started + datetime.timedelta(days=rng.randint(60, 400)), state,
                              shared, _ts(now) if state == "reached" else None))  # fmt: skip
                milestones.extend((goal_id, f"SECRET-STEP {k}", k, rng.random() < 0.5)
                                  for k in range(2))  # fmt: skip
            if live:
                agenda.extend((pk, prog, user_of[person], side, "SECRET-AGENDA", "open")
                              for _ in range(2))  # fmt: skip
        agreements.append((pk, "Every two weeks", "Video", _ts(now), _ts(now)))
    stamp = _ts(now)
    _copy(cursor, "session_logs_goal",
          ["id", "pair_id", "program_id", "owner_id", "side", "text", "target_on", "status",
           "shared", "reached_at", "why", "created_at", "updated_at"],
          ((*row, "", stamp, stamp) for row in goals))  # fmt: skip
    _copy(cursor, "session_logs_milestone", ["goal_id", "text", "position", "done"], milestones)
    _copy(cursor, "session_logs_agreement",
          ["pair_id", "cadence", "format", "mentor_confirmed_at", "mentee_confirmed_at",
           "updated_at"],
          ((*row, stamp) for row in agreements))  # fmt: skip
    _copy(cursor, "session_logs_agendaitem",
          ["pair_id", "program_id", "author_id", "side", "text", "status", "created_at"],
          ((*row, stamp) for row in agenda))  # fmt: skip
    return f"{len(goals)} goals, {len(milestones)} milestones, {len(agenda)} agenda items"


def _checkins(cursor, world, rng):
    """A check-in round a month over each pair's life (both people; four in five answered),
    a track with the next round for every live pair, and open help requests in 1% of them."""
    now, user_of = world["now"], world["user_of"]
    rows, tracks, helps = [], [], []
    for pk, prog, mentor, mentee, status, started, _ended in world["pairs"]:
        live = status in ("active", "paused")
        first = datetime.datetime.combine(started, datetime.time(9), tzinfo=datetime.UTC)
        last = min(now, first + datetime.timedelta(days=PAIR_DAYS))
        rounds = max(1, int((last - first).days // CHECKIN_DAYS))
        for r in range(1, rounds + 1):
            due = first + datetime.timedelta(days=CHECKIN_DAYS * r)
            kind = "first" if r == 1 else ("final" if r == rounds and not live else "regular")
            for person in (mentor, mentee):
                answered = rng.random() < 0.8
                rows.append((pk, prog, user_of[person], r, kind, _ts(due),
                             _ts(due + datetime.timedelta(days=1)) if answered else None,
                             rng.randint(1, 5) if answered else None,
                             "SECRET-CHECKIN" if answered else "", answered and rng.random() < 0.3,
                             _ts(due), _ts(due)))  # fmt: skip
        if live:
            nxt = now + datetime.timedelta(days=rng.randint(1, CHECKIN_DAYS))
            tracks.append((pk, _ts(nxt), rounds + 1, _ts(nxt)))
            if rng.random() < 0.01:
                helps.append((pk, user_of[mentee], "help", _ts(now)))
    _copy(cursor, "checkins_checkin",
          ["pair_id", "program_id", "user_id", "round", "kind", "due_at", "answered_at", "score",
           "learned", "shared", "created_at", "updated_at"], rows)  # fmt: skip
    _copy(
        cursor,
        "checkins_pairtrack",
        ["pair_id", "next_checkin_at", "next_round", "idle_check_at"],
        tracks,
    )
    _copy(cursor, "checkins_helprequest", ["pair_id", "user_id", "kind", "created_at"], helps)
    return f"{len(rows)} check-ins, {len(tracks)} tracks, {len(helps)} help requests"


EXTRA = (_goals_and_agendas, _checkins)


def _world_from(cursor):
    """The pairs of an already seeded set, as seed() holds them."""
    from django.utils import timezone

    cursor.execute(
        "SELECT p.id, p.program_id, p.mentor_id, p.mentee_id, p.status, p.started_on,"
        " p.ended_on FROM pairs_pair p ORDER BY p.id"
    )
    pairs = cursor.fetchall()
    cursor.execute("SELECT id, user_id FROM mentorship_participant")
    return {"pairs": pairs, "user_of": dict(cursor.fetchall()), "now": timezone.now()}


def seed_extra(log=print, seed_value=12):
    """EXTRA's rows for a set seeded without them (idempotent: skipped once goals exist)."""
    from django.db import connection

    connection.ensure_connection()
    cursor = connection.connection.cursor()  # psycopg's own cursor, for COPY
    cursor.execute("SELECT EXISTS (SELECT 1 FROM session_logs_goal)")
    if cursor.fetchone()[0]:
        return log("goals and check-ins are already there")
    world, rng = _world_from(cursor), random.Random(seed_value)
    for extra in EXTRA:
        log(extra(cursor, world, rng))
    _serials(cursor, ["session_logs_goal"])
    cursor.execute("VACUUM ANALYZE")


def _suggestions(program, admin, rng):
    """A finished match run with 2,000 suggestions over 2,000 people without a pair."""
    from mentorship.models import Participant, User
    from pairs.models import MatchRun, Suggestion

    n = SUGGESTIONS
    users = User.objects.bulk_create(
        User(email=f"unpaired{i}@scale.example", display_name=f"Unpaired {i}", password="!")
        for i in range(2 * n)
    )
    people = Participant.objects.bulk_create(
        Participant(program=program, user=u, role="mentor" if i % 2 else "mentee")
        for i, u in enumerate(users)
    )
    run = MatchRun.objects.create(program=program, status="done", created_by=admin)
    Suggestion.objects.bulk_create(
        Suggestion(
            run=run,
            mentor=people[2 * i + 1],
            mentee=people[2 * i],
            score=rng.random(),
            reasons=["can teach: SQL"],
            breakdown={"teach": 0.5},
        )
        for i in range(n)
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Seed the x10 set into a database")
    parser.add_argument("--db", default="mentorship_scale_x10")
    parser.add_argument("--fraction", type=float, default=1.0)
    parser.add_argument("--extra", action="store_true", help="add goals and check-ins only")
    args = parser.parse_args()
    print(ensure(args.db, args.fraction))
    if args.extra:
        seed_extra()
