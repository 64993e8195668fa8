from mentorship.models.programs import Invite, Participant, Program, Skill
from mentorship.models.users import User, WorkerHeartbeat

__all__ = ["Invite", "Participant", "Program", "Skill", "User", "WorkerHeartbeat"]
