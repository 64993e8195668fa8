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

__all__ = [
    "AdminInvite",
    "ImportBatch",
    "Invite",
    "Participant",
    "Program",
    "ScimToken",
    "Skill",
    "User",
    "WorkerHeartbeat",
]
