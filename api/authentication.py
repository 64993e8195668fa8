"""`Authorization: Bearer mtk_…` with a personal API token (api/tokens.py)."""

import logging

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from api import tokens

log = logging.getLogger(__name__)


class TokenAuthentication(BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as: Authorization: Bearer <token>."
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token.")
        token = tokens.authenticate(raw)
        if token is None:
            log.info("API request refused: unknown or revoked token %s…", raw[:12])
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with WWW-Authenticate), not 403, without valid credentials.
        return 'Bearer realm="api"'


class TokenScope(BasePermission):
    """Signed in with a token; a read-only token may only read (403 on any write)."""

    message = "This token is read-only: create a read-write token to make changes."

    def has_permission(self, request, view):
        if request.user is None or not request.user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        if getattr(request.auth, "can_write", False):
            return True
        log.warning(
            "API write refused: token %s of user %s is read-only (%s %s)",
            getattr(request.auth, "pk", None),
            request.user.pk,
            request.method,
            request.path,
        )
        return False
