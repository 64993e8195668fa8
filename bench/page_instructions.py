"""Benchmark: instructions per request of the dashboard, the pair page, the admin pages and a
bare view, on the x10 set, counted by valgrind (callgrind): the same figure on a busy or a
quiet machine.

    .venv/bin/python bench/page_instructions.py                  # the x10 set
    .venv/bin/python bench/page_instructions.py --fraction 0.02  # a quick run
    .venv/bin/python bench/page_instructions.py --pages dashboard --requests 40

CPU time per request (bench/page_cpu.py) and requests per second (bench/scale.py) move by
20-30% between runs on a shared virtual machine; a count of instructions moves by less than
1%, so a change of a few percent shows. Each page runs in its own Python under callgrind with
counting off while Django starts and the page is warmed (10 requests), on for `--requests`
requests through Django's test client and every middleware, then off. The benchmark's
member (scale.identities) views the pages; the bare view is bench/page_cpu.py's, anonymous,
behind the same middleware. PostgreSQL's own work is not counted (another process); the
ratio bare / page is the share of the bare view's work a page costs in the web process,
the part of bench/scale.py's rps ratio that this code decides. Needs valgrind
(`apt-get install valgrind`); each page takes about a minute. Figures are printed last.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import _scale_seed as data

PAGES = ("bare", "dashboard", "pair_page", "matching", "pairs_list", "participants", "health")
# The program admin's pages, of the x10 set's largest program (health: its 90-day preset).
ADMIN_PAGES = {
    "matching": "/programs/scale-0/matching/",
    "pairs_list": "/programs/scale-0/pairs/",
    "participants": "/programs/scale-0/participants/",
    "health": "/programs/scale-0/health/?preset=90",
}
WARM = 10


def child(page, count, flags):
    """In the valgrind process: warm, then count `count` requests between the flags."""
    import page_cpu
    import scale
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    page_cpu.urlpatterns.append(path("", page_cpu.bare))
    admin, members = scale.identities(1)
    pair_pk, member = members[0]
    client = Client()
    if page == "bare":
        override_settings(ROOT_URLCONF="page_cpu").enable()
        url = "/"
    elif page in ADMIN_PAGES:
        client.force_login(admin)
        url = ADMIN_PAGES[page]
    else:
        client.force_login(member)
        url = "/" if page == "dashboard" else f"/pairs/{pair_pk}/"
    for _ in range(WARM):
        assert client.get(url).status_code == 200, url
    _signal(flags, "ready")
    _wait(flags, "go")
    for _ in range(count):
        client.get(url)
    _signal(flags, "done")
    _wait(flags, "exit")


def _signal(flags, name):
    open(os.path.join(flags, name), "w").close()


def _wait(flags, name, proc=None, timeout=600):
    deadline = time.monotonic() + timeout
    while not os.path.exists(os.path.join(flags, name)):
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the page's process exited ({proc.returncode}) before '{name}'")
        if time.monotonic() > deadline:
            raise SystemExit(f"no '{name}' within {timeout} s")
        time.sleep(0.2)


def count_instructions(page, db, count):
    """Instructions per request of `page`, from callgrind's total over `count` requests."""
    flags = tempfile.mkdtemp(prefix="bench-instr-")
    out = os.path.join(flags, "callgrind.out")
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
               sys.executable, __file__, "--child", page, "--db", db, "--requests", str(count),
               "--flags", flags]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait(flags, "ready", proc)
        subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], check=True,
                       capture_output=True)  # fmt: skip
        _signal(flags, "go")
        _wait(flags, "done", proc)
        subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], check=True,
                       capture_output=True)  # fmt: skip
        _signal(flags, "exit")
        output, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    found = re.search(r"Collected : (\d+)", output)
    if proc.returncode != 0 or not found:
        raise SystemExit(
            f"{page}: callgrind gave no count (exit {proc.returncode}):\n{output[-2000:]}"
        )
    return int(found.group(1)) / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0, help="of the x10 set")
    parser.add_argument("--db", default=None, help="default mentorship_scale_x10 (or _f<n>)")
    parser.add_argument("--requests", type=int, default=20, help="counted requests a page")
    parser.add_argument("--pages", default=",".join(PAGES), help="of " + ", ".join(PAGES))
    parser.add_argument("--child", choices=PAGES, help=argparse.SUPPRESS)
    parser.add_argument("--flags", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # HEALTH_CACHE_SECONDS=0: the health page computes its figures on every request.
    os.environ.update(
        DEBUG="false", DJANGO_ENV="development", LOG_LEVEL="WARNING", HEALTH_CACHE_SECONDS="0"
    )
    db = args.db or (
        "mentorship_scale_x10" if args.fraction == 1 else f"mentorship_scale_f{args.fraction:g}"
    ).replace(".", "_")
    if not os.environ.get("MENTORSHIP_VAR_DIR"):
        os.environ["MENTORSHIP_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-instr-var-")
        os.makedirs(os.path.join(os.environ["MENTORSHIP_VAR_DIR"], "staticfiles"))
    if args.child:
        os.environ["DATABASE_URL"] = f"{data.PG}/{db}"
        import django

        django.setup()
        return child(args.child, args.requests, args.flags)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if unknown := set(pages) - set(PAGES):
        parser.error(f"unknown pages {sorted(unknown)}; pages: {', '.join(PAGES)}")
    if subprocess.run(["which", "valgrind"], capture_output=True).returncode != 0:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    data.ensure(db, args.fraction)
    figures = {page: count_instructions(page, db, args.requests) for page in pages}
    print(f"data set {db}; {args.requests} counted requests a page after {WARM} uncounted")
    for page, value in figures.items():
        print(f"page_instructions.{page}: {value / 1e6:.2f} M instructions/request")
    if "bare" in figures:
        for page in [p for p in figures if p != "bare"]:
            print(f"page_instructions.{page}_vs_bare: {figures['bare'] / figures[page]:.3f} ratio")


if __name__ == "__main__":
    main()
