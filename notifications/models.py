from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailPreference(models.Model):
    """Which lists a person gets (one boolean per list in registry.LISTS)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    reminders = models.BooleanField(_("reminders about my next actions"), default=True)
    nudges = models.BooleanField(_("weekly nudge"), default=True)
    digests = models.BooleanField(_("weekly admin digest"), default=True)
    checkins = models.BooleanField(_("check-ins: how my pair is going"), default=True)
    pair_notices = models.BooleanField(_("notices about an idle or ending pair"), default=True)
    # None: the program's nudge weekday (0 = Monday).
    nudge_weekday = models.PositiveSmallIntegerField(_("nudge day"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Moved here from session_logs; the table kept its name and its rows.
        db_table = "session_logs_emailpreference"


class SentEmail(models.Model):
    """One email that must go out exactly once; (kind, key) is unique."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Delivery: a pending row is claimed once this has passed (retry backoff, or the
    # lease of a worker that is sending it right now).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Retries go on until EMAIL_RETRY_FOR after this: when the row was first due (None, for
    # rows from before it existed: created_at); an admin's resend starts a fresh window.
    retry_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "session_logs_sentemail"
        constraints = [models.UniqueConstraint("kind", "key", name="sent_email_once")]
        indexes = [
            models.Index(fields=["status", "created_at"], name="session_log_status_785559_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="sent_email_pending_due",
            ),
        ]
