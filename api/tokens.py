"""Personal API tokens: create (shown once), look up by digest, revoke."""

import hashlib
import logging
import secrets

from django.utils import timezone

from api.models import ApiToken

log = logging.getLogger(__name__)

PREFIX = "mtk_"
MAX_ACTIVE = 20  # per person: a bound, so a loop cannot fill the table


class TokenError(Exception):
    """A token that cannot be created; the message is for the person."""


def digest(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def create(user, name, scope):
    """(ApiToken, raw token): the raw token is returned this once and never stored."""
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE:
        raise TokenError(f"You already have {MAX_ACTIVE} tokens; revoke one first.")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), scope=scope, prefix=raw[:12], digest=digest(raw)
    )
    log.info("API token %s created for user %s (%s)", token.pk, user.pk, scope)
    return token, raw


def active_for(user):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def revoke(token):
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        log.info("API token %s of user %s revoked", token.pk, token.user_id)
    return bool(updated)


def authenticate(raw):
    """The live token for this raw value and its user, or None (unknown, revoked, or the
    account is deactivated)."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    # At most one write a minute per token: "last used" is for people, not an audit log.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
