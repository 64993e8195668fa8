"""The project's Celery app with beat's schedule sped up, for bench/faults.py only.

Beat's real schedule sweeps every 60 s; a fault run bounded to minutes sweeps every few
seconds instead. Workers run the unchanged app (-A mentorship); only beat uses this one.
"""

import os

from mentorship.celery import app

EVERY = float(os.environ.get("FAULTS_BEAT_EVERY", "3"))

app.conf.beat_schedule = {
    "heartbeat": {"task": "mentorship.heartbeat", "schedule": EVERY},
    "send-due-reminders": {
        "task": "sessions.send_due_reminders",
        "schedule": EVERY,
        "options": {"expires": EVERY},
    },
    "deliver-pending-email": {
        "task": "notifications.deliver_pending_email",
        "schedule": EVERY,
        "options": {"expires": EVERY},
    },
}
