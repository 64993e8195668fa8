"""A throwaway redis-server on a port of 6390-6399, for tests and benchmarks that stop and
start their broker (never the shared one on 6379)."""

import contextlib
import os
import signal
import socket
import subprocess
import time

PORTS = range(6390, 6400)


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class OwnRedis:
    """port is None when every port of PORTS is taken."""

    def __init__(self, workdir):
        self.port = next((p for p in PORTS if port_free(p)), None)
        self.pidfile = workdir / f"redis-{self.port}.pid"
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--daemonize",
             "yes", "--save", "", "--appendonly", "no", "--pidfile", str(self.pidfile)],
            check=True, capture_output=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        with contextlib.suppress(Exception):
            os.kill(int(self.pidfile.read_text()), signal.SIGKILL)  # as a crash of the host
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not port_free(self.port):
                time.sleep(0.05)
