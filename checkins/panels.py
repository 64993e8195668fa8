"""What checkins adds to the dashboard and the pair page (sessions.panels, filled from
CheckinsConfig.ready()). Each costs a fixed number of queries; only the pair's two people
see check-in content, and each sees their own answers and what their partner shared."""

import datetime

from django.db.models import BigIntegerField, DateTimeField, Q
from django.urls import reverse
from django.utils.translation import gettext

from checkins import idle
from checkins.answers import closed_reason
from checkins.models import CheckIn, PairTrack
from mentorship import template_text as text
from mentorship.prepared import Param, prepared
from pairs.models import Pair
from sessions.dashboard import PEOPLE
from sessions.panels import Panel

OPEN_DAYS = 60  # an unanswered check-in stays on the dashboard this long
SHOWN = 5
# What the panel and closed_reason read (a narrow row: see sessions.dashboard.PAIR_FIELDS).
DUE_FIELDS = (
    "user_id",
    "kind",
    "due_at",
    "answered_at",
    *(f"pair__{f}" for f in ("status", "ended_on", "program__name", *PEOPLE)),
)


@prepared  # on every dashboard: compiled once (mentorship.prepared)
def _due():
    return (
        CheckIn.objects.filter(
            user=Param("user", BigIntegerField()),
            answered_at__isnull=True,
            due_at__lte=Param("now", DateTimeField()),
            due_at__gte=Param("since", DateTimeField()),
        )
        .select_related("pair__program", "pair__mentor__user", "pair__mentee__user")
        .only(*DUE_FIELDS)
        .order_by("-due_at", "pk")[:SHOWN]
    )


def dashboard_panel(user, board, now):
    """Check-ins to answer and pairs that have gone quiet (two queries)."""
    since = now - datetime.timedelta(days=OPEN_DAYS)
    due = [c for c in _due(user=user.pk, now=now, since=since) if closed_reason(c) is None]
    for checkin in due:
        checkin.partner = checkin.pair.partner_of(user).user
    cards = {card.pair.pk: card for card in board.pairs}
    quiet = [cards[pk] for pk in sorted(idle.warned_pair_ids(list(cards)))] if cards else []
    if not due and not quiet:
        return None
    return Panel("checkins/_dashboard_panel.html", {"due": due, "quiet": quiet})


# The pair page's two queries, compiled once (mentorship.prepared).
@prepared
def _pair_checkins():
    pair, me = Param("pair", BigIntegerField()), Param("me", BigIntegerField())
    return (
        CheckIn.objects.filter(pair=pair)
        .filter(Q(user=me) | Q(shared=True, answered_at__isnull=False))
        .order_by("-due_at", "pk")[: 4 * SHOWN]
    )


@prepared
def _track():
    return PairTrack.objects.filter(pair=Param("pair", BigIntegerField())).order_by("pk")[:1]


def pair_panel(access, now):
    """For the pair's two people: my check-ins, my partner's shared ones, the way out."""
    if not access.is_member:
        return None  # admins never see check-in content, here or anywhere
    pair, me = access.pair, access.user
    rows = _pair_checkins(pair=pair.pk, me=me.pk)
    mine = [c for c in rows if c.user_id == me.pk]
    track = next(iter(_track(pair=pair.pk)), None)
    to_answer = [c for c in mine if c.answered_at is None and not closed_reason_on(c, pair)]
    answered = [c for c in mine if c.answered_at is not None][:SHOWN]
    partner_shared = [c for c in rows if c.user_id != me.pk][:SHOWN]
    _write_rows(to_answer, answered, partner_shared)
    return Panel(
        "checkins/_pair_panel.html",
        {
            "to_answer": to_answer,
            "mine": answered,
            "partner_shared": partner_shared,
            "partner": access.partner,
            "live": pair.status in Pair.LIVE,
            "quiet": bool(track and track.idle_warned_at and pair.status == Pair.Status.ACTIVE),
        },
    )


def _write_rows(to_answer, answered, partner_shared):
    """The panel's dates, sentences and links, written once here (see mentorship.template_text:
    through the template engine each costs 10-40 µs, several per row)."""
    answer_url = reverse("checkins:answer", args=[999999999]).replace("999999999", "{}")
    since, of_five = gettext("since %(date)s"), gettext("%(n)s of 5")
    for checkin in to_answer:
        checkin.answer_url = answer_url.format(checkin.pk)
        checkin.since_text = text.fill(since, date=text.date(checkin.due_at))
    for checkin in (*answered, *partner_shared):
        checkin.answer_url = answer_url.format(checkin.pk)
        checkin.answered_text = text.date(checkin.answered_at)
        checkin.score_text = text.fill(of_five, n=checkin.score)


def closed_reason_on(checkin, pair):
    checkin.pair = pair  # loaded already: no query per row
    return closed_reason(checkin)
