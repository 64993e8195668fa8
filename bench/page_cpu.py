"""Benchmark: CPU per request of the dashboard and the pair page, in process, on the x10 set.

    .venv/bin/python bench/page_cpu.py --db mentorship_scale_x10_NAME   # a copy of the x10 set
    .venv/bin/python bench/page_cpu.py --fraction 0.02                  # a quick run

bench/scale.py measures requests per second through gunicorn, which on a shared machine
moves with everyone else's load. This measures the Python process's own CPU time
(time.process_time) per request through Django's test client and every middleware, for the
benchmark's member (scale.identities), and for a bare view (bench/_bare.py's) in the same
process, batch by batch in turn, so that both see the same load. PostgreSQL's own CPU is
not in these figures. Figures are medians of the batches, printed last.
"""

import argparse
import os
import statistics
import tempfile
import time

import _scale_seed as data
from django.http import HttpResponse


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = []  # filled in main(): this module is the bare view's URLconf


def cpu_ms(get, count):
    started = time.process_time()
    for _ in range(count):
        get()
    return (time.process_time() - started) / count * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0, help="of the x10 set")
    parser.add_argument("--db", default=None, help="default mentorship_scale_x10 (or _f<n>)")
    parser.add_argument("--requests", type=int, default=20, help="per page per batch")
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(DEBUG="false", DJANGO_ENV="development", LOG_LEVEL="WARNING")
    os.environ["MENTORSHIP_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-page-cpu-")
    os.makedirs(os.path.join(os.environ["MENTORSHIP_VAR_DIR"], "staticfiles"))
    db = args.db or (
        "mentorship_scale_x10" if args.fraction == 1 else f"mentorship_scale_f{args.fraction:g}"
    ).replace(".", "_")
    data.ensure(db, args.fraction)
    # Imported here, after ensure() has set Django up on that database.
    import scale
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    urlpatterns.append(path("", bare))
    _admin, members = scale.identities(1)
    pair_pk, member = members[0]
    signed_in, anonymous = Client(), Client()
    signed_in.force_login(member)
    pages = {
        "dashboard": lambda: signed_in.get("/"),
        "pair_page": lambda: signed_in.get(f"/pairs/{pair_pk}/"),
    }
    as_bare = override_settings(ROOT_URLCONF=__name__)
    for get in pages.values():
        for _ in range(10):  # warm: templates compiled, connections open
            assert get().status_code == 200
    figures = {name: [] for name in ("bare", *pages)}
    for _ in range(args.batches):
        with as_bare:
            figures["bare"].append(cpu_ms(lambda: anonymous.get("/"), args.requests * 10))
        for name, get in pages.items():
            figures[name].append(cpu_ms(get, args.requests))
    load = os.getloadavg()
    print(
        f"data set {db}; {args.batches} batches of {args.requests} requests a page; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    median = {name: statistics.median(values) for name, values in figures.items()}
    for name, value in median.items():
        print(f"page_cpu.{name}_ms: {value:.2f} ms")
    for name in pages:
        print(f"page_cpu.{name}_vs_bare: {median[name] / median['bare']:.1f} x")


if __name__ == "__main__":
    main()
