"""Matching benchmark over program families, each beside the dense anchor.

    .venv/bin/python bench/matching.py                      # six families at 2k, 10k, 50k
    .venv/bin/python bench/matching.py --family tie-heavy --size 10000   # one of each
    .venv/bin/python bench/matching.py --service 2000       # also the Django service

Families (bench/_matching_data.py): uniform, clustered, tie-heavy (5 skill names, whole
rows tie), huge-vocabulary (10,000 skill names), scarce (mentors 0.2x) and plentiful
(2x). "exact" is `pairs.assignment.solve`, "dense" the anchor (SciPy's dense
`linear_sum_assignment` on the slot-expanded matrix, up to 10,000 mentees; at 50,000 it
would need about 16 GB). Every (family, size, method) runs in its own subprocess so its
peak RSS (ru_maxrss) is clean; time covers building the score model, scoring and
solving (not generating the synthetic people), wall clock and CPU (the CPU ratio is the
steadier one on a shared machine). Per family it prints time, peak memory,
the time ratio to the anchor and whether the totals are equal; figures last as
`matching.<figure>: value unit`. Targets (issue 14): the anchor's total everywhere; at
10,000 mentees at most 0.3x the anchor's time and under 1 GB; 50,000 under 60 s.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _matching_data import FAMILIES  # noqa: E402


def _cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(size, method, objective, family_name="uniform"):
    from _matching_data import family, pool

    from pairs import assignment
    from pairs.matching import PeerScorer, Scorer
    from tests import anchors

    if method.startswith("peer"):
        people, weights = pool(size)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu0 = _cpu()
        start = time.perf_counter()
        scorer = PeerScorer(people, weights)
        if method == "peer-exact":
            total, matched, stats = anchors.solve_peer_exact(scorer), None, {}
        else:
            result = assignment.solve_peer(scorer)
            total, matched, stats = result.total, result.matched, result.stats
    else:
        mentors, mentees, weights = family(family_name, size)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu0 = _cpu()
        start = time.perf_counter()
        scorer = Scorer(mentors, mentees, weights)
        solver = {
            "exact": assignment.solve,
            "dense": anchors.solve_dense,
            "greedy": assignment.solve_greedy,
        }[method]
        result = solver(scorer, objective)
        total, matched, stats = result.total, result.matched, result.stats
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": _cpu() - cpu0,
                "peak_mb": peak / 1024,
                "base_mb": base / 1024,
                "total": total,
                "matched": matched,
                "stats": {k: v for k, v in stats.items() if isinstance(v, int | float | str)},
            }
        )
    )


def measure(size, method, objective="score", family_name="uniform"):
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            method,
            "--size",
            str(size),
            "--objective",
            objective,
            "--family",
            family_name,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def service(size):
    """The Django service end to end on its own PostgreSQL database."""
    import psycopg

    admin_url = os.environ.get(
        "BENCH_ADMIN_URL", "postgresql://mentorship:mentorship@127.0.0.1:5432/postgres"
    )
    name = "bench_matching"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + f"/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    os.environ["MENTORSHIP_VAR_DIR"] = "/tmp/bench_matching_var"
    import django

    django.setup()
    from _matching_data import program as make_program_data
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mentorship.models import Participant, Program, Skill, User
    from pairs import pairing
    from pairs.models import MatchRun, Suggestion

    figures = {}
    try:
        call_command("migrate", verbosity=0)
        mentors, mentees, _weights = make_program_data(size)
        program = Program.objects.create(name="Bench", slug="bench")
        admin = User.objects.create_user("bench-admin@example.com", "x")
        program.admins.add(admin)
        names = sorted({s for p in mentors + mentees for s in p.teaches | p.learns})
        skills = {
            s.name: s
            for s in Skill.objects.bulk_create(Skill(program=program, name=n) for n in names)
        }
        users = User.objects.bulk_create(
            User(email=p.email, display_name=p.name, password="!") for p in mentors + mentees
        )
        people = Participant.objects.bulk_create(
            Participant(
                program=program,
                user=u,
                status="active",
                role="mentor" if i < len(mentors) else "mentee",
                capacity=p.capacity,
                availability=[
                    {
                        "day": s // 48,
                        "start": f"{s % 48 // 2:02d}:{s % 2 * 30:02d}",
                        "end": f"{(s % 48 + 1) // 2:02d}:{(s % 48 + 1) % 2 * 30:02d}",
                    }
                    for s in sorted(p.slots)
                    if s % 48 != 47
                ],
            )
            for i, (u, p) in enumerate(zip(users, mentors + mentees, strict=True))
        )
        teach, learn = Participant.teaches.through, Participant.learns.through
        teach.objects.bulk_create(
            teach(participant_id=part.pk, skill_id=skills[s].pk)
            for part, p in zip(people, mentors + mentees, strict=True)
            for s in p.teaches
        )
        learn.objects.bulk_create(
            learn(participant_id=part.pk, skill_id=skills[s].pk)
            for part, p in zip(people, mentors + mentees, strict=True)
            for s in p.learns
        )
        start = time.perf_counter()
        run = pairing.run_matching(pairing.start_run(program, admin))
        figures["service_run_seconds"] = time.perf_counter() - start
        figures["service_suggestions"] = run.suggestions.count()
        # The review page with 2,000 suggestions.
        Suggestion.objects.filter(run=run).delete()
        review = MatchRun.objects.create(program=program, status="done")
        mentor, mentee = people[0], people[-1]
        Suggestion.objects.bulk_create(
            Suggestion(
                run=review,
                mentor=mentor,
                mentee=mentee,
                score=i / 2000,
                reasons=["x can teach y: SQL"],
                breakdown={"teach": 0.5},
            )
            for i in range(2000)
        )
        client = Client()
        client.force_login(admin)
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(f"/programs/{program.slug}/matching/")
            figures["review_page_seconds"] = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        figures["review_page_queries"] = len(queries)
    finally:
        connection.close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, action="append", help="mentees (repeatable)")
    parser.add_argument("--service", type=int, default=0, help="mentees for the DB service run")
    parser.add_argument("--objective", default="score", choices=["score", "coverage"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--family", action="append", help="program family (repeatable)")
    parser.add_argument("--no-peer", action="store_true", help="skip the peer pools")
    args = parser.parse_args()
    if args.child:
        child(args.size[0], args.child, args.objective, (args.family or ["uniform"])[0])
        return
    figures = []
    for name in args.family or FAMILIES:
        figures += families(name, args.size or [2000, 10000, 50000], args.objective)
    if not args.no_peer:
        figures += peers()
    if args.service:
        for name, value in service(args.service).items():
            unit = "s" if name.endswith("seconds") else ("queries" if "queries" in name else "")
            figures.append((name + (f"_{args.service}" if "service" in name else ""), value, unit))
    figures.append(("cpu_cores_shared", os.cpu_count(), "cores"))
    for name, value, unit in figures:
        shown = (
            f"{value:.6f}"
            if "minus" in name
            else (f"{value:.4f}" if isinstance(value, float) else str(value))
        )
        print(f"matching.{name}: {shown} {unit}".rstrip())


def families(name, sizes, objective):
    """One family at each size: the solver beside the dense anchor (up to 10,000)."""
    figures = []
    key = name.replace("-", "_")
    for size in sizes:
        exact = measure(size, "exact", objective, name)
        dense = measure(size, "dense", objective, name) if size <= 10000 else None
        tag = f"{key}_{size // 1000}k"
        if exact is None:
            figures.append((f"exact_{tag}_failed", 1, "bool"))
            continue
        stats = exact["stats"]
        line = (
            f"-- {name} {size}: {exact['seconds']:.2f} s (cpu {exact['cpu_seconds']:.2f} s), "
            f"{exact['peak_mb']:.0f} MB, "
            f"total {exact['total']:.4f}, {exact['matched']} pairs, "
            f"certified {stats.get('certified_optimal')}"
        )
        if dense:
            line += (
                f" | anchor {dense['seconds']:.2f} s (cpu {dense['cpu_seconds']:.2f} s), "
                f"{dense['peak_mb']:.0f} MB, total {dense['total']:.4f} | ratio "
                f"{exact['seconds'] / dense['seconds']:.3f} (cpu "
                f"{exact['cpu_seconds'] / dense['cpu_seconds']:.3f})"
            )
        print(line, flush=True)
        figures += [
            (f"exact_{tag}_seconds", exact["seconds"], "s"),
            (f"exact_{tag}_cpu_seconds", exact["cpu_seconds"], "s"),
            (f"exact_{tag}_peak_rss", exact["peak_mb"], "MB"),
            (f"exact_{tag}_total", exact["total"], "score"),
            (f"exact_{tag}_matched", exact["matched"], "pairs"),
            (f"exact_{tag}_certified_optimal", int(stats.get("certified_optimal", False)), "bool"),
            (f"exact_{tag}_rounds", stats.get("rounds", 0), "rounds"),
        ]
        if dense:
            equal = abs(exact["total"] - dense["total"]) <= 1e-6 * max(1.0, abs(dense["total"]))
            figures += [
                (f"dense_{tag}_seconds", dense["seconds"], "s"),
                (f"dense_{tag}_peak_rss", dense["peak_mb"], "MB"),
                (f"exact_minus_dense_{tag}_total", exact["total"] - dense["total"], "score"),
                (f"totals_equal_{tag}", int(equal), "bool"),
                (f"exact_vs_dense_{tag}_time", exact["seconds"] / dense["seconds"], "x"),
                # CPU seconds too: on a shared machine the wall-clock ratio swings with load.
                (f"exact_vs_dense_{tag}_cpu", exact["cpu_seconds"] / dense["cpu_seconds"], "x"),
            ]
    return figures


def peers():
    """Peer pools: exact up to EXACT_POOL people, the relaxation's bound beyond."""
    figures = []
    for size in (60, 120, 200, 300, 2000):
        peer = measure(size, "peer")
        figures += [
            (f"peer_{size}_seconds", peer["seconds"], "s"),
            (f"peer_{size}_total", peer["total"], "score"),
            (f"peer_{size}_certified_optimal", int(peer["stats"].get("certified_optimal")), "bool"),
        ]
        if "upper_bound" in peer["stats"]:
            bound = peer["stats"]["upper_bound"]
            figures.append((f"peer_{size}_vs_upper_bound", 100 * peer["total"] / bound, "%"))
    return figures


if __name__ == "__main__":
    main()
