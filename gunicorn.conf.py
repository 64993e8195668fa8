"""gunicorn's settings for every web process (Dockerfile, docker-compose.yml, bench/): read
from this folder by default, or with -c. WEB_CONCURRENCY and WEB_THREADS override.

Threads, not sync workers: a CSV export streams for seconds, and a sync worker held by it
makes every request behind it wait (at 8 clients the exports' first byte waited 3-13 s on
3 sync workers). With threads a request waits for a thread, not for a whole process. Eight
threads, since a keep-alive client stays on one process: with four, a process holding five
clients' connections kept one waiting for a whole export (10 s). Pages stay CPU-bound under
the GIL, so the processes still bring the parallelism."""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 60
