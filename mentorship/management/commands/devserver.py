"""runserver, plus the Celery beat schedule run in process when there is no broker.

With no CELERY_BROKER_URL, tasks run eagerly; this thread plays the part of
`celery beat` so reminders and nudges still go out on time in development.
"""

import threading

from celery.schedules import schedule as every
from django.conf import settings
from django.core.management.commands.runserver import Command as RunserverCommand
from django.db import close_old_connections
from django.utils import timezone

from mentorship.celery import app


def _as_schedule(value):
    return value if hasattr(value, "is_due") else every(run_every=value)


def run_beat_forever(stop, tick=5.0, stdout=None):
    app.loader.import_default_modules()  # autodiscovery is lazy; register every task now
    entries = {
        name: {"task": entry["task"], "schedule": _as_schedule(entry["schedule"]), "last": None}
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }
    while not stop.is_set():
        for name, entry in entries.items():
            last = entry["last"]
            if last is not None and not entry["schedule"].is_due(last).is_due:
                continue
            entry["last"] = timezone.now()
            try:
                app.tasks[entry["task"]].apply()
            except Exception as exc:  # keep the dev server alive; say what failed
                if stdout:
                    stdout.write(f"[beat] {name} failed: {exc}\n")
            finally:
                close_old_connections()
        stop.wait(tick)


class Command(RunserverCommand):
    help = "Development server; with no broker it also runs the periodic tasks in process."

    def inner_run(self, *args, **options):
        if not settings.CELERY_BROKER_URL and settings.CELERY_BEAT_SCHEDULE:
            stop = threading.Event()
            thread = threading.Thread(
                target=run_beat_forever,
                args=(stop,),
                kwargs={"stdout": self.stdout},
                daemon=True,
                name="dev-beat",
            )
            thread.start()
            self.stdout.write(
                f"Periodic tasks run in process: {', '.join(settings.CELERY_BEAT_SCHEDULE)}"
            )
        return super().inner_run(*args, **options)
