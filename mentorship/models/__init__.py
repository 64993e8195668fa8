from mentorship.models.programs import AdminInvite, ImportBatch, Invite, Participant, Program, Skill
from mentorship.models.users import User, WorkerHeartbeat

__all__ = [
    "AdminInvite",
    "ImportBatch",
    "Invite",
    "Participant",
    "Program",
    "Skill",
    "User",
    "WorkerHeartbeat",
]
