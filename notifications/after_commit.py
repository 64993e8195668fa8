"""Publishing background work once the current transaction commits, never failing the request.

It lives at the bottom so every app, the outbox included, queues work the same way and
by task name: a service never imports a tasks module (tasks are the outer layer).
"""

import logging

from celery import current_app
from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task_name, *args, **kwargs):
    """Run the task `task_name` with these arguments once the current transaction commits.

    If the broker is down the request still succeeds: the failure is logged and the
    work must be recoverable from the database (e.g. a periodic sweep of pending rows).
    """

    def publish():
        try:
            task = current_app.tasks.get(task_name)
            if task is not None:
                task.apply_async(args=args, kwargs=kwargs)  # honours task_always_eager
            else:
                current_app.send_task(task_name, args=args, kwargs=kwargs)
        except Exception:
            log.exception("Could not enqueue %s; a periodic sweep will pick it up", task_name)

    transaction.on_commit(publish)


def enqueue_at(when, task_name, *args):
    """Run the task `task_name` at the moment `when`, once the current transaction commits.
    Only with a broker: in process (no broker) nothing waits; the periodic sweep runs it."""
    if current_app.conf.task_always_eager:
        return

    def publish():
        try:
            current_app.send_task(task_name, args=args, eta=when)
        except Exception:
            log.exception("Could not schedule %s; a periodic sweep will pick it up", task_name)

    transaction.on_commit(publish)
