"""Inviting the partner to add their side once one member has logged a session."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentorship.emails import absolute_url, send_email
from sessions.models import SentEmail, Session, SessionSide

KIND = "add_your_side"


def key_for(session, user):
    return f"{session.pk}:{user.pk}"


def send_invite(session, user):
    """Email the partner once per session; nothing if they already added their side."""
    pair = session.pair
    role = pair.role_of(user)
    if role is None or session.status != Session.Status.LOGGED:
        return None
    if SessionSide.objects.filter(session=session, side=role).exists():
        return None
    try:
        with transaction.atomic():
            row = SentEmail.objects.create(
                kind=KIND, key=key_for(session, user), user=user, to_email=user.email
            )
    except IntegrityError:
        row = SentEmail.objects.get(kind=KIND, key=key_for(session, user))
        if row.status != SentEmail.Status.PENDING:
            return row
    partner = pair.partner_of(user).user
    context = {
        "user": user,
        "partner_name": partner.name,
        "session": session,
        "url": absolute_url(reverse("sessions:side", args=[session.pk])),
    }
    row.attempts += 1
    try:
        send_email(KIND, user.email, context)
    except Exception as exc:
        row.status = SentEmail.Status.FAILED
        row.last_error = str(exc)[:2000]
        row.save(update_fields=["status", "attempts", "last_error"])
        raise
    row.status = SentEmail.Status.SENT
    row.sent_at = timezone.now()
    row.save(update_fields=["status", "attempts", "sent_at"])
    return row
