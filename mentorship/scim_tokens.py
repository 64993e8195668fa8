"""Provisioning tokens: made by an admin, shown once, kept as a SHA-256 digest, revocable.

The token is 256 random bits, so a fast hash is enough: nobody can guess one from its
digest. A program's token works while it is not revoked and its maker still runs the
program; a site token while its maker is still staff."""

import hashlib
import logging
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.models import ScimToken

log = logging.getLogger(__name__)

PREFIX = "mscim_"
MAX_ACTIVE = 10  # per program (or for the site): enough to rotate, few enough to review


class TokenError(ValueError):
    pass


def digest(raw):
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def active_for(program):
    return ScimToken.objects.filter(program=program, revoked_at=None)


@transaction.atomic
def create(program, name, by):
    """(token, raw): raw is shown to the admin once and never stored."""
    if active_for(program).count() >= MAX_ACTIVE:
        raise TokenError(
            _("There are already %(n)d active tokens: revoke one first.") % {"n": MAX_ACTIVE}
        )
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        program=program,
        name=name,
        prefix=raw[: len(PREFIX) + 4],
        digest=digest(raw),
        created_by=by,
    )
    log.info(
        "scim token made: token=%s program=%s by=%s",
        token.pk,
        program.pk if program else "-",
        by.pk,
    )
    return token, raw


def revoke(token, by):
    updated = ScimToken.objects.filter(pk=token.pk, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if updated:
        log.info("scim token revoked: token=%s by=%s", token.pk, by.pk)
    return bool(updated)


def authenticate(header):
    """(token, None) for a valid "Bearer …" header, or (None, reason) to refuse with."""
    scheme, _sep, raw = (header or "").partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        return None, "missing"
    token = (
        ScimToken.objects.select_related("program", "created_by").filter(digest=digest(raw)).first()
    )
    if token is None:
        return None, "unknown"
    if token.revoked_at is not None:
        return None, "revoked"
    maker = token.created_by
    if maker is None or not maker.is_active:
        return None, "maker_gone"
    if token.program is None:
        if not maker.is_staff:
            return None, "maker_not_staff"
    elif not token.program.is_admin(maker):
        return None, "maker_not_admin"
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, None
