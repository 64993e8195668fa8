"""The emails of pairing requests: the person asked hears of it, the requester hears the
answer, and both hear when a request expires unanswered. Through the outbox, once each.
"""

from django.urls import reverse

from notifications import outbox
from notifications.emails import absolute_url
from notifications.registry import Rendered
from pairs.models import PairRequest

ASKED = "pair_request"
ANSWERED = "pair_request_answered"
EXPIRED = "pair_request_expired"
KINDS = (ASKED, ANSWERED, EXPIRED)


def queue_asked(pair_request):
    recipient = pair_request.recipient.user
    outbox.queue(ASKED, f"{pair_request.pk}", recipient, {"request": pair_request.pk})


def queue_answered(pair_request):
    requester = pair_request.requester.user
    outbox.queue(ANSWERED, f"{pair_request.pk}", requester, {"request": pair_request.pk})


def queue_expired(pair_request):
    for participant in (pair_request.requester, pair_request.recipient):
        key = f"{pair_request.pk}:{participant.user_id}"
        outbox.queue(EXPIRED, key, participant.user, {"request": pair_request.pk})


def _load(row):
    return (
        PairRequest.objects.select_related("program", "requester__user", "recipient__user", "pair")
        .filter(pk=row.context.get("request"))
        .first()
    )


def render(row):
    """The email for the request as it stands at send time, or why it no longer applies."""
    pair_request = _load(row)
    if pair_request is None:
        return "The request no longer exists."
    slug = pair_request.program.slug
    context = {
        "user": row.user,
        "request": pair_request,
        "program": pair_request.program,
        "requester_name": pair_request.requester.user.name,
        "recipient_name": pair_request.recipient.user.name,
        "find_url": absolute_url(reverse("pairs:suggestions", args=[slug])),
        "dashboard_url": absolute_url(reverse("home")),
    }
    if row.kind == ASKED:
        if pair_request.status != PairRequest.Status.OPEN:
            return f"The request is {pair_request.status}."
        return Rendered(template=ASKED, context=context)
    if row.kind == ANSWERED:
        if pair_request.status not in (PairRequest.Status.ACCEPTED, PairRequest.Status.DECLINED):
            return f"The request is {pair_request.status}."
        if pair_request.pair is not None:
            context["pair_url"] = absolute_url(pair_request.pair.get_absolute_url())
        return Rendered(template=ANSWERED, context=context)
    if pair_request.status != PairRequest.Status.EXPIRED:
        return f"The request is {pair_request.status}."
    context["asked_me"] = pair_request.recipient.user_id == row.user_id
    return Rendered(template=EXPIRED, context=context)
