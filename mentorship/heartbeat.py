from django.db.models import F
from django.utils import timezone

from mentorship.models import WorkerHeartbeat


def beat(name="worker"):
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(seen_at=now, count=F("count") + 1)
    if not updated:
        WorkerHeartbeat.objects.get_or_create(name=name, defaults={"seen_at": now, "count": 1})
    return now


def last_seen(name="worker"):
    row = WorkerHeartbeat.objects.filter(name=name).first()
    return row.seen_at if row else None
