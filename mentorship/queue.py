"""Enqueueing background work after the transaction commits, never failing the request."""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs):
    """task.delay(*args) once the current transaction commits.

    If the broker is down the request still succeeds: the failure is logged and the
    work must be recoverable from the database (e.g. a periodic sweep of pending rows).
    """

    def publish():
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:
            log.exception("Could not enqueue %s; a periodic sweep will pick it up", task.name)

    transaction.on_commit(publish)
