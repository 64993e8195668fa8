"""gunicorn's settings for every web process (Dockerfile, docker-compose.yml, bench/): read
from this folder by default, or with -c. WEB_CONCURRENCY and WEB_THREADS override.

Threads, not sync workers: a CSV export streams for seconds, and a sync worker held by it
makes every request behind it wait (at 8 clients the exports' first byte waited 3-13 s on
3 sync workers). With threads a request waits for a thread, not for a whole process. Eight
threads, since a keep-alive client stays on one process: with four, a process holding five
clients' connections kept one waiting for a whole export (10 s). Pages stay CPU-bound under
the GIL, so the processes still bring the parallelism.

The garbage collector's full collections: a web process holds about 200,000 tracked objects
(modules, URL patterns, compiled templates) that live as long as it does, and a full
collection walked them all, 78 ms on the x10 matching review, with the GIL held: every
thread of the process stood still, and the request that triggered it took three times its
p50. Once the app is loaded (and again once the first requests have compiled templates and
filled Django's lazy caches), those objects are collected once and frozen (gc.freeze: left
out of later collections); a full collection then walks what requests created (under 1 ms
there). Cycles among later objects are still collected."""

import gc
import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 60

FREEZE_AGAIN_AFTER = 100  # requests: templates compiled and lazy caches filled by then


def freeze_long_lived():
    """Collect what is garbage now, then leave every object alive from later collections."""
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    freeze_long_lived()


def post_request(worker, req, environ, resp):
    # After the response is written and logged; once per process (two threads at once
    # would only freeze twice).
    if worker.nr >= FREEZE_AGAIN_AFTER and not getattr(worker, "frozen_again", False):
        worker.frozen_again = True
        freeze_long_lived()
