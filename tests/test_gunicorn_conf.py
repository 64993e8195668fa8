"""gunicorn.conf.py's garbage-collector hooks: a web process freezes what it loaded, once when
it starts and once more after its first requests, so that a full collection no longer walks
(and stops every thread for) the app's long-lived objects."""

import gc
import pathlib
import runpy
import types

import pytest

CONF = runpy.run_path(str(pathlib.Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))


@pytest.fixture
def frozen():
    """Counts what the hooks freeze, and unfreezes it after the test."""
    gc.unfreeze()
    yield gc.get_freeze_count
    gc.unfreeze()


def test_a_worker_freezes_what_it_loaded(frozen):
    CONF["post_worker_init"](types.SimpleNamespace())
    assert frozen() > 1000


def test_it_freezes_once_more_after_its_first_requests(frozen):
    worker = types.SimpleNamespace(nr=CONF["FREEZE_AGAIN_AFTER"] - 1)
    CONF["post_request"](worker, None, {}, None)
    assert frozen() == 0
    worker.nr += 1
    CONF["post_request"](worker, None, {}, None)
    first = frozen()
    assert first > 1000
    gc.unfreeze()
    worker.nr += 1
    CONF["post_request"](worker, None, {}, None)  # not again
    assert frozen() == 0


def test_the_settings_gunicorn_reads():
    assert CONF["worker_class"] == "gthread" and CONF["workers"] >= 1 and CONF["threads"] >= 1
