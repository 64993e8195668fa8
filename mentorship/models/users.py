from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.timezones import validate_time_zone


def normalize_email(email):
    # Addresses are compared case-insensitively, so they are stored that way too.
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=normalize_email(email))

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    # Blank: the browser's language (Accept-Language) on pages, the site's in emails.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The identity provider's own id for this person, when provisioned through SCIM.
    scim_external_id = models.CharField(max_length=254, blank=True, default="", db_index=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        # People are listed by name then email (participants, pickers, pairs): with this
        # index a page of a big program reads its first rows in order instead of sorting
        # every member joined to every user.
        indexes = [models.Index(fields=["display_name", "email"], name="user_name_order")]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return User.name_of(self.display_name, self.email)

    @staticmethod
    def name_of(display_name, email):
        """A user's name from those two columns (for rows read without the model)."""
        return display_name or email.split("@")[0]

    def get_short_name(self):
        return self.name

    def get_full_name(self):
        return self.name

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)


class WorkerHeartbeat(models.Model):
    """Written by a periodic task, so /healthz can tell whether workers run."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
