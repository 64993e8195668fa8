"""My dashboard: my pairs, my open actions, my partners', sides to add, cadence nudges.

A fixed number of queries whatever the history (see tests/test_dashboard_*).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mentorship.models import Participant
from mentorship.timezones import local_today
from pairs.models import Pair, PairRequest
from sessions import cadence
from sessions.models import NextAction, Session, SessionSide
from sessions.timeline import label_action

DUE_SOON_DAYS = 7
ACTIONS_SHOWN = 100
SIDES_SHOWN = 10
SIDE_WINDOW_DAYS = 90
REQUESTS_SHOWN = 10
REQUEST_NEWS_DAYS = 14  # a request's answer (or expiry) stays on the requester's dashboard

# The columns the page shows, and no more: Django compiles and builds every selected column,
# and a pair with its program and both people is 75 of them (a large share of the request's CPU).
PEOPLE = ("mentor__user__display_name", "mentor__user__email")
PEOPLE += tuple(f.replace("mentor", "mentee") for f in PEOPLE)
PAIR_FIELDS = (
    "program__name",
    "program__slug",
    "program__cadence_days",
    "status",
    "started_on",
    "ended_on",
    "created_at",
    *PEOPLE,
)
REQUEST_FIELDS = (
    "program__name",
    "requester__user__display_name",
    "requester__user__email",
    "recipient__user__display_name",
    "recipient__user__email",
    "message",
    "status",
    "reasons",
    "expires_at",
    "responded_at",
    "created_at",
    "pair",
)
ACTION_FIELDS = ("pair_id", "text", "owner", "due_on", "status", "version")
SESSION_FIELDS = ("pair_id", "occurred_at")


@dataclass
class PairCard:
    pair: Pair
    role: str
    partner: object
    last_session: datetime.datetime | None = None
    next_session: datetime.datetime | None = None
    days_since: int | None = None
    needs_nudge: bool = False


@dataclass
class Dashboard:
    pairs: list = field(default_factory=list)
    my_actions: list = field(default_factory=list)
    partner_actions: list = field(default_factory=list)
    sides_to_add: list = field(default_factory=list)
    nudges: list = field(default_factory=list)
    administered: list = field(default_factory=list)
    requests_to_answer: list = field(default_factory=list)
    my_requests: list = field(default_factory=list)
    today: datetime.date | None = None


def flag_due(action, today):
    """Set is_overdue and is_due_soon, which the action_item partial shows (pair loaded)."""
    action.is_overdue = action.overdue_on(today)
    action.is_due_soon = not action.is_overdue and action.due_on <= today + datetime.timedelta(
        days=DUE_SOON_DAYS
    )
    return action


def build(user, now=None):
    now = now or timezone.now()
    today = local_today(user, now)
    board = Dashboard(today=today)
    # The person's participant ids first: with literal ids the pairs come from the mentor
    # and mentee indexes, where a join through participants hashed every pair and person.
    mine = list(Participant.objects.filter(user=user).order_by().values_list("pk", flat=True))
    pairs = list(
        Pair.objects.filter(Q(mentor_id__in=mine) | Q(mentee_id__in=mine), status__in=Pair.LIVE)
        .select_related("program", "mentor__user", "mentee__user")
        .only(*PAIR_FIELDS)
        .order_by("program__name", "pk")
    )
    board.administered = list(user.administered_programs.only("name", "slug").order_by("name"))
    requests = PairRequest.objects.select_related(
        "program", "requester__user", "recipient__user"
    ).only(*REQUEST_FIELDS)
    board.requests_to_answer = (
        list(
            requests.filter(
                recipient_id__in=mine, status=PairRequest.Status.OPEN, expires_at__gt=now
            ).order_by("expires_at")[:REQUESTS_SHOWN]
        )
        if mine
        else []
    )
    board.my_requests = (
        list(
            requests.filter(requester_id__in=mine)
            .filter(
                Q(status=PairRequest.Status.OPEN)
                | Q(responded_at__gte=now - datetime.timedelta(days=REQUEST_NEWS_DAYS))
            )
            .order_by("-created_at")[:REQUESTS_SHOWN]
        )
        if mine
        else []
    )
    if not pairs:
        return board
    by_id = {p.pk: p for p in pairs}
    roles = {p.pk: p.role_of(user) for p in pairs}
    last, upcoming = cadence.last_and_next(list(by_id), now)
    for pair in pairs:
        role = roles[pair.pk]
        card = PairCard(
            pair=pair,
            role=role,
            partner=pair.partner_of(user).user,
            last_session=last.get(pair.pk),
            next_session=upcoming.get(pair.pk),
        )
        card.days_since = cadence.days_since(
            card.last_session, pair.started_on, pair.created_at, today, user
        )
        card.needs_nudge = cadence.is_behind(pair, card.days_since, card.next_session is not None)
        board.pairs.append(card)
        if card.needs_nudge:
            board.nudges.append(card)

    actions = (
        NextAction.objects.filter(pair_id__in=by_id, status=NextAction.Status.OPEN)
        .only(*ACTION_FIELDS)
        .order_by("due_on", "pk")[:ACTIONS_SHOWN]
    )
    for action in actions:
        label_action(action)
        action.pair = by_id[action.pair_id]
        flag_due(action, today)
        if action.owned_by_role(roles[action.pair_id]):
            board.my_actions.append(action)
        else:
            board.partner_actions.append(action)
    # Overdue first, then due soon, then the rest; each by due date.
    board.my_actions.sort(key=lambda a: (not a.is_overdue, not a.is_due_soon, a.due_on, a.pk))

    mentor_pairs = [pk for pk, r in roles.items() if r == "mentor"]
    mentee_pairs = [pk for pk, r in roles.items() if r == "mentee"]
    my_side = SessionSide.objects.filter(session=OuterRef("pk"))
    missing = Q(pair_id__in=mentor_pairs) & ~Exists(my_side.filter(side="mentor"))
    missing |= Q(pair_id__in=mentee_pairs) & ~Exists(my_side.filter(side="mentee"))
    sides = (
        Session.objects.filter(
            missing,
            status=Session.Status.LOGGED,
            occurred_at__gte=now - datetime.timedelta(days=SIDE_WINDOW_DAYS),
        )
        .only(*SESSION_FIELDS)
        .order_by("-occurred_at")[:SIDES_SHOWN]
    )
    for session in sides:
        session.pair = by_id[session.pair_id]
        board.sides_to_add.append(session)
    return board
