"""My growth: what one person learned, taught, asked and was asked, across their pairs.

Only the person's own sides are read in full; from the partner's sides only the
questions they brought (which the person was asked in the session). Private notes
are never read. My own goals (private ones included: they are mine) come with their
progress. Five queries whatever the history.
"""

import dataclasses

from django.db.models import Q

from mentorship.models import Participant
from pairs.models import Pair
from sessions import goals as goal_service
from sessions.models import Goal, NextAction, Session, SessionSide


@dataclasses.dataclass
class Entry:
    when: object
    text: str


@dataclasses.dataclass
class PairGrowth:
    pair: Pair
    role: str
    partner: object
    sessions: int = 0
    learned: list = dataclasses.field(default_factory=list)
    taught: list = dataclasses.field(default_factory=list)
    asked: list = dataclasses.field(default_factory=list)
    was_asked: list = dataclasses.field(default_factory=list)
    actions_done: list = dataclasses.field(default_factory=list)
    goals: list = dataclasses.field(default_factory=list)

    @property
    def empty(self):
        return not (
            self.goals
            or self.sessions
            or self.learned
            or self.taught
            or self.asked
            or self.was_asked
            or self.actions_done
        )


@dataclasses.dataclass
class ProgramGrowth:
    program: object
    pairs: list


@dataclasses.dataclass
class Growth:
    programs: list
    totals: dict

    @property
    def empty(self):
        return not self.programs


def growth_for(user):
    # The person's participant ids first: with literal ids the pairs come from the mentor
    # and mentee indexes, where a join through participants hashed every pair and person.
    mine = list(Participant.objects.filter(user=user).order_by().values_list("pk", flat=True))
    pairs = list(
        Pair.objects.filter(Q(mentor_id__in=mine) | Q(mentee_id__in=mine), status__in=Pair.STARTED)
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("program__name", "program__pk", "-started_on", "-pk")
    )
    by_pair = {}
    for pair in pairs:
        role = "mentor" if pair.mentor.user_id == user.pk else "mentee"
        partner = pair.mentee if role == "mentor" else pair.mentor
        by_pair[pair.pk] = PairGrowth(pair=pair, role=role, partner=partner.user)

    sides = (
        SessionSide.objects.filter(
            session__pair__in=list(by_pair), session__status=Session.Status.LOGGED
        )
        .order_by("session__occurred_at", "pk")
        .values_list(
            "session_id",
            "session__pair_id",
            "session__occurred_at",
            "side",
            "learned",
            "shared",
            "questions",
        )
    )
    seen_sessions = set()
    for session_id, pair_id, when, side, learned, shared, questions in sides:
        growth = by_pair[pair_id]
        if session_id not in seen_sessions:
            seen_sessions.add(session_id)
            growth.sessions += 1
        if side == growth.role:
            if learned.strip():
                growth.learned.append(Entry(when, learned))
            if shared.strip():
                growth.taught.append(Entry(when, shared))
            if questions.strip():
                growth.asked.append(Entry(when, questions))
        elif questions.strip():
            growth.was_asked.append(Entry(when, questions))

    actions = (
        NextAction.objects.filter(pair__in=list(by_pair), status=NextAction.Status.DONE)
        .order_by("done_at", "pk")
        .values_list("pair_id", "owner", "text", "done_at")
    )
    for pair_id, owner, text, done_at in actions:
        growth = by_pair[pair_id]
        if owner in NextAction.owners_of_role(growth.role):
            growth.actions_done.append(Entry(done_at, text))

    for pair_id, goals in goal_service.mine_across_pairs(user).items():
        if pair_id in by_pair:
            by_pair[pair_id].goals = goals

    counted = ("sessions", "learned", "taught", "asked", "was_asked", "actions_done", "goals")
    programs, totals = [], dict.fromkeys((*counted, "goals_reached"), 0)
    for growth in by_pair.values():
        if not programs or programs[-1].program.pk != growth.pair.program_id:
            programs.append(ProgramGrowth(program=growth.pair.program, pairs=[]))
        programs[-1].pairs.append(growth)
        for name in counted:
            value = getattr(growth, name)
            totals[name] += value if isinstance(value, int) else len(value)
        totals["goals_reached"] += sum(1 for g in growth.goals if g.status == Goal.Status.REACHED)
    return Growth(programs=programs, totals=totals)
