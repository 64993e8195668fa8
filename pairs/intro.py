"""The introduction email both people get when their pair becomes active."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from mentorship.emails import absolute_url, send_email
from pairs.models import Pair


def public_profile(participant):
    """What a partner may see: never department or manager email."""
    return {
        "name": participant.user.name,
        "email": participant.user.email,
        "time_zone": participant.user.time_zone,
        "teaches": sorted(s.name for s in participant.teaches.all()),
        "learns": sorted(s.name for s in participant.learns.all()),
        "goals": participant.goals,
    }


def first_agenda(a_teaches_b, b_teaches_a):
    agenda = [_("Introduce yourselves: your role, what you hope to get from this pairing.")]
    if a_teaches_b:
        agenda.append(_("Pick one topic to start with: %(t)s.") % {"t": a_teaches_b[0]})
    if b_teaches_a:
        agenda.append(_("Swap roles: %(t)s.") % {"t": b_teaches_a[0]})
    agenda.append(_("Each share one thing you are unsure of."))
    agenda.append(_("Agree how often to meet, and end with next actions for both of you."))
    return agenda


def pair_url(pair):
    try:
        return absolute_url(reverse("sessions:pair", args=[pair.pk]))
    except NoReverseMatch:
        return absolute_url(reverse("home"))


def send(pair_id):
    pair = (
        Pair.objects.select_related("program", "mentor__user", "mentee__user")
        .prefetch_related("mentor__teaches", "mentor__learns", "mentee__teaches", "mentee__learns")
        .filter(pk=pair_id, status=Pair.Status.ACTIVE)
        .first()
    )
    if pair is None:
        return 0
    sent = 0
    for me, partner in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
        mine, theirs = public_profile(me), public_profile(partner)
        i_teach = sorted(set(mine["teaches"]) & set(theirs["learns"]))
        they_teach = sorted(set(theirs["teaches"]) & set(mine["learns"]))
        context = {
            "pair": pair,
            "program": pair.program,
            "me": mine,
            "partner": theirs,
            "i_teach": i_teach,
            "they_teach": they_teach,
            "agenda": first_agenda(i_teach, they_teach),
            "pair_url": pair_url(pair),
            "role": "mentor" if me == pair.mentor else "mentee",
        }
        sent += send_email("pair_intro", me.user.email, context)
    return sent
