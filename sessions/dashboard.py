"""My dashboard: my pairs, my open actions, my partners', sides to add, cadence nudges.

A fixed number of queries whatever the history (see tests/test_dashboard_*).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, DateTimeField, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from mentorship.models import Participant, Program
from mentorship.prepared import Param, any_of, prepared
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
    """Set what the action_item partial shows beside the text (action labelled, its pair and
    people loaded): is_overdue, is_due_soon, and the words. Worded here, once, rather than
    by tags in the partial, which the dashboard renders up to ACTIONS_SHOWN times."""
    action.is_overdue = action.overdue_on(today)
    action.is_due_soon = not action.is_overdue and action.due_on <= today + datetime.timedelta(
        days=DUE_SOON_DAYS
    )
    due = {"date": date_format(action.due_on, "DATE_FORMAT")}
    if action.is_overdue:
        action.due_label = gettext("Overdue since %(date)s") % due
    else:
        action.due_label = gettext("Due %(date)s") % due
    both = action.owner == NextAction.Owner.BOTH
    action.owner_words = gettext("both of you") if both else action.owner_label
    action.people = _people(action.pair)
    return action


def _people(pair):
    """'Mentor ↔ Mentee', once per pair however many of its actions the page shows."""
    found = getattr(pair, "_people_words", None)
    if found is None:
        found = pair._people_words = f"{pair.mentor.user.name} ↔ {pair.mentee.user.name}"
    return found


# The page's queries, compiled once (mentorship.prepared): the same shapes on every request.
_IDS = BigIntegerField()
_WHEN = DateTimeField()


@prepared
def _my_participant_ids():
    mine = Participant.objects.filter(user_id=Param("user", _IDS))
    return mine.order_by().values_list("pk", flat=True)


@prepared
def _my_pairs():
    # With literal ids the pairs come from the mentor and mentee indexes, where a join
    # through participants hashed every pair and person.
    mine = Param("mine", _IDS, many=True)
    return (
        Pair.objects.filter(Q(any_of("mentor_id", mine)) | Q(any_of("mentee_id", mine)))
        .filter(status__in=Pair.LIVE)
        .select_related("program", "mentor__user", "mentee__user")
        .only(*PAIR_FIELDS)
        .order_by("program__name", "pk")
    )


@prepared
def _administered():
    programs = Program.objects.filter(admins=Param("user", _IDS))
    return programs.only("name", "slug").order_by("name")


def _requests():
    return PairRequest.objects.select_related("program", "requester__user", "recipient__user").only(
        *REQUEST_FIELDS
    )


@prepared
def _requests_to_answer():
    return (
        _requests()
        .filter(any_of("recipient_id", Param("mine", _IDS, many=True)))
        .filter(status=PairRequest.Status.OPEN, expires_at__gt=Param("now", _WHEN))
        .order_by("expires_at")[:REQUESTS_SHOWN]
    )


@prepared
def _my_requests():
    return (
        _requests()
        .filter(any_of("requester_id", Param("mine", _IDS, many=True)))
        .filter(Q(status=PairRequest.Status.OPEN) | Q(responded_at__gte=Param("news", _WHEN)))
        .order_by("-created_at")[:REQUESTS_SHOWN]
    )


@prepared
def _open_actions():
    return (
        NextAction.objects.filter(any_of("pair_id", Param("pairs", _IDS, many=True)))
        .filter(status=NextAction.Status.OPEN)
        .only(*ACTION_FIELDS)
        .order_by("due_on", "pk")[:ACTIONS_SHOWN]
    )


@prepared
def _sides_to_add():
    my_side = SessionSide.objects.filter(session=OuterRef("pk"))
    as_mentor = any_of("pair_id", Param("mentor_pairs", _IDS, many=True))
    as_mentee = any_of("pair_id", Param("mentee_pairs", _IDS, many=True))
    missing = Q(as_mentor) & ~Exists(my_side.filter(side="mentor"))
    missing |= Q(as_mentee) & ~Exists(my_side.filter(side="mentee"))
    return (
        Session.objects.filter(missing)
        .filter(status=Session.Status.LOGGED, occurred_at__gte=Param("since", _WHEN))
        .only(*SESSION_FIELDS)
        .order_by("-occurred_at")[:SIDES_SHOWN]
    )


def build(user, now=None):
    now = now or timezone.now()
    today = local_today(user, now)
    board = Dashboard(today=today)
    mine = _my_participant_ids(user=user.pk)
    pairs = _my_pairs(mine=mine)
    board.administered = _administered(user=user.pk)
    if mine:
        board.requests_to_answer = _requests_to_answer(mine=mine, now=now)
        news = now - datetime.timedelta(days=REQUEST_NEWS_DAYS)
        board.my_requests = _my_requests(mine=mine, news=news)
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

    actions = _open_actions(pairs=list(by_id))
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
    since = now - datetime.timedelta(days=SIDE_WINDOW_DAYS)
    sides = _sides_to_add(mentor_pairs=mentor_pairs, mentee_pairs=mentee_pairs, since=since)
    for session in sides:
        session.pair = by_id[session.pair_id]
        board.sides_to_add.append(session)
    return board
