"""Demo sessions: both sides, next actions in every state, some overdue.

Idempotent: a pair that already has sessions is left alone, so a second run creates
nothing. Dates are relative to the day of the first run, so the demo looks alive.
"""

import datetime

from django.utils import timezone

from mentorship.models import Program, User
from pairs.models import Pair
from sessions import reminders
from sessions.models import (
    AgendaItem,
    Agreement,
    Goal,
    Milestone,
    NextAction,
    Session,
    SessionSide,
)

PROGRAM_SLUG = "demo"
MENTOR_EMAIL = "mentor@example.com"

SESSIONS = [
    # days ago, topics, shared notes, mentor side, mentee side
    (
        42,
        "Getting started, goals",
        "We agreed to meet every two weeks.\n{mentee} wants to get confident with {skill}.",
        {
            "learned": "How the design team plans a sprint.",
            "shared": "How I learned {skill} on the job.",
            "questions": "What does a good first month look like for you?",
            "unsure": "Whether I explain things too fast.",
            "private_note": "Remember to slow down.",
        },
        {
            "learned": "The first principles of {skill}.",
            "shared": "What I know about {back}.",
            "questions": "Which {skill} book would you start with?\nHow do you practise?",
            "unsure": "If I can ask basic questions.",
            "private_note": "I felt nervous but it went well.",
        },
    ),
    (
        28,
        "{skill} exercises, {back} review",
        "Worked through three {skill} exercises together.",
        {
            "learned": "{back} is easier to pick up than I thought.",
            "shared": "{skill} with our real work.",
            "questions": "How do you use {back} day to day?",
            "unsure": "",
            "private_note": "",
        },
        {
            "learned": "Small steps in {skill} add up.\nPractice beats reading.",
            "shared": "How to review {back} work critically.",
            "questions": "When is {skill} the wrong tool?",
            "unsure": "How to judge my own {skill} work.",
            "private_note": "",
        },
    ),
    (
        14,
        "Going deeper in {skill}, career paths",
        "Went through a real {skill} example together.",
        {
            "learned": "How juniors experience our interviews.",
            "shared": "Our hiring rubric.",
            "questions": "What would have helped you in your interview?",
            "unsure": "Whether our rubric is fair.",
            "private_note": "Follow up with HR about the rubric.",
        },
        {
            "learned": "Where experts spend their time in {skill}.",
            "shared": "What my interview felt like.",
            "questions": "How do you decide what to learn next?",
            "unsure": "",
            "private_note": "",
        },
    ),
    (
        6,
        "A real {skill} task",
        "{mentee} did a real {skill} task; {mentor} reviewed it.",
        None,  # the mentor has not added their side yet: the dashboard asks for it
        {
            "learned": "A new {skill} technique.",
            "shared": "A {back} shortcut.",
            "questions": "Can you review my next piece of work?",
            "unsure": "If my work is good enough.",
            "private_note": "Proud of this one.",
        },
    ),
]


def _pairs(program):
    """The demo's active pairs: pairs.demo (it runs first) made them."""
    return list(
        Pair.objects.filter(program=program, status=Pair.Status.ACTIVE)
        .select_related("program", "mentor__user", "mentee__user")
        .prefetch_related("mentor__teaches", "mentor__learns", "mentee__teaches", "mentee__learns")
        .order_by("pk")
    )


def _at(today, days_ago, hour=16):
    day = today - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=datetime.UTC)


def _words(pair):
    """The names and the pair's own skills, so each demo pair talks about its own topics."""
    teaches = {s.name for s in pair.mentor.teaches.all()}
    learns = {s.name for s in pair.mentee.learns.all()}
    back_teaches = {s.name for s in pair.mentee.teaches.all()}
    back_learns = {s.name for s in pair.mentor.learns.all()}
    skill = sorted(teaches & learns) or sorted(teaches) or ["the topic"]
    back = sorted(back_teaches & back_learns) or sorted(back_teaches) or ["your own work"]
    return {
        "mentor": pair.mentor.user.name,
        "mentee": pair.mentee.user.name,
        "skill": skill[0],
        "back": back[0],
    }


def _fill(text, pair):
    return text.format(**pair.demo_words) if text else text


def _action(pair, text, owner, due_on, created_in, by, **extra):
    action = NextAction(
        pair=pair,
        text=_fill(text, pair),
        owner=owner,
        due_on=due_on,
        created_in=created_in,
        created_by=by,
        **extra,
    )
    reminders.rearm(action, save=False)
    action.save()
    return action


def seed_pair(pair, today):
    pair.demo_words = _words(pair)
    mentor, mentee = pair.mentor.user, pair.mentee.user
    sessions = []
    for days_ago, topics, notes, mentor_side, mentee_side in SESSIONS:
        author = mentee if mentor_side is None else mentor
        session = Session.objects.create(
            pair=pair,
            status=Session.Status.LOGGED,
            occurred_at=_at(today, days_ago),
            duration_minutes=45,
            format=Session.Format.VIDEO,
            topics=_fill(topics, pair),
            shared_notes=_fill(notes, pair),
            created_by=author,
            updated_by=author,
        )
        for side, user, values in (
            ("mentor", mentor, mentor_side),
            ("mentee", mentee, mentee_side),
        ):
            if values is not None:
                values = {k: _fill(v, pair) for k, v in values.items()}
                SessionSide.objects.create(session=session, side=side, author=user, **values)
        sessions.append(session)
    s1, s2, s3, s4 = sessions
    d = datetime.timedelta
    _action(
        pair,
        "Read chapter 1 of a {skill} book",
        "mentee",
        today - d(35),
        s1,
        mentee,
        status="done",
        done_at=s2.occurred_at,
        done_by=mentee,
        reviewed_in=s2,
    )
    _action(
        pair,
        "Share two {back} examples",
        "mentor",
        today - d(33),
        s1,
        mentor,
        status="done",
        done_at=s2.occurred_at - d(days=2),
        done_by=mentor,
        reviewed_in=s2,
    )
    _action(
        pair,
        "Try {back} on a small task",
        "mentor",
        today - d(20),
        s2,
        mentor,
        status="dropped",
        dropped_reason="Release week took all my time.",
        reviewed_in=s3,
    )
    _action(
        pair,
        "Solve five {skill} exercises",
        "mentee",
        today - d(18),
        s2,
        mentee,
        status="done",
        done_at=s3.occurred_at - d(days=1),
        done_by=mentee,
        reviewed_in=s3,
    )
    goals = seed_goals(pair, today, s1)
    _action(pair, "Ask HR whether the rubric changed", "mentor", today - d(4), s3, mentor)
    _action(pair, "Read about advanced {skill}", "mentee", today - d(2), s3, mentee)
    _action(pair, "Review {mentee}'s {skill} task", "mentor", today + d(2), s4, mentee)
    _action(
        pair, "Finish the {skill} task", "mentee", today + d(9), s4, mentee, goal=goals["mentee"]
    )
    _action(
        pair,
        "Try {back} on one real task",
        "mentor",
        today + d(7),
        s4,
        mentor,
        goal=goals["mentor"],
    )
    _action(pair, "Pick a topic for the next session", "both", today + d(5), s4, mentee)
    Session.objects.create(
        pair=pair,
        status=Session.Status.SCHEDULED,
        occurred_at=_at(today, -8, hour=15),
        duration_minutes=45,
        format=Session.Format.VIDEO,
        created_by=mentor,
        updated_by=mentor,
    )


def seed_goals(pair, today, first_session):
    """Goals on both sides (the mentor's is a learning goal), the agreement they made at the
    first session, and an agenda both started filling for the next one."""
    mentor, mentee = pair.mentor.user, pair.mentee.user
    d = datetime.timedelta
    mentee_goal = Goal.objects.create(
        pair=pair,
        owner=mentee,
        side="mentee",
        text=_fill("Use {skill} confidently in my day-to-day work", pair),
        why="It is the skill my next role asks for.",
        target_on=today + d(90),
        status=Goal.Status.MOVING,
    )
    for i, (text, done) in enumerate(
        [("Finish the basics", True), ("Solve a real task alone", False), ("Teach it back", False)]
    ):
        Milestone.objects.create(goal=mentee_goal, text=text, position=i, done=done)
    mentor_goal = Goal.objects.create(
        pair=pair,
        owner=mentor,
        side="mentor",
        text=_fill("Learn enough {back} to review it at work", pair),
        why=_fill("{mentee} knows it far better than I do.", pair),
        target_on=today + d(120),
        status=Goal.Status.NOT_STARTED,
    )
    Milestone.objects.create(goal=mentor_goal, text="Pair on one example", position=0)
    Goal.objects.create(
        pair=pair,
        owner=mentee,
        side="mentee",
        text="Ask for the promotion conversation",
        why="Private: only I see this.",
        target_on=today + d(180),
        shared=False,
    )
    Agreement.objects.create(
        pair=pair,
        cadence="Every two weeks, 45 minutes",
        format="Video call; chat for quick questions",
        mentor_learn=_fill("{back}", pair),
        mentor_teach=_fill("{skill}, and how hiring works", pair),
        mentee_learn=_fill("{skill}", pair),
        mentee_teach=_fill("{back}", pair),
        mentor_confirmed_at=first_session.occurred_at,
        mentee_confirmed_at=first_session.occurred_at,
    )
    for author, side, text in (
        (mentee, "mentee", _fill("How do you decide when {skill} is the wrong tool?", pair)),
        (mentor, "mentor", _fill("Can you show me how you start a {back} task?", pair)),
        (mentee, "mentee", "What would you look for in my first real task?"),
    ):
        AgendaItem.objects.create(pair=pair, author=author, side=side, text=text)
    return {"mentee": mentee_goal, "mentor": mentor_goal}


def seed():
    program = Program.objects.filter(slug=PROGRAM_SLUG).first()
    if program is None or not User.objects.filter(email=MENTOR_EMAIL).exists():
        return []
    today = timezone.localdate()
    for pair in _pairs(program):
        if Session.objects.filter(pair=pair).exists():
            continue  # already seeded (or used): a re-run creates nothing
        seed_pair(pair, today)
    return []
