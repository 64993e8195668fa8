from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import BigIntegerField

from mentorship.models.users import User, normalize_email
from mentorship.prepared import Param, prepared


@prepared
def _user_by_id():
    # Every signed-in request loads its user: compiled once, not on each request.
    return User._default_manager.filter(pk=Param("id", BigIntegerField()))


class EmailBackend(ModelBackend):
    """Sign in by email, whatever its letter case. With PASSWORD_SIGN_IN off, only staff may
    use a password (Django admin); everyone else signs in through single sign-on."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        user = super().authenticate(
            request, username=normalize_email(email or username), password=password, **kwargs
        )
        if user is not None and not settings.PASSWORD_SIGN_IN and not user.is_staff:
            return None
        return user

    def get_user(self, user_id):
        found = _user_by_id(id=user_id)
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
