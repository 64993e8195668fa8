"""A participant's profile in one program: saving it, and what others may see of it."""

from django.db import transaction
from django.utils import timezone

from mentorship import availability, skills
from mentorship.models import Participant

# Shown only to the participant themselves and their program's admins.
PRIVATE_FIELDS = ("department", "manager_email")


@transaction.atomic
def save_profile(participant, data, onboarding=False):
    """data: role, teaches/learns (lists of names), goals, capacity, availability, department,
    manager_email, time_zone, language, display_name — as cleaned by ProfileForm."""
    program = participant.program
    user = participant.user
    for key in ("role", "goals", "capacity", "department", "manager_email"):
        if key in data:
            setattr(participant, key, data[key])
    if "availability" in data:
        participant.availability = availability.normalise(data["availability"])
    if onboarding or participant.onboarded_at is None:
        participant.onboarded_at = timezone.now()
    if participant.status == Participant.Status.INVITED:
        participant.status = Participant.Status.ACTIVE
    participant.save()
    if "teaches" in data:
        participant.teaches.set(skills.resolve(program, data["teaches"]))
    if "learns" in data:
        participant.learns.set(skills.resolve(program, data["learns"]))
    user_fields = []
    if data.get("time_zone") and data["time_zone"] != user.time_zone:
        user.time_zone = data["time_zone"]
        user_fields.append("time_zone")
    if "language" in data and data["language"] != user.language:
        user.language = data["language"]
        user_fields.append("language")
    if data.get("display_name") and data["display_name"] != user.display_name:
        user.display_name = data["display_name"]
        user_fields.append("display_name")
    if user_fields:
        user.save(update_fields=user_fields)
    return participant


def set_language(user, code):
    """code: one of settings.LANGUAGES, or "" for the browser's choice."""
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])


def public_view(participant):
    """What another participant may see (a match suggestion, someone who sent or got a
    pairing request): never PRIVATE_FIELDS, never the email address."""
    return {
        "name": participant.user.name,
        "role": participant.get_role_display(),
        "teaches": sorted(s.name for s in participant.teaches.all()),
        "learns": sorted(s.name for s in participant.learns.all()),
        "goals": participant.goals,
        "time_zone": participant.user.time_zone,
        "availability": availability.describe(participant.availability),
    }


def partner_view(participant):
    """What a partner sees (their introduction email): the public view and the email
    address, so the two can get in touch. Still never PRIVATE_FIELDS."""
    return {**public_view(participant), "email": participant.user.email}
