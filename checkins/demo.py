"""Demo check-ins in each state, a pair asking for help and an idle pair.

Runs after sessions.demo (INSTALLED_APPS order). Idempotent: a program that already has
check-ins is left alone. The demo mentor and mentee's pair has an answered round (the
mentee shared, the mentor kept theirs private) and a round due now; another pair asks for
help ("not a good fit"); a pair of two quiet people has had its re-engagement email.
"""

import datetime

from django.utils import timezone

from checkins.models import CheckIn, HelpRequest, PairTrack
from mentorship.demo import DEMO_PASSWORD, ensure_user
from mentorship.models import Participant, Program
from pairs.models import Pair
from sessions.models import Session

PROGRAM_SLUG = "demo"
QUIET = (("quiet.mentor@example.com", "Quinn Quiet", "mentor"),
         ("quiet.mentee@example.com", "Ira Idle", "mentee"))  # fmt: skip


def _answer(checkin, score, fit=True, shared=False, help_=False, **texts):
    checkin.answered_at = checkin.due_at + datetime.timedelta(hours=5)
    checkin.score, checkin.good_fit, checkin.shared, checkin.wants_help = score, fit, shared, help_
    for name, value in texts.items():
        setattr(checkin, name, value)
    checkin.save()


def _round(pair, n, due_at, kind=CheckIn.Kind.REGULAR):
    return {
        user.pk: CheckIn.objects.get_or_create(
            pair=pair, user=user, round=n, defaults={"due_at": due_at, "kind": kind}
        )[0]
        for user in (pair.mentor.user, pair.mentee.user)
    }


def _quiet_pair(program, now):
    people = []
    for email, name, role in QUIET:
        user = ensure_user(email, name)
        people.append(
            Participant.objects.get_or_create(
                program=program, user=user,
                defaults={"role": role, "status": Participant.Status.ACTIVE},
            )[0]
        )  # fmt: skip
    started = timezone.localdate(now) - datetime.timedelta(days=45)
    pair, _new = Pair.objects.get_or_create(
        program=program, mentor=people[0], mentee=people[1],
        defaults={"status": Pair.Status.ACTIVE, "started_on": started,
                  "source": Pair.Source.MANUAL},
    )  # fmt: skip
    # One early session (so the sessions demo leaves the pair alone), long ago.
    first = now - datetime.timedelta(days=42)
    session, _new = Session.objects.get_or_create(
        pair=pair, defaults={"occurred_at": first, "created_by": people[1].user,
                             "topics": "Getting started"},
    )  # fmt: skip
    Session.objects.filter(pk=session.pk).update(created_at=first, updated_at=first)
    # Idle since day 3 + 28 days: warned 11 days ago; closes in 17 days unless they reply.
    PairTrack.objects.filter(pair=pair).update(
        idle_warned_at=now - datetime.timedelta(days=11),
        idle_check_at=now + datetime.timedelta(days=17),
    )
    return pair


def seed():
    program = Program.objects.filter(slug=PROGRAM_SLUG).first()
    if program is None or CheckIn.objects.filter(pair__program=program).exists():
        return []
    now = timezone.now()
    pairs = list(
        Pair.objects.filter(program=program, status=Pair.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
    )
    if not pairs:
        return []
    demo = next((p for p in pairs if p.mentor.user.email == "mentor@example.com"), pairs[0])
    # Round 1 answered (the mentee shared, the mentor kept it private), round 2 due now.
    first = _round(demo, 1, now - datetime.timedelta(days=61), CheckIn.Kind.FIRST)
    _answer(first[demo.mentee.user_id], 4, shared=True,
            learned=f"How {demo.mentor.user.name} plans a sprint, and why small tickets help.",
            taught="A faster way to prototype in Figma.",
            change="Agree on the next action before we hang up.")  # fmt: skip
    _answer(first[demo.mentor.user_id], 5,
            learned="How new joiners see our interviews.",
            taught="Reading query plans.", change="Start on time.")  # fmt: skip
    _round(demo, 2, now - datetime.timedelta(hours=2))
    PairTrack.objects.filter(pair=demo).update(
        next_round=3, next_checkin_at=now + datetime.timedelta(days=58)
    )
    # Another pair: one person says it is not a good fit and asks for help.
    others = [p for p in pairs if p.pk != demo.pk]
    if others:
        helped = others[0]
        rows = _round(helped, 1, now - datetime.timedelta(days=3), CheckIn.Kind.FIRST)
        _answer(rows[helped.mentee.user_id], 2, fit=False, help_=True,
                fit_reason="We want different things from the pairing.",
                change="Find a partner who works in my time zone.")  # fmt: skip
        _answer(rows[helped.mentor.user_id], 3)
        HelpRequest.objects.get_or_create(
            pair=helped, user=helped.mentee.user, kind=HelpRequest.Kind.HELP, resolved_at=None
        )
    _quiet_pair(program, now)
    return [("idle pair (quiet)", QUIET[1][0], DEMO_PASSWORD)]
