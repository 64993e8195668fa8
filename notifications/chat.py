"""Reminders and nudges in Slack or Microsoft Teams, for a person who chose that over email.

The outbox builds the email as usual (so every reason to skip it still applies), then
CHAT.divert hands it here: the email row is marked skipped ("sent to Slack instead") and
a WebhookDelivery to "user:<id>" carries the subject and a link to the dashboard, posted
in the service's incoming-webhook shape (webhooks.slack_body / teams_body) with the same
retries as every other delivery. The URL is read at send time from the preference.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications import outbox, webhooks
from notifications.emails import absolute_url
from notifications.models import Channel
from notifications.registry import Destination

CHAT_KIND = "chat.message"


def chosen(user):
    """(channel, url) if the person takes reminders and nudges in a chat, else None."""
    pref = outbox.preference(user)
    if pref is None or pref.channel == Channel.EMAIL or not pref.chat_webhook_url:
        return None
    return pref.channel, pref.chat_webhook_url


def divert(row, message):
    choice = chosen(row.user)
    if choice is None:
        return None
    payload = {
        "title": message.subject,
        "text": _("Open Mentorship to see it, mark it done or snooze it."),
        "link": absolute_url(reverse("home")),
    }
    delivery = webhooks.queue(CHAT_KIND, f"email:{row.pk}", f"user:{row.user_id}", payload)
    label = Channel(choice[0]).label
    return outbox._skip(row, f"Sent to {label} instead (webhook delivery {delivery}).")


def resolve_user(row, user_id):
    """Where a "user:<id>" delivery goes: the person's chat webhook, as set now."""
    pref = (
        outbox.EmailPreference.objects.filter(user_id=user_id, user__is_active=True)
        .only("channel", "chat_webhook_url")
        .first()
    )
    if pref is None or pref.channel == Channel.EMAIL or not pref.chat_webhook_url:
        return "The person no longer takes messages in a chat."
    return Destination(url=pref.chat_webhook_url, format=pref.channel)
