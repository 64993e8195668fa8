"""Fault run on the real stack: is every email delivered, once, whatever breaks?

    .venv/bin/python bench/faults.py                       # 4 waves of 240 emails
    .venv/bin/python bench/faults.py --actions 300 --delay 0.1

Starts, all of its own: a PostgreSQL database (bench_faults), a Redis (redis-server on a
free port of 6390-6399), an SMTP sink that takes `--delay` seconds per message, two
Celery workers as deployed (prefork, two children each) and beat (sweeping every 3 s
instead of 60, bench/_faults_celery.py). Then one wave of due reminders per fault
(`--actions` actions, each shared by the two people of a pair of its own: two emails
each), the fault injected once the wave is flowing:

- none: nothing breaks (two workers, a slow server: the lease must hold);
- worker_sigkill: one worker's whole process group SIGKILLed mid-wave, restarted 1 s
  later (what the supervisor does);
- redis_restart: Redis killed mid-wave, started again 3 s later; nobody touches the
  workers (a worker that exits is restarted and counted as an unplanned exit);
- db_kill: every database connection of the workers terminated (pg_terminate_backend),
  every 0.2 s for 5 s.

Each wave waits until its emails are all marked sent (at most --wave-timeout s), then one
lease more for late repeats. Printed last, per fault: expected, received (distinct),
lost (expected - received), duplicated (messages beyond one per email), of those the
ones with a Message-ID of their own (a receiver could not drop them: 0 expected) and the
workers' unplanned exits.
"""

import argparse
import collections
import contextlib
import datetime
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.own_redis import OwnRedis, port_free  # noqa: E402 - after the path is set

PG = os.environ.get("BENCH_PG", "postgres://mentorship:mentorship@127.0.0.1:5432")
DB = "bench_faults"
FAULTS = ["none", "worker_sigkill", "redis_restart", "db_kill"]
LEASE = 5  # EMAIL_SEND_LEASE_SECONDS for the workers; the floor is (batch + 1) x timeout
BATCH, TIMEOUT = 10, 2


def fresh_database():
    # Only this step needs the driver directly.
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    return f"{PG}/{DB}"


class Stack:
    """Two workers and beat, each a process group; dead workers are restarted (counted)."""

    def __init__(self, env, workdir):
        self.env = env
        self.workdir = workdir
        self.workers = [None, None]
        self.planned = set()  # workers this run killed on purpose
        self.unplanned_exits = 0
        self.beat = None

    def _spawn(self, args, name):
        log = open(self.workdir / f"{name}.log", "a")  # noqa: SIM115
        return subprocess.Popen(
            [sys.executable, "-m", "celery", *args],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def start_worker(self, n):
        self.workers[n] = self._spawn(
            ["-A", "mentorship", "worker", "-c", "2", "-n", f"w{n}@%h", "--without-gossip",
             "--without-mingle", "-l", "warning"], f"worker{n}",
        )  # fmt: skip

    def start(self):
        for n in range(2):
            self.start_worker(n)
        env = {**self.env, "PYTHONPATH": str(ROOT / "bench")}
        log = open(self.workdir / "beat.log", "a")  # noqa: SIM115
        self.beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "_faults_celery", "beat", "-l", "warning",
             "--schedule", str(self.workdir / "beat-schedule")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def supervise(self):
        """What `restart: unless-stopped` does: bring back a worker that exited."""
        for n, worker in enumerate(self.workers):
            if worker.poll() is not None:
                if n not in self.planned:
                    self.unplanned_exits += 1
                    print(f"  worker {n} exited by itself ({worker.returncode}); restarting")
                self.planned.discard(n)
                time.sleep(1)
                self.start_worker(n)

    def kill_worker(self, n):
        self.planned.add(n)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.workers[n].pid, signal.SIGKILL)
        self.workers[n].wait(10)

    def stop(self):
        for process in [*self.workers, self.beat]:
            with contextlib.suppress(Exception):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def seed_world():
    # Django modules: importable only after django.setup() in main().
    from tests.factories import make_pair, make_participant, make_program, make_user

    admin = make_user("admin@bench.example", display_name="Ada Admin")
    program = make_program("Faults", admins=[admin], slug="faults")
    mentor = make_participant(program, make_user("mentor@bench.example"), role="mentor")
    mentee = make_participant(program, make_user("mentee@bench.example"))
    return make_pair(mentor, mentee)


def seed_wave(pair, count, label):
    """`count` actions due now, each shared by the two people of a pair of its own: 2 x count
    reminder emails (a person gets one reminder email a day, whatever is due). Returns the
    ids of the people who get them."""
    # Django modules: importable only after django.setup() in main().
    from django.utils import timezone

    from mentorship.models import User
    from tests.factories import make_action, make_pair, make_participant

    now = timezone.now()
    people = set()
    for n in range(count):
        # No password: create_user skips the (slow, here pointless) hashing.
        mentor, mentee = (
            make_participant(
                pair.program,
                User.objects.create_user(f"{label}-{n}-{role}@bench.example", None),
                role=role,
            )
            for role in ("mentor", "mentee")
        )
        make_action(
            make_pair(mentor, mentee),
            text=f"{label} {n}",
            owner="both",
            due_on=(now + datetime.timedelta(days=2)).date(),
            next_reminder_at=now - datetime.timedelta(minutes=1),
        )
        people |= {mentor.user_id, mentee.user_id}
    return people


def action_of(header):
    """The recipient's id: X-Mentorship-Email: reminder_daily:<user>:<local date>."""
    parts = str(header).strip().split(":")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def wave_counts(sink, actions):
    """(distinct emails received, repeats, repeats a Message-ID check would not catch)."""
    with sink.collector.lock:
        found = [(m["X-Mentorship-Email"], m["Message-ID"]) for m in sink.collector.messages]
    mine = [(str(h).strip(), str(i).strip()) for h, i in found if action_of(h) in actions]
    keys = collections.Counter(key for key, _ in mine)
    ids = {key: set() for key in keys}
    for key, message_id in mine:
        ids[key].add(message_id)
    undetectable = sum(len(found) - 1 for found in ids.values())
    return len(keys), sum(keys.values()) - len(keys), undetectable


def wave_sent(actions):
    # Django modules: importable only after django.setup() in main().
    from django.db import close_old_connections

    from notifications.models import SentEmail

    close_old_connections()
    rows = SentEmail.objects.filter(kind__startswith="reminder_")
    mine = [r for r in rows.values_list("key", "status") if int(r[0].split(":")[0]) in actions]
    return sum(1 for _, status in mine if status == "sent")


def terminate_connections():
    # Django modules: importable only after django.setup() in main().
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB],
        )
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=120, help="actions per wave (2 emails each)")
    parser.add_argument("--delay", type=float, default=0.05, help="SMTP sink seconds per message")
    parser.add_argument("--wave-timeout", type=float, default=120)
    parser.add_argument("--faults", default=",".join(FAULTS))
    args = parser.parse_args()
    faults = [f for f in args.faults.split(",") if f]

    database_url = fresh_database()
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    os.environ.pop("CELERY_BROKER_URL", None)  # this process only seeds and watches
    # Django is set up only once DATABASE_URL names the fresh database.
    import django

    django.setup()
    # Django modules: importable only after django.setup() in main().
    from django.core.management import call_command

    from tests.smtpsink import Sink

    call_command("migrate", verbosity=0, interactive=False)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command log
    pair = seed_world()

    workdir = Path(tempfile.mkdtemp(prefix="faults-"))
    redis = OwnRedis(workdir)
    redis.start()
    sink_port = next(p for p in range(40000, 41000) if port_free(p))
    sink = Sink(sink_port, delay=args.delay).start()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink_port),
        "EMAIL_TIMEOUT": str(TIMEOUT),
        "EMAIL_DELIVERY_BATCH": str(BATCH),
        "EMAIL_DELIVERY_THREADS": "2",
        "EMAIL_SEND_LEASE_SECONDS": str(LEASE),
        "LOG_LEVEL": "WARNING",
    }
    lease = max(LEASE, (BATCH + 1) * TIMEOUT)
    stack = Stack(env, workdir)
    stack.start()
    print(f"logs in {workdir}; Redis on {redis.port}; sink on {sink_port} ({args.delay}s/msg)")
    # Django modules: importable only after django.setup() in main().
    from mentorship.heartbeat import last_seen

    for _ in range(240):  # the workers are up once one has run beat's heartbeat
        if last_seen() is not None:
            break
        time.sleep(0.5)
    results = {}
    try:
        for fault in faults:
            exits_before = stack.unplanned_exits
            actions = seed_wave(pair, args.actions, fault)
            expected = len(actions)  # one email per person
            started = time.monotonic()
            # Inject once the wave is flowing (a quarter of it received), or after 15 s.
            while time.monotonic() - started < 15 and wave_counts(sink, actions)[0] < expected / 4:
                time.sleep(0.1)
            if fault == "worker_sigkill":
                stack.kill_worker(0)
                time.sleep(1)
            elif fault == "redis_restart":
                redis.stop()
                time.sleep(3)
                redis.start()
            elif fault == "db_kill":
                # Tasks close their connections when they end: keep killing for 5 s so
                # the ones open mid-round (claims, sends, marks) are hit.
                killed, until = 0, time.monotonic() + 5
                while time.monotonic() < until:
                    killed += terminate_connections()
                    time.sleep(0.2)
                print(f"  terminated {killed} database connections")
            deadline = started + args.wave_timeout
            while time.monotonic() < deadline and wave_sent(actions) < expected:
                stack.supervise()
                time.sleep(0.5)
            took = time.monotonic() - started
            # Repeats of an interrupted send come once its lease has passed.
            settle = time.monotonic() + lease + 4
            while time.monotonic() < settle:
                stack.supervise()
                time.sleep(0.5)
            received, duplicated, new_ids = wave_counts(sink, actions)
            results[fault] = {
                "expected": expected,
                "received": received,
                "lost": expected - received,
                "duplicated": duplicated,
                # Repeats with a Message-ID of their own (a receiver could not drop them).
                "duplicated_new_message_id": new_ids,
                "unplanned_worker_exits": stack.unplanned_exits - exits_before,
                "seconds": round(took, 1),
            }
            print(f"  {fault}: {results[fault]}")
    finally:
        stack.stop()
        sink.stop()
        redis.stop()

    print()
    print(
        f"{'fault':<16}{'expected':>9}{'received':>9}{'lost':>6}{'dup':>5}{'dup new id':>11}"
        f"{'exits':>6}{'s':>7}"
    )
    for fault, r in results.items():
        print(
            f"{fault:<16}{r['expected']:>9}{r['received']:>9}{r['lost']:>6}"
            f"{r['duplicated']:>5}{r['duplicated_new_message_id']:>11}"
            f"{r['unplanned_worker_exits']:>6}{r['seconds']:>7}"
        )
    print()
    for fault, r in results.items():
        for figure in ("expected", "received", "lost", "duplicated", "duplicated_new_message_id"):
            print(f"faults.{fault}.{figure}: {r[figure]} emails")
        print(f"faults.{fault}.unplanned_worker_exits: {r['unplanned_worker_exits']} exits")


if __name__ == "__main__":
    main()
