"""The Celery app. Configuration lives in settings under the CELERY_ prefix."""

import importlib
import importlib.util
import os

from celery import Celery
from django.apps import apps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _import_task_modules(sender, **kwargs):
    """Import every app's tasks module once the app is finalized.

    A worker does this itself; the dev server's in-process beat (no broker) looks tasks
    up by name in app.tasks, so outside a worker they must be imported too.
    """
    if apps.ready:
        # Not loader.import_default_modules(): its Django fixup calls django.setup() again,
        # which re-applies LOGGING (dropping handlers others added, pytest's caplog
        # included) and runs every system check, on the first task a web process touches.
        for config in apps.get_app_configs():
            name = f"{config.name}.tasks"
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
