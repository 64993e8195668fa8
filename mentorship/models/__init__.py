from mentorship.models.programs import (
    AdminInvite,
    ImportBatch,
    Invite,
    Participant,
    Program,
    ScimToken,
    Skill,
)
from mentorship.models.users import User, WorkerHeartbeat
from mentorship.models.webhooks import WebhookEndpoint

__all__ = [
    "AdminInvite",
    "ImportBatch",
    "Invite",
    "Participant",
    "Program",
    "ScimToken",
    "Skill",
    "User",
    "WebhookEndpoint",
    "WorkerHeartbeat",
]
