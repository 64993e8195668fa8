import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mentorship.models.programs import Program


def new_secret():
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """A program's HTTPS endpoint for events (mentorship/webhooks.py): our signed JSON, or a
    Slack or Teams channel's incoming webhook (the weekly summary)."""

    class Format(models.TextChoices):
        SIGNED = "signed", _("JSON, signed (HMAC-SHA256)")
        SLACK = "slack", _("Slack channel")
        TEAMS = "teams", _("Microsoft Teams channel")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("endpoint URL"), max_length=500)
    format = models.CharField(_("format"), max_length=10, choices=Format, default=Format.SIGNED)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, default=new_secret)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.program} → {self.url}"

    @property
    def target(self):
        """Its deliveries' target (notifications.WebhookDelivery.target)."""
        return f"endpoint:{self.pk}"
