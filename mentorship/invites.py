"""Invitations: a signed link that expires, stops working once revoked or resent.

An invite creates the person's place straight away: a placeholder account (no usable
password, so nobody can sign in with it) and a Participant with status "invited". Accepting
the link sets the password — that is when the account comes to life — and activates the
participant. Someone who already has an account signs in and joins instead.
"""

import datetime

from django.contrib.auth import password_validation
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.models import Invite, Participant, User
from mentorship.models.users import normalize_email
from notifications import outbox
from notifications.emails import absolute_url
from notifications.models import SentEmail
from notifications.registry import Rendered

SALT = "mentorship.invite"
MAX_AGE = 14 * 24 * 60 * 60  # a link works for 14 days after it was (re)sent
# Resends in any hour: a few per invitation (a typo fixed, a lost email), and a cap per
# program, so nobody can flood an address or use the program as a mail cannon.
RESENDS_PER_INVITE = 3
RESENDS_PER_PROGRAM = 30
RESEND_WINDOW = datetime.timedelta(hours=1)


class InviteError(ValueError):
    pass


def is_placeholder(user):
    """An account created by an invite or import, never claimed: no usable password, not
    provisioned by SCIM and no single sign-on identity (those accounts belong to the
    identity provider: their person signs in there, and it keeps their name)."""
    return user.pk in placeholder_ids([user])


def placeholder_ids(users):
    """The ids of those users that are placeholders (is_placeholder), in one query."""
    candidates = [u.pk for u in users if not u.has_usable_password() and not u.scim_external_id]
    if not candidates:
        return set()
    with_sso = User.objects.filter(pk__in=candidates, socialaccount__isnull=False)
    return set(candidates) - set(with_sso.values_list("pk", flat=True))


def ensure_participant(program, email, role=None, display_name=""):
    """The user (a placeholder if new) and their Participant in program."""
    email = normalize_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, display_name=display_name)
        user.set_unusable_password()
        user.save()
    participant, created = Participant.objects.get_or_create(
        program=program,
        user=user,
        defaults={"role": role or Participant.Role.MENTEE, "status": Participant.Status.INVITED},
    )
    if not created and participant.status == Participant.Status.WITHDRAWN:
        participant.status = Participant.Status.INVITED
        participant.save(update_fields=["status", "updated_at"])
    return participant


def token_for(invite):
    return signing.dumps({"i": invite.pk, "n": invite.nonce}, salt=SALT, compress=True)


def link_for(invite):
    return absolute_url(reverse("programs:accept_invite", args=[token_for(invite)]))


def load(token):
    """The pending Invite a token names, or InviteError with a message for the person."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise InviteError(
            _("This invitation link has expired. Ask your program admin to resend it.")
        )
    except signing.BadSignature:
        raise InviteError(_("This invitation link is not valid. Check that you copied all of it."))
    invite = (
        Invite.objects.select_related("program", "participant__user")
        .filter(pk=data.get("i"))
        .first()
    )
    if invite is None or invite.status == Invite.Status.REVOKED:
        raise InviteError(_("This invitation was withdrawn by the program admin."))
    if invite.nonce != data.get("n"):
        raise InviteError(
            _("A newer invitation was sent for this address: use the link in the latest email.")
        )
    if invite.status == Invite.Status.ACCEPTED:
        raise InviteError(_("This invitation was already accepted. Sign in to continue."))
    return invite


KIND = "invite"


def _queue(invite):
    """Queue the invitation email (through the outbox, with its retries). Each (re)send has
    its own nonce, so its own email; a link of an older nonce no longer works anyway."""
    if invite.participant_id is None:  # an invite from before participants were kept
        invite.participant = ensure_participant(invite.program, invite.email)
    invite.sent_at = timezone.now()
    invite.send_count += 1
    invite.save(update_fields=["participant", "sent_at", "send_count"])
    return bool(
        outbox.queue(
            KIND,
            f"{invite.pk}:{invite.nonce}",
            invite.participant.user,
            {"invite": invite.pk, "nonce": invite.nonce},
        )
    )


def _resends_since(since):
    """Invitation emails queued since `since` that were resends (a first send has nonce 0)."""
    return SentEmail.objects.filter(kind=KIND, created_at__gte=since).exclude(key__endswith=":0")


def check_resend(invite_obj, now=None):
    """InviteError with a clear message if resending now would pass an hourly cap."""
    since = (now or timezone.now()) - RESEND_WINDOW
    rows = _resends_since(since)
    if rows.filter(key__startswith=f"{invite_obj.pk}:").count() >= RESENDS_PER_INVITE:
        raise InviteError(
            _(
                "The invitation to %(email)s was already resent %(n)d times in the last hour. "
                "Please wait before sending it again."
            )
            % {"email": invite_obj.email, "n": RESENDS_PER_INVITE}
        )
    recent = list(
        Invite.objects.filter(program_id=invite_obj.program_id, sent_at__gte=since).values_list(
            "pk", flat=True
        )
    )
    if rows.filter(context__invite__in=recent).count() >= RESENDS_PER_PROGRAM:
        raise InviteError(
            _(
                "This program already resent %(n)d invitations in the last hour. "
                "Please wait before resending more."
            )
            % {"n": RESENDS_PER_PROGRAM}
        )


def render(row):
    """The invitation email as it stands at send time, or why it no longer applies."""
    invite = (
        Invite.objects.select_related("program", "created_by")
        .filter(pk=row.context.get("invite"))
        .first()
    )
    if invite is None or invite.status != Invite.Status.PENDING:
        return "The invitation is no longer pending."
    if invite.nonce != row.context.get("nonce"):
        return "A newer invitation was sent; this link would not work."
    return Rendered(
        template=KIND,
        context={
            "program": invite.program,
            "invite": invite,
            "link": link_for(invite),
            "inviter": invite.created_by,
            "days": MAX_AGE // 86400,
        },
    )


def invite(program, email, by, role=None, display_name=""):
    """Create (or reuse) the pending invite for email and queue its email: (invite, queued)."""
    email = normalize_email(email)
    with transaction.atomic():
        participant = ensure_participant(program, email, role=role, display_name=display_name)
        if participant.status == Participant.Status.ACTIVE and not is_placeholder(participant.user):
            raise InviteError(_("%(email)s is already in this program.") % {"email": email})
        pending = (
            Invite.objects.select_for_update()
            .filter(program=program, email__iexact=email, status=Invite.Status.PENDING)
            .first()
        )
        if pending is None:
            pending = Invite.objects.create(
                program=program, email=email, participant=participant, created_by=by
            )
        else:
            # Inviting again is a resend: the older link stops working.
            check_resend(pending)
            pending.nonce += 1
            pending.participant = participant
            pending.save(update_fields=["nonce", "participant"])
        queued = _queue(pending)
    return pending, queued


def invite_many(program, emails, by, role=None):
    """Invite each address: (how many were queued, [why one was skipped])."""
    queued, skipped = 0, []
    for email in emails:
        try:
            _invite, ok = invite(program, email, by, role=role)
        except InviteError as exc:
            skipped.append(str(exc))
            continue
        queued += ok
    return queued, skipped


def not_yet_invited(program):
    """Participants marked "invited" (e.g. imported) with no pending invitation."""
    return Participant.objects.filter(program=program, status=Participant.Status.INVITED).exclude(
        invites__status=Invite.Status.PENDING
    )


def resend(invite_obj):
    if invite_obj.status != Invite.Status.PENDING:
        raise InviteError(_("Only pending invitations can be resent."))
    with transaction.atomic():
        check_resend(invite_obj)
        invite_obj.nonce += 1
        invite_obj.save(update_fields=["nonce"])
        _queue(invite_obj)


@transaction.atomic
def revoke(invite_obj):
    if invite_obj.status != Invite.Status.PENDING:
        raise InviteError(_("Only pending invitations can be revoked."))
    invite_obj.status = Invite.Status.REVOKED
    invite_obj.nonce += 1
    invite_obj.save(update_fields=["status", "nonce"])
    participant = invite_obj.participant
    if participant and participant.status == Participant.Status.INVITED:
        participant.status = Participant.Status.WITHDRAWN
        participant.save(update_fields=["status", "updated_at"])


@transaction.atomic
def _join(invite_obj, user):
    participant, _created = Participant.objects.get_or_create(
        program=invite_obj.program, user=user, defaults={"status": Participant.Status.ACTIVE}
    )
    if participant.status != Participant.Status.ACTIVE:
        participant.status = Participant.Status.ACTIVE
        participant.save(update_fields=["status", "updated_at"])
    invite_obj.status = Invite.Status.ACCEPTED
    invite_obj.accepted_at = timezone.now()
    invite_obj.participant = participant
    invite_obj.save(update_fields=["status", "accepted_at", "participant"])
    return participant


def invited_user(invite_obj):
    return User.objects.filter(email__iexact=invite_obj.email).first()


def accept_new(invite_obj, password, display_name="", time_zone=None):
    """Claim the placeholder account: set its password, then join. Returns the Participant."""
    user = invited_user(invite_obj)
    if user is None:
        user = User(email=invite_obj.email)
    elif not is_placeholder(user):
        raise InviteError(_("This address already has an account: sign in to join."))
    if display_name:
        user.display_name = display_name
    if time_zone:
        user.time_zone = time_zone
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    return _join(invite_obj, user)


def accept_existing(invite_obj, user):
    """A signed-in user whose email the invite names joins the program."""
    if normalize_email(user.email) != normalize_email(invite_obj.email):
        raise InviteError(
            _("This invitation is for %(email)s, but you are signed in as %(me)s.")
            % {"email": invite_obj.email, "me": user.email}
        )
    return _join(invite_obj, user)
