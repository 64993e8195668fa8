from django.contrib.auth.backends import ModelBackend

from mentorship.models.users import normalize_email


class EmailBackend(ModelBackend):
    """Sign in by email, whatever its letter case."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(
            request, username=normalize_email(email or username), password=password, **kwargs
        )
