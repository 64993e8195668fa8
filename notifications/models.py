from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")


class EmailPreference(models.Model):
    """Which lists a person gets (one boolean per list in registry.LISTS)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    reminders = models.BooleanField(_("reminders about my next actions"), default=True)
    nudges = models.BooleanField(_("weekly nudge"), default=True)
    digests = models.BooleanField(_("weekly admin digest"), default=True)
    agenda_nudges = models.BooleanField(
        _("an invitation to add a question to the next session's agenda"), default=True
    )
    checkins = models.BooleanField(_("check-ins: how my pair is going"), default=True)
    pair_notices = models.BooleanField(_("notices about an idle or ending pair"), default=True)
    # None: the program's nudge weekday (0 = Monday).
    nudge_weekday = models.PositiveSmallIntegerField(_("nudge day"), null=True, blank=True)
    # Where reminders and nudges go: email, or a chat's incoming webhook (the kinds in
    # registry.CHAT_KINDS; notifications/chat.py).
    channel = models.CharField(
        _("send reminders and nudges by"), max_length=10, choices=Channel, default=Channel.EMAIL
    )
    chat_webhook_url = models.URLField(_("incoming webhook URL"), max_length=500, blank=True)
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


class WebhookDelivery(models.Model):
    """One HTTP POST that must go out once: a program's webhook event or a chat message.

    The outbox's way (notifications/outbox.py): a row recorded once per (target, kind,
    key), claimed with a lease, retried with the same backoff, then failed and listed.
    The URL and secret are looked up at send time from `target` (registry.TARGETS), so
    a changed or removed endpoint is honoured, and no secret is copied here.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    kind = models.CharField(max_length=60)  # the event: "pair.activated", "chat.message"
    key = models.CharField(max_length=200)
    # "endpoint:<id>" (a program's endpoint) or "user:<id>" (a person's chat webhook).
    target = models.CharField(max_length=60)
    # Ids, dates, statuses and counts only: never session content.
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    retry_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("target", "kind", "key", name="webhook_delivery_once")
        ]
        indexes = [
            models.Index(fields=["target", "-created_at"], name="webhook_delivery_target"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_pending_due",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} → {self.target}"
