"""Plain builders for test data on the real database. Extend in your own module if needed."""

import datetime
import itertools

from django.utils import timezone

from mentorship.models import Participant, Program, Skill, User

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def make_user(email=None, **extra):
    email = email or f"user{next(_seq)}@example.com"
    extra.setdefault("display_name", email.split("@")[0].replace(".", " ").title())
    return User.objects.create_user(email, PASSWORD, **extra)


def make_program(name=None, admins=(), **extra):
    n = next(_seq)
    program = Program.objects.create(
        name=name or f"Program {n}", slug=extra.pop("slug", f"program-{n}"), **extra
    )
    program.admins.add(*admins)
    return program


def skills(program, *names):
    return [Skill.objects.get_or_create(program=program, name=name)[0] for name in names]


def make_participant(program, user=None, role="mentee", teaches=(), learns=(), **extra):
    user = user or make_user()
    extra.setdefault("status", "active")
    participant = Participant.objects.create(program=program, user=user, role=role, **extra)
    participant.teaches.set(skills(program, *teaches))
    participant.learns.set(skills(program, *learns))
    return participant


def make_pair(mentor, mentee, status="active", **extra):
    from pairs.models import Pair

    extra.setdefault("started_on", datetime.date(2026, 10, 1))
    return Pair.objects.create(
        program=mentor.program, mentor=mentor, mentee=mentee, status=status, **extra
    )


def make_session(pair, author=None, when=None, **extra):
    from sessions.models import Session

    return Session.objects.create(
        pair=pair,
        occurred_at=when or timezone.now() - datetime.timedelta(days=1),
        created_by=author or pair.mentee.user,
        **extra,
    )


def make_action(pair, text="Read a chapter", owner="mentee", due_on=None, **extra):
    from sessions.models import NextAction

    return NextAction.objects.create(
        pair=pair,
        text=text,
        owner=owner,
        due_on=due_on or timezone.localdate() + datetime.timedelta(days=7),
        **extra,
    )


class World:
    """The usual personas: two programs, their admins, a pair and an outsider."""

    def __init__(self):
        self.admin = make_user("admin@example.com", display_name="Ada Admin")
        self.other_admin = make_user("other-admin@example.com", display_name="Otto Admin")
        self.program = make_program("Main program", admins=[self.admin], slug="main")
        self.other_program = make_program("Other program", admins=[self.other_admin], slug="other")
        self.mentor = make_participant(
            self.program,
            make_user("mentor@example.com", display_name="Maya Mentor"),
            role="mentor",
            teaches=["SQL", "Hiring"],
            learns=["Figma"],
            capacity=2,
        )
        self.mentee = make_participant(
            self.program,
            make_user("mentee@example.com", display_name="Theo Mentee"),
            role="mentee",
            teaches=["Figma"],
            learns=["SQL"],
        )
        self.other = make_participant(
            self.program,
            make_user("other@example.com", display_name="Olga Other"),
            role="mentee",
            learns=["Hiring"],
        )
        self.stranger = make_user("stranger@example.com", display_name="Sam Stranger")
        self.superuser = User.objects.create_superuser("root@example.com", PASSWORD)
        self.pair = make_pair(self.mentor, self.mentee)

    def personas(self):
        return {
            "anonymous": None,
            "mentor": self.mentor.user,
            "mentee": self.mentee.user,
            "other_participant": self.other.user,
            "program_admin": self.admin,
            "other_program_admin": self.other_admin,
            "stranger": self.stranger,
            "superuser": self.superuser,
        }
