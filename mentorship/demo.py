"""Demo data for the mentorship app: a program, its admin and its participants."""

import datetime

from mentorship.models import Participant, Program, User

DEMO_PASSWORD = "mentorship-demo"
ADMIN_EMAIL = "admin@example.com"
PROGRAM_SLUG = "demo"


def ensure_user(email, display_name, time_zone="UTC", **extra):
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": display_name, "time_zone": time_zone, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed():
    admin = ensure_user(ADMIN_EMAIL, "Ada Admin", "Europe/London")
    program, _ = Program.objects.get_or_create(
        slug=PROGRAM_SLUG,
        defaults={
            "name": "Demo mentoring program",
            "description": "A demo program: mentors and mentees who learn from each other.",
            "start_date": datetime.date(2026, 9, 1),
            "end_date": datetime.date(2027, 6, 30),
        },
    )
    program.admins.add(admin)
    mentor = ensure_user("mentor@example.com", "Maya Mentor", "Europe/Berlin")
    mentee = ensure_user("mentee@example.com", "Theo Mentee", "America/New_York")
    Participant.objects.get_or_create(
        program=program, user=mentor, defaults={"role": "mentor", "status": "active", "capacity": 2}
    )
    Participant.objects.get_or_create(
        program=program, user=mentee, defaults={"role": "mentee", "status": "active"}
    )
    return [
        ("program admin", ADMIN_EMAIL, DEMO_PASSWORD),
        ("mentor", mentor.email, DEMO_PASSWORD),
        ("mentee", mentee.email, DEMO_PASSWORD),
    ]
