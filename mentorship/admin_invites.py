"""Making someone an admin of a program: an invitation they accept, never a silent grant.

A program admin types an address. If it belongs to an account (with a password) that does
not run the program yet, an invitation is recorded and emailed (once per invitation, through
the outbox); the person becomes an admin only when they open the signed link, signed in as
that account, and accept. The admin is told the same thing whatever the address, so the
page cannot be used to learn who has an account.
"""

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import invites
from mentorship.models import AdminInvite, User
from mentorship.models.users import normalize_email
from notifications import outbox
from notifications.emails import absolute_url
from notifications.registry import Rendered

KIND = "admin_invite"
SALT = "mentorship.admin-invite"
MAX_AGE = 14 * 24 * 60 * 60


class AdminInviteError(ValueError):
    """The link cannot be used; the message is for the person holding it."""


def sent_message(email):
    """What the inviting admin is told, whether or not the address has an account."""
    return _(
        "If %(email)s has an account, we sent them an invitation to help run this program. "
        "They become an admin once they accept it."
    ) % {"email": email}


def invite_admin(program, email, by):
    """Record and queue an invitation for the account using `email`, if there is one that
    does not run the program yet. Returns nothing the caller could tell apart."""
    user = User.objects.filter(email__iexact=normalize_email(email), is_active=True).first()
    if user is None or invites.is_placeholder(user):
        return
    if program.admins.filter(pk=user.pk).exists():
        return
    try:
        with transaction.atomic():
            invite, _created = AdminInvite.objects.get_or_create(
                program=program, user=user, accepted_at=None, defaults={"created_by": by}
            )
    except IntegrityError:  # two admins invited the same person at the same moment
        return
    # One email per invitation: adding the same person again sends nothing more.
    outbox.queue(KIND, str(invite.pk), user, {"invite": invite.pk})


def token_for(invite):
    return signing.dumps({"a": invite.pk}, salt=SALT, compress=True)


def link_for(invite):
    return absolute_url(reverse("programs:accept_admin_invite", args=[token_for(invite)]))


def load(token):
    """The open invitation a token names, or AdminInviteError."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise AdminInviteError(
            _("This invitation has expired. Ask a program admin to send another.")
        )
    except signing.BadSignature:
        raise AdminInviteError(
            _("This invitation link is not valid. Check that you copied all of it.")
        )
    invite = (
        AdminInvite.objects.select_related("program", "user", "created_by")
        .filter(pk=data.get("a"))
        .first()
    )
    if invite is None:
        raise AdminInviteError(_("This invitation was withdrawn."))
    if invite.accepted_at is not None:
        raise AdminInviteError(_("This invitation was already accepted."))
    return invite


@transaction.atomic
def accept(invite, user):
    """The invited person, signed in, accepts: they now run the program."""
    if user.pk != invite.user_id:
        raise AdminInviteError(_("This invitation is for another account."))
    updated = AdminInvite.objects.filter(pk=invite.pk, accepted_at=None).update(
        accepted_at=timezone.now()
    )
    if not updated:
        raise AdminInviteError(_("This invitation was already accepted."))
    invite.program.admins.add(user)


def render(row):
    """The invitation email, or why it no longer applies."""
    invite = (
        AdminInvite.objects.select_related("program", "created_by")
        .filter(pk=row.context.get("invite"))
        .first()
    )
    if invite is None or invite.accepted_at is not None:
        return "The admin invitation is no longer open."
    if invite.program.admins.filter(pk=invite.user_id).exists():
        return "The person already runs the program."
    return Rendered(
        template=KIND,
        context={
            "user": row.user,
            "program": invite.program,
            "inviter": invite.created_by,
            "link": link_for(invite),
            "days": MAX_AGE // 86400,
        },
    )
