from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from mentorship.models.users import normalize_email


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
