"""Start a test identity provider as a subprocess on a free loopback port, and stop it."""

import json
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.services import require_real_clock

HERE = Path(__file__).resolve().parent


@contextmanager
def serve(script, port, *args, ready_path="/", timeout=30):
    require_real_clock("the test identity provider")  # its tokens' times are its own
    process = subprocess.Popen(
        [sys.executable, str(HERE / script), str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(HERE)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{script} exited: {process.stderr.read()[-3000:]}")
            try:
                urllib.request.urlopen(base + ready_path, timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{script} did not answer on {base}{ready_path}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def control(base, **values):
    """POST the IdP's /control/ with values (JSON); returns what it now holds."""
    request = urllib.request.Request(
        base + "/control/",
        data=json.dumps(values).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())
