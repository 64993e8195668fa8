"""What the other apps tell the outbox: their email kinds, the lists one can leave, and
who counts as an email admin. Filled from each app's AppConfig.ready(); no models here.
"""

from dataclasses import dataclass, field


@dataclass
class Rendered:
    """What a renderer returns for one row: the template and its context."""

    template: str
    context: dict
    unsubscribe_url: str | None = None
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    name: str
    render: object  # function(row) -> Rendered, or a str: the reason to skip the row
    prepare: object = None  # function(rows) called once per claimed batch of this kind


@dataclass(frozen=True)
class EmailList:
    name: str  # the EmailPreference field that says whether a person gets it
    label: str  # "the weekly nudge": shown on the unsubscribe page
    admins_only: bool = False  # only email admins see it on the preferences page


KINDS = {}
LISTS = {}
# Webhook targets: prefix ("endpoint", "user") -> function(row, id) -> Destination or a
# str (the reason to skip). Filled by the app that owns the URLs.
TARGETS = {}
# Email kinds a person may take in chat instead (reminders, nudges).
CHAT_KINDS = set()


@dataclass(frozen=True)
class Destination:
    url: str
    format: str  # "signed" (our JSON, HMAC-signed), "slack" or "teams"
    secret: str = ""


def register(kind, render, prepare=None):
    """Declare an email kind: the outbox sends its rows with `render` (and `prepare`)."""
    KINDS[kind] = Kind(kind, render, prepare)


def register_target(prefix, resolve):
    """Declare where `<prefix>:<id>` webhook rows go: resolve(row, id) -> Destination."""
    TARGETS[prefix] = resolve


def allow_chat(kind):
    """A person who chose Slack or Teams gets this email kind there instead."""
    CHAT_KINDS.add(kind)


def register_list(name, label, admins_only=False):
    LISTS[name] = EmailList(name, label, admins_only)


class _Audience:
    """Who may see failed emails; the app that knows about programs sets it."""

    # function(user) -> bool, and function(user, queryset of SentEmail) -> queryset.
    is_admin = staticmethod(lambda user: user.is_authenticated and user.is_superuser)
    failed_scope = staticmethod(lambda user, rows: rows if user.is_superuser else rows.none())


AUDIENCE = _Audience()


def set_audience(is_admin, failed_scope):
    AUDIENCE.is_admin = is_admin
    AUDIENCE.failed_scope = failed_scope


class _Chat:
    """Sends a built email of a CHAT_KINDS kind to the person's chat instead, if they chose
    one: function(row, message) -> an outcome ("skipped") or None to send the email.
    Set by notifications.chat (it needs the outbox, which cannot import it back)."""

    divert = staticmethod(lambda row, message: None)


CHAT = _Chat()


def set_chat(divert):
    CHAT.divert = divert
