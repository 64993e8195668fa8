"""Demo data for the mentorship app: a realistic program, its admin and ~45 participants.

Deterministic (a seeded random generator) and idempotent: a second run changes nothing.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from mentorship.models import Participant, Program, Skill, User

DEMO_PASSWORD = "mentorship-demo"
ADMIN_EMAIL = "admin@example.com"
PROGRAM_SLUG = "demo"

SKILLS = [
    "SQL",
    "Python",
    "Data visualisation",
    "Public speaking",
    "Hiring",
    "Giving feedback",
    "Figma",
    "User research",
    "Product strategy",
    "Negotiation",
    "Kubernetes",
    "Writing",
    "Budgeting",
    "Career planning",
    "Accessibility",
    "Machine learning",
    "Running meetings",
    "Stakeholder management",
]
DEPARTMENTS = ["Engineering", "Design", "Data", "Product", "Sales", "Finance", "People"]
TIME_ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "Europe/Lisbon",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
    "Africa/Lagos",
]
FIRST = [
    "Amara", "Ben", "Chen", "Dana", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kemi", "Luca", "Mira", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zara", "Aiko", "Bruno", "Carmen", "Dev",
    "Esme", "Femi", "Gita", "Hana", "Ivo", "Jade", "Kai", "Lena", "Malik", "Nora",
    "Omar", "Pia", "Raj",
]  # fmt: skip
LAST = ["Okafor", "Schmidt", "Nakamura", "Silva", "Haddad", "Novak", "Reyes", "Larsen", "Osei"]
GOALS = [
    "Become confident presenting to leadership.",
    "Move from individual contributor to leading a small team.",
    "Learn enough {learn} to do my own analysis.",
    "Get better at {learn} and share what I know about {teach}.",
    "Prepare for a promotion conversation next year.",
    "Understand how other departments make decisions.",
    "Build a habit of asking for and giving feedback.",
    "Switch careers into {learn} within two years.",
]
MENTORS, MENTEES, BOTH = 15, 30, 4

# The two sign-ins a newcomer tries first are a good match both ways, so the demo
# shows what reciprocal matching means: Berlin 16-18h is New York 10-12h.
SHOWCASE = {
    "mentor@example.com": {
        "teach": ["SQL", "Hiring", "Giving feedback"],
        "learn": ["Figma", "User research"],
        "department": "Data",
        "goal": "Learn how designers research and share what I know about hiring.",
        "windows": [{"day": 1, "start": "16:00", "end": "18:00"}],
    },
    "mentee@example.com": {
        "teach": ["Figma", "User research"],
        "learn": ["SQL", "Giving feedback"],
        "department": "Design",
        "goal": "Learn enough SQL to do my own analysis, and teach Figma in return.",
        "windows": [{"day": 1, "start": "10:00", "end": "12:00"}],
    },
}


def ensure_user(email, display_name, time_zone="UTC", password_hash=None, **extra):
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": display_name, "time_zone": time_zone, **extra}
    )
    if created:
        user.password = password_hash or make_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _availability(rng):
    windows = []
    for day in sorted(rng.sample(range(5), rng.randint(1, 3))):
        start = rng.choice([8, 9, 10, 12, 14, 16, 17])
        length = rng.choice([1, 1, 2])
        windows.append({"day": day, "start": f"{start:02d}:00", "end": f"{start + length:02d}:00"})
    return windows


def _people(rng):
    """(email, name, role, time zone) for everyone, the two well-known demo sign-ins first."""
    people = [
        ("mentor@example.com", "Maya Mentor", "mentor", "Europe/Berlin"),
        ("mentee@example.com", "Theo Mentee", "mentee", "America/New_York"),
    ]
    half = BOTH // 2
    roles = ["mentor"] * (MENTORS - 1 - half) + ["both"] * BOTH + ["mentee"] * (MENTEES - 1 - half)
    for i, role in enumerate(roles):
        first, last = FIRST[i % len(FIRST)], LAST[i % len(LAST)]
        email = f"{first.lower()}.{last.lower()}@example.com"
        people.append((email, f"{first} {last}", role, rng.choice(TIME_ZONES)))
    return people


def seed():
    rng = random.Random(20260901)  # noqa: S311 - demo data, not security
    password_hash = make_password(DEMO_PASSWORD)  # hash once: 45 users stay fast to seed
    admin = ensure_user(ADMIN_EMAIL, "Ada Admin", "Europe/London", password_hash)
    program, _ = Program.objects.get_or_create(
        slug=PROGRAM_SLUG,
        defaults={
            "name": "Demo mentoring program",
            "description": (
                "A demo program: mentors and mentees who learn from each other. "
                "Everyone teaches something; everyone learns something."
            ),
            "start_date": datetime.date(2026, 9, 1),
            "end_date": datetime.date(2027, 6, 30),
            "cadence_days": 14,
            "nudge_weekday": 0,
        },
    )
    program.admins.add(admin)
    vocabulary = {
        name: Skill.objects.get_or_create(program=program, name=name)[0] for name in SKILLS
    }
    onboarded = timezone.make_aware(datetime.datetime(2026, 9, 1, 9, 0))
    for email, name, role, tz in _people(rng):
        # Draw everything first, so the sequence is the same whether or not rows exist.
        teach = rng.sample(SKILLS, rng.randint(2, 4) if role != "mentee" else rng.randint(1, 2))
        learn = rng.sample([s for s in SKILLS if s not in teach], rng.randint(1, 3))
        department = rng.choice(DEPARTMENTS)
        goal = rng.choice(GOALS).format(learn=learn[0], teach=teach[0])
        windows = _availability(rng)
        capacity = rng.choice([1, 2, 2, 3]) if role != "mentee" else 1
        if email in SHOWCASE:
            show = SHOWCASE[email]
            teach, learn, department = show["teach"], show["learn"], show["department"]
            goal, windows = show["goal"], show["windows"]
        manager = f"lead.{department.lower()}@example.com"
        user = ensure_user(email, name, tz, password_hash)
        participant, created = Participant.objects.get_or_create(
            program=program,
            user=user,
            defaults={
                "role": role,
                "status": Participant.Status.ACTIVE,
                "capacity": capacity,
                "goals": goal,
                "department": department,
                "manager_email": manager,
                "availability": windows,
                "onboarded_at": onboarded,
            },
        )
        if created:
            participant.teaches.set([vocabulary[s] for s in teach])
            participant.learns.set([vocabulary[s] for s in learn])
    return [
        ("program admin", ADMIN_EMAIL, DEMO_PASSWORD),
        ("mentor", "mentor@example.com", DEMO_PASSWORD),
        ("mentee", "mentee@example.com", DEMO_PASSWORD),
    ]
