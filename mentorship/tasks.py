from celery import shared_task

from mentorship import heartbeat as heartbeat_service


@shared_task(name="mentorship.heartbeat")
def heartbeat(name="worker"):
    return heartbeat_service.beat(name).isoformat()
