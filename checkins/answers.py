"""Answering a check-in: the one place its rules live.

A check-in is its author's: only they answer it, and answering again updates the same row
(never a second one). A regular check-in of a pair that has since completed or ended is
closed (its closing check-in asks instead). Asking for help opens an admin's task.
"""

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from checkins.models import MAX_TEXT, CheckIn, HelpRequest
from mentorship import webhooks
from pairs import lifecycle

TEXT_FIELDS = ("learned", "taught", "change", "fit_reason")
SCORES = (1, 2, 3, 4, 5)


class CheckinError(Exception):
    """A check-in that cannot be answered; the message is for the person."""


def partner_name(pair, user_id):
    """The other person's name (pair loaded with both users; no query)."""
    other = pair.mentee if pair.mentor.user_id == user_id else pair.mentor
    return other.user.name


def closed_reason(checkin):
    """Why this check-in can no longer be answered, or None."""
    pair = checkin.pair
    if checkin.kind != CheckIn.Kind.FINAL and pair.status in lifecycle.FINISHING:
        ended = formats.date_format(pair.ended_on) if pair.ended_on else ""
        return _(
            "Your pair with %(partner)s ended on %(date)s, so this check-in is closed. "
            "Your closing check-in asks how it went instead."
        ) % {"partner": partner_name(pair, checkin.user_id), "date": ended}
    if pair.status not in lifecycle.FINISHING and pair.status not in (
        pair.Status.ACTIVE,
        pair.Status.PAUSED,
    ):
        return _("This pair never started, so there is nothing to check in on.")
    return None


def answer(checkin, by, *, score, learned="", taught="", change="", good_fit=None,
           fit_reason="", wants_help=False, shared=False, now=None):  # fmt: skip
    """Save `by`'s answers to `checkin` (a second answer updates the first)."""
    if checkin.user_id != by.pk:
        raise CheckinError(_("This check-in is someone else's."))
    reason = closed_reason(checkin)
    if reason:
        raise CheckinError(reason)
    if score not in SCORES:
        raise CheckinError(_("Choose how it is going, from 1 to 5."))
    texts = {"learned": learned, "taught": taught, "change": change, "fit_reason": fit_reason}
    for name, value in texts.items():
        texts[name] = (value or "").strip()
        if len(texts[name]) > MAX_TEXT:
            raise CheckinError(_("Keep each answer under %(n)s characters.") % {"n": MAX_TEXT})
    now = now or timezone.now()
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        fields = {
            "score": score,
            "good_fit": good_fit,
            "wants_help": bool(wants_help),
            "shared": bool(shared),
            **texts,
        }
        for name, value in fields.items():
            setattr(locked, name, value)
        if locked.answered_at is None:
            locked.answered_at = now
        locked.save()
        if wants_help:
            ask_for_help(checkin.pair, by, HelpRequest.Kind.HELP)
    return locked


def ask_for_help(pair, user, kind):
    """The one open request of this kind from this person for this pair (an admin's task)."""
    existing = HelpRequest.objects.filter(
        pair=pair, user=user, kind=kind, resolved_at__isnull=True
    ).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            request = HelpRequest.objects.create(pair=pair, user=user, kind=kind)
            # Program webhooks hear of it: ids, the kind and when; never who wrote what.
            webhooks.emit_checkin_needs_attention(
                pair.program_id, request.pk, pair.pk, kind, asked_at=request.created_at.isoformat()
            )
            return request, True
    except IntegrityError:  # asked at the same moment in another request
        return HelpRequest.objects.get(
            pair=pair, user=user, kind=kind, resolved_at__isnull=True
        ), False


def resolve(help_request, by, now=None):
    """An admin marks a request handled; False if it already was."""
    return bool(
        HelpRequest.objects.filter(pk=help_request.pk, resolved_at__isnull=True).update(
            resolved_at=now or timezone.now(), resolved_by=by
        )
    )
