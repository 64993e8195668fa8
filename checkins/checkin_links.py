"""The one-click links in check-in and idle emails (signing, expiry and the address check
are notifications.links'): answer a check-in with a score, say "we're still going"."""

from django.utils.translation import gettext_lazy as _

from checkins.models import CheckIn
from notifications import links
from notifications.links import LinkError
from pairs.models import Pair

ANSWER = "checkin"
STILL_GOING = "still_going"
MAX_AGE = 45 * 24 * 3600


def register():
    links.register_purpose(ANSWER, "checkins:answer_link", MAX_AGE)
    links.register_purpose(STILL_GOING, "checkins:still_going_link", MAX_AGE)


def answer_url(user, checkin, score=None):
    return links.make_url(ANSWER, user, [checkin.pk, score or 0])


def resolve_answer(token):
    """(Link, check-in, score or None) for an answer link; the check-in is the recipient's."""
    link = links.read(ANSWER, token)
    obj = link.obj
    valid = (
        isinstance(obj, list)
        and len(obj) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in obj)
    )
    checkin = (
        CheckIn.objects.select_related("pair__program", "pair__mentor__user", "pair__mentee__user")
        .filter(pk=obj[0], user=link.user)
        .first()
        if valid
        else None
    )
    if checkin is None:
        raise LinkError(
            "gone",
            _("This check-in no longer exists"),
            _("The pair it belonged to may have been removed."),
            status=404,
        )
    score = obj[1] if 1 <= obj[1] <= 5 else None
    return link, checkin, score


def resolve_still_going(token):
    link = links.read(STILL_GOING, token)
    pair = (
        Pair.objects.select_related("program", "mentor__user", "mentee__user")
        .filter(pk=link.obj)
        .first()
        if isinstance(link.obj, int)
        else None
    )
    if pair is None or pair.role_of(link.user) is None:
        raise LinkError(
            "gone",
            _("This pair is not yours any more"),
            _("It may have been removed, or you are no longer part of it."),
            status=404,
        )
    return link, pair
