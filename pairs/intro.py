"""The introduction email both people get when their pair becomes active."""

from django.utils.translation import gettext as _

from mentorship.profiles import partner_view
from notifications import outbox
from notifications.emails import absolute_url
from notifications.registry import Rendered
from pairs.models import Pair


def first_agenda(a_teaches_b, b_teaches_a):
    agenda = [_("Introduce yourselves: your role, what you hope to get from this pairing.")]
    if a_teaches_b:
        agenda.append(_("Pick one topic to start with: %(t)s.") % {"t": a_teaches_b[0]})
    if b_teaches_a:
        agenda.append(_("Swap roles: %(t)s.") % {"t": b_teaches_a[0]})
    agenda.append(_("Each share one thing you are unsure of."))
    agenda.append(_("Agree how often to meet, and end with next actions for both of you."))
    return agenda


KIND = "pair_intro"


def queue(pair):
    """Queue the introduction for both members (once each per pair, through the outbox)."""
    for member in (pair.mentor, pair.mentee):
        outbox.queue(KIND, f"{pair.pk}:{member.user_id}", member.user, {"pair": pair.pk})


def prepare(rows):
    """One query for a batch: the pairs with both people's skills."""
    ids = {row.context.get("pair") for row in rows}
    pairs = (
        Pair.objects.select_related("program", "mentor__user", "mentee__user")
        .prefetch_related("mentor__teaches", "mentor__learns", "mentee__teaches", "mentee__learns")
        .in_bulk([i for i in ids if i is not None])
    )
    for row in rows:
        row.pairs = pairs


def render(row):
    """The introduction as the pair stands now, or why it no longer applies."""
    pairs = getattr(row, "pairs", None)
    if pairs is None:
        prepare([row])
        pairs = row.pairs
    pair = pairs.get(row.context.get("pair"))
    if pair is None:
        return "The pair no longer exists."
    if pair.status != Pair.Status.ACTIVE:
        return f"The pair is {pair.status}."
    role = pair.role_of(row.user)
    if role is None:
        return "The recipient is not in this pair."
    me, partner = (pair.mentor, pair.mentee) if role == "mentor" else (pair.mentee, pair.mentor)
    mine, theirs = partner_view(me), partner_view(partner)
    i_teach = sorted(set(mine["teaches"]) & set(theirs["learns"]))
    they_teach = sorted(set(theirs["teaches"]) & set(mine["learns"]))
    return Rendered(
        template=KIND,
        context={
            "pair": pair,
            "program": pair.program,
            "me": mine,
            "partner": theirs,
            "i_teach": i_teach,
            "they_teach": they_teach,
            "agenda": first_agenda(i_teach, they_teach),
            "pair_url": absolute_url(pair.get_absolute_url()),
            "role": role,
        },
    )
