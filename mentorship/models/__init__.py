from mentorship.models.programs import ImportBatch, Invite, Participant, Program, Skill
from mentorship.models.users import User, WorkerHeartbeat

__all__ = ["ImportBatch", "Invite", "Participant", "Program", "Skill", "User", "WorkerHeartbeat"]
