"""Self-service: a participant's top suggestions, and requests the other person answers."""

import datetime
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import profiles
from mentorship.models import Participant
from pairs import matching, pairing, request_emails
from pairs.models import Pair, PairRequest

MAX_MESSAGE = 2000


class RequestError(Exception):
    """A request that cannot be made or answered; the message is for the person."""


def counterpart_role(participant, program):
    """Which side the requester takes: mentee asks mentors, mentor asks mentees, peers both."""
    if program.kind == program.Kind.PEER:
        return "peer"
    return "mentor" if participant.role == Participant.Role.MENTOR else "mentee"


@dataclass(frozen=True)
class Card:
    """A suggestion as its viewer reads it: what each can teach the other, in the second
    person, and what the viewer may see of the candidate (profiles.public_view)."""

    you_teach: list
    they_teach: list
    shared_goals: list
    overlap_hours: float
    profile: dict


def card_for(me, other, other_participant, score):
    """me, other: matching.Profile; score: the PairScore, oriented either way."""
    return Card(
        you_teach=sorted(me.teaches & other.learns, key=str.lower),
        they_teach=sorted(other.teaches & me.learns, key=str.lower),
        shared_goals=sorted(me.goals & other.goals),
        overlap_hours=score.breakdown.get("overlap_hours", 0),
        profile=profiles.public_view(other_participant),
    )


def suggestions_for(participant, limit=5):
    """[(other participant, PairScore, Card)] best first: people this participant could ask."""
    program = participant.program
    counts = pairing.occupying_counts(program)
    if counts.get(participant.pk, 0) >= participant.capacity:
        return []
    people = pairing.participants_with_profiles(program, status=Participant.Status.ACTIVE)
    me_index = next((i for i, p in enumerate(people) if p.pk == participant.pk), None)
    if me_index is None:
        return []
    side = counterpart_role(people[me_index], program)
    open_with = set()
    for a, b in PairRequest.objects.filter(
        Q(requester=participant) | Q(recipient=participant), status=PairRequest.Status.OPEN
    ).values_list("requester_id", "recipient_id"):
        open_with.update((a, b))
    others = [
        i
        for i, p in enumerate(people)
        if i != me_index
        and counts.get(p.pk, 0) < p.capacity
        and p.pk not in open_with
        and (side == "peer" or (p.can_mentor if side == "mentee" else p.can_be_mentee))
    ]
    if not others:
        return []
    profs = pairing.profiles(people)
    weights = pairing.weights_for(program)
    blocked = pairing.blocked_pairs(program)
    me = profs[me_index]
    candidates = [profs[i] for i in others]
    if side == "mentor":
        scorer = matching.Scorer([me], candidates, weights, blocked)
        scores = scorer.block(0, len(candidates))[:, 0]
    elif side == "mentee":
        scores = matching.Scorer(candidates, [me], weights, blocked).block(0, 1)[0]
    else:
        scores = matching.PeerScorer([me, *candidates], weights, blocked).block(0, 1)[0, 1:]
    order = [i for i in np.lexsort((np.arange(len(scores)), -scores)) if np.isfinite(scores[i])]
    out = []
    for i in order[:limit]:
        other = people[others[i]]
        mentor, mentee = _orient(me, candidates[i], side, weights)
        score = matching.pair_score(mentor, mentee, weights)
        out.append((other, score, card_for(me, candidates[i], other, score)))
    return out


def _orient(me, other, side, weights):
    if side == "mentor":
        return me, other
    if side == "mentee":
        return other, me
    a = matching.pair_score(me, other, weights)
    b = matching.pair_score(other, me, weights)
    return (me, other) if a.score >= b.score else (other, me)


def _roles(requester, recipient, program):
    side = counterpart_role(requester, program)
    if side == "mentor":
        if not recipient.can_be_mentee:
            raise RequestError(_("%(name)s is not a mentee.") % {"name": recipient.user.name})
        return requester, recipient, "mentor"
    if side == "mentee":
        if not recipient.can_mentor:
            raise RequestError(_("%(name)s is not a mentor.") % {"name": recipient.user.name})
        return recipient, requester, "mentee"
    a = pairing.score_pair(requester, recipient)[0].score
    b = pairing.score_pair(recipient, requester)[0].score
    return (requester, recipient, "mentor") if a >= b else (recipient, requester, "mentee")


def create_request(requester, recipient, message="", now=None):
    now = now or timezone.now()
    message = (message or "").strip()
    if requester.program_id != recipient.program_id:
        raise RequestError(_("You can only ask people in your own program."))
    if requester.pk == recipient.pk or requester.user_id == recipient.user_id:
        raise RequestError(_("You cannot send a request to yourself."))
    for person in (requester, recipient):
        if person.status != Participant.Status.ACTIVE:
            raise RequestError(
                _("%(name)s is not an active participant.") % {"name": person.user.name}
            )
    if len(message) > MAX_MESSAGE:
        raise RequestError(_("Keep the message under %(n)s characters.") % {"n": MAX_MESSAGE})
    program = requester.program
    mentor, mentee, role = _roles(requester, recipient, program)
    if pairing.paired_before(mentor, mentee):
        raise RequestError(_("You two were already paired in this program."))
    if PairRequest.objects.filter(
        Q(requester=requester, recipient=recipient) | Q(requester=recipient, recipient=requester),
        status=PairRequest.Status.OPEN,
    ).exists():
        raise RequestError(_("There is already an open request between you two."))
    counts = pairing.occupying_counts(program, among=(requester, recipient))
    for person in (requester, recipient):
        if counts.get(person.pk, 0) >= person.capacity:
            raise RequestError(_("%(name)s has no capacity left.") % {"name": person.user.name})
    score, _problems = pairing.score_pair(mentor, mentee)
    try:
        with transaction.atomic():
            created = PairRequest.objects.create(
                program=program,
                requester=requester,
                recipient=recipient,
                requester_role=role,
                message=message,
                score=score.score,
                reasons=score.reasons,
                expires_at=now + datetime.timedelta(days=program.request_expiry_days),
            )
            request_emails.queue_asked(created)  # the person asked hears of it
            return created
    except IntegrityError:
        raise RequestError(_("There is already an open request between you two."))


def expire_due(now=None, participant=None, batch=500):
    """Mark open requests past their expiry as expired (only this participant's, if given),
    and tell both people. Due rows are claimed with SKIP LOCKED, so concurrent runs take
    different rows; the emails' unique keys make each go out once anyway."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            due = PairRequest.objects.select_for_update(skip_locked=True).filter(
                status=PairRequest.Status.OPEN, expires_at__lte=now
            )
            if participant is not None:
                due = due.filter(Q(requester=participant) | Q(recipient=participant))
            ids = list(due.order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                return expired
            PairRequest.objects.filter(pk__in=ids).update(
                status=PairRequest.Status.EXPIRED, responded_at=now
            )
            for pair_request in PairRequest.objects.filter(pk__in=ids).select_related(
                "requester__user", "recipient__user"
            ):
                request_emails.queue_expired(pair_request)
            expired += len(ids)
        if len(ids) < batch:
            return expired


def respond(request, by, accept, now=None):
    """The recipient accepts or declines. Accepting makes the pair and withdraws the
    requester's other open requests, and the recipient's once they are now full."""
    now = now or timezone.now()
    if by.pk != request.recipient.user_id:
        raise RequestError(_("Only the person asked can answer this request."))
    with transaction.atomic():
        locked = PairRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == PairRequest.Status.OPEN and locked.expires_at <= now:
            locked.status = PairRequest.Status.EXPIRED
            locked.responded_at = now
            locked.save(update_fields=["status", "responded_at"])
            request_emails.queue_expired(locked)
            expired = True
        else:
            expired = False
    if expired:
        raise RequestError(_("This request has expired."))
    if locked.status != PairRequest.Status.OPEN:
        raise RequestError(
            _("This request is already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    if not accept:
        with transaction.atomic():
            locked.status = PairRequest.Status.DECLINED
            locked.responded_at = now
            locked.save(update_fields=["status", "responded_at"])
            request_emails.queue_answered(locked)
        return locked
    requester, recipient = locked.requester, locked.recipient
    if locked.requester_role == "mentor":
        mentor, mentee = requester, recipient
    else:
        mentor, mentee = recipient, requester
    with transaction.atomic():
        try:
            pair = pairing.create_pair(mentor, mentee, by=by, source=Pair.Source.REQUEST)
        except pairing.PairingError as exc:
            raise RequestError(str(exc))
        locked.status = PairRequest.Status.ACCEPTED
        locked.responded_at = now
        locked.pair = pair
        locked.save(update_fields=["status", "responded_at", "pair"])
        request_emails.queue_answered(locked)
        withdraw_open_of(requester, now, keep=locked.pk)
        counts = pairing.occupying_counts(locked.program_id, among=(recipient,))
        if counts.get(recipient.pk, 0) >= recipient.capacity:
            withdraw_open_of(recipient, now, keep=locked.pk)
    return locked


def withdraw_open_of(participant, now, keep=None):
    return (
        PairRequest.objects.filter(
            Q(requester=participant) | Q(recipient=participant), status=PairRequest.Status.OPEN
        )
        .exclude(pk=keep)
        .update(status=PairRequest.Status.WITHDRAWN, responded_at=now)
    )


def on_participant_withdrawn(sender, participant, now=None, **kwargs):
    """mentorship.participation.withdrawn: their open pairing requests end with them."""
    withdraw_open_of(participant, now or timezone.now())


def withdraw(request, by, now=None):
    if by.pk != request.requester.user_id:
        raise RequestError(_("Only the person who asked can withdraw a request."))
    updated = PairRequest.objects.filter(pk=request.pk, status=PairRequest.Status.OPEN).update(
        status=PairRequest.Status.WITHDRAWN, responded_at=now or timezone.now()
    )
    if not updated:
        raise RequestError(_("Only an open request can be withdrawn."))
