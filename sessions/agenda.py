"""The agenda: questions and topics either person brings to the next session.

Items stay open until a logged session marks them discussed; one carried over stays on the
agenda for the next session. Counts (never text) feed the balance and program health.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import BigIntegerField, Count, F
from django.utils.translation import gettext as _

from mentorship.prepared import Param, prepared
from pairs.models import Pair
from sessions.models import AgendaItem, Session, SessionSide

TEXT_MAX = 500
MAX_OPEN = 30  # per pair: more than a session can hold
SHOWN = MAX_OPEN
QUIET_WINDOW_DAYS = 28  # "lately", for who brought fewer questions
DISCUSSED, CARRY = "discussed", "carry"


class AgendaError(Exception):
    """Something the person must fix; the message is for them."""


@prepared  # on every pair page: compiled once (mentorship.prepared)
def _open_items():
    items = AgendaItem.objects.filter(pair=Param("pair", BigIntegerField()))
    return items.filter(status=AgendaItem.Status.OPEN).order_by("created_at", "pk")[:SHOWN]


def open_items(pair):
    """The open agenda, oldest first, with each author's side (1 query)."""
    items = _open_items(pair=pair.pk)
    # Only the pair's two people write its agenda, and the pair has them loaded already:
    # no join and no second copy of each user.
    people = {person.user_id: person.user for person in (pair.mentor, pair.mentee)}
    for item in items:
        if item.author_id in people:
            item.author = people[item.author_id]
    return items


@transaction.atomic
def add_item(pair, by, role, text):
    text = (text or "").strip()
    if not text:
        raise AgendaError(_("Write the question or topic you want to bring."))
    if len(text) > TEXT_MAX:
        raise AgendaError(_("Keep an agenda item under %(n)s characters.") % {"n": TEXT_MAX})
    if pair.status not in Pair.LIVE:
        raise AgendaError(_("This pairing has ended: its agenda is closed."))
    Pair.objects.select_for_update().filter(pk=pair.pk).first()
    if AgendaItem.objects.filter(pair=pair, status=AgendaItem.Status.OPEN).count() >= MAX_OPEN:
        raise AgendaError(
            _("The agenda has %(n)s open items already: discuss some first.") % {"n": MAX_OPEN}
        )
    return AgendaItem.objects.create(pair=pair, author=by, side=role, text=text)


def review(pair, session, decisions):
    """Mark each reviewed item discussed in `session`, or carry it over (stays open).

    decisions: {item id: DISCUSSED or CARRY}; items not open any more are left alone.
    """
    discussed = [pk for pk, d in decisions.items() if d == DISCUSSED]
    carried = [pk for pk, d in decisions.items() if d == CARRY]
    open_ = AgendaItem.objects.filter(pair=pair, status=AgendaItem.Status.OPEN)
    if discussed:
        open_.filter(pk__in=discussed).update(
            status=AgendaItem.Status.DISCUSSED, discussed_in=session
        )
    if carried:
        open_.filter(pk__in=carried).update(carried_over=F("carried_over") + 1)


def brought_by_side(pair_ids, since):
    """{(pair id, side): questions brought since `since`}: agenda items added before the
    session plus the lines of "questions I brought" in the sides of logged sessions (2 queries)."""
    counts = defaultdict(int)
    for row in (
        AgendaItem.objects.filter(pair_id__in=pair_ids, created_at__gte=since)
        .values("pair_id", "side")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["pair_id"], row["side"])] += row["n"]
    for pair_id, side, questions in SessionSide.objects.filter(
        session__pair_id__in=pair_ids,
        session__status=Session.Status.LOGGED,
        session__occurred_at__gte=since,
    ).values_list("session__pair_id", "side", "questions"):
        counts[(pair_id, side)] += len([q for q in questions.splitlines() if q.strip()])
    return counts


def quieter_sides(pair_ids, now):
    """{pair id: [the role to invite]}: the side that brought fewer questions lately; nobody
    when both brought as many (no quieter side, and no second email that week)."""
    since = now - datetime.timedelta(days=QUIET_WINDOW_DAYS)
    counts = brought_by_side(pair_ids, since)
    out = {}
    for pk in pair_ids:
        mentor, mentee = counts[(pk, "mentor")], counts[(pk, "mentee")]
        if mentor == mentee:
            out[pk] = []
        else:
            out[pk] = ["mentor" if mentor < mentee else "mentee"]
    return out
