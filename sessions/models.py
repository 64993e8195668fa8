import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentorship.models import Program
from pairs.models import Pair


def fill_program(row):
    """Copy the pair's program onto a new session, action, goal or agenda item (bulk inserts
    set it too)."""
    if row.program_id is None and row.pair_id is not None:
        loaded = row._state.fields_cache.get("pair")  # no query when the caller had the pair
        if loaded is not None:
            row.program_id = loaded.program_id
        else:
            row.program_id = Pair.objects.values_list("program_id", flat=True).get(pk=row.pair_id)


class Side(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class Session(models.Model):
    class Format(models.TextChoices):
        VIDEO = "video", _("Video call")
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Chat")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LOGGED = "logged", _("Logged")
        CANCELLED = "cancelled", _("Cancelled")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="sessions")
    # The pair's program, copied (a pair never changes program) so program-wide figures
    # read one index range instead of joining every pair of the program.
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="+", db_index=False, editable=False
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.LOGGED)
    occurred_at = models.DateTimeField(_("when"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    format = models.CharField(_("format"), max_length=10, choices=Format, default=Format.VIDEO)
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    shared_notes = models.TextField(_("shared notes"), blank=True, max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Optimistic locking: a stale form is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["pair", "status", "-occurred_at"]),
            models.Index(fields=["updated_at"], name="session_updated"),
            models.Index(fields=["program", "status", "occurred_at"], name="session_program_time"),
        ]

    def __str__(self):
        return f"{self.pair} @ {self.occurred_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        fill_program(self)
        super().save(*args, **kwargs)


class SessionSide(models.Model):
    """One person's own side of a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="sides")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_sides"
    )
    side = models.CharField(max_length=10, choices=Side)
    learned = models.TextField(_("what I learned"), blank=True, max_length=20000)
    shared = models.TextField(_("what I shared or taught"), blank=True, max_length=20000)
    questions = models.TextField(_("questions I brought"), blank=True, max_length=20000)
    unsure = models.TextField(_("something I'm unsure about"), blank=True, max_length=20000)
    # The author's alone: never shown to the partner or to admins.
    private_note = models.TextField(_("private note"), blank=True, max_length=20000)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("session", "side", name="one_side_per_role"),
        ]


class NextActionQuerySet(models.QuerySet):
    def owned_by(self, user):
        """Actions this person owns: theirs in pairs where they mentor or are mentored, and
        the shared ones ("both")."""
        as_mentor = Q(pair__mentor__user=user, owner__in=NextAction.owners_of_role("mentor"))
        as_mentee = Q(pair__mentee__user=user, owner__in=NextAction.owners_of_role("mentee"))
        return self.filter(as_mentor | as_mentee)

    def overdue(self, today):
        """Open actions of live pairs whose due date is before `today` (a local date)."""
        return self.filter(NextAction.overdue_q(today))


class NextAction(models.Model):
    class Owner(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")
        BOTH = "both", _("Both")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="actions")
    # As on Session: the pair's program, for program-wide figures over an index range.
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="+", db_index=False, editable=False
    )
    text = models.CharField(_("action"), max_length=500)
    owner = models.CharField(_("owner"), max_length=10, choices=Owner, default=Owner.MENTEE)
    due_on = models.DateField(_("due"))
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dropped_reason = models.TextField(_("what got in the way"), blank=True, max_length=2000)
    created_in = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="created_actions"
    )
    reviewed_in = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviewed_actions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The goal this action moves forward (optional); a goal shows its actions' progress.
    goal = models.ForeignKey(
        "Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    # Reminders: what is due lives here; a periodic task claims due rows.
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NextActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["pair", "status", "due_on"]),
            models.Index(fields=["updated_at"], name="action_updated"),
            models.Index(
                fields=["next_reminder_at"],
                condition=models.Q(status="open", next_reminder_at__isnull=False),
                name="action_reminder_due",
            ),
            # Program health: actions that came due in a range, and those done in it.
            models.Index(fields=["program", "due_on", "status"], name="action_program_due"),
            models.Index(
                fields=["program", "done_at", "owner"],
                condition=models.Q(status="done"),
                name="action_program_done",
            ),
            models.Index(
                fields=["program", "due_on", "pair"],  # overdue: the pair's status joined
                condition=models.Q(status="open"),
                name="action_program_open_pair",
            ),
        ]

    def __str__(self):
        # Metadata only: admin titles, delete pages and history show this (never the text).
        return f"Action {self.pk} due {self.due_on}"

    def save(self, *args, **kwargs):
        fill_program(self)
        super().save(*args, **kwargs)

    @classmethod
    def owners_of_role(cls, role):
        """The owner values that make an action the mentor's (or the mentee's) to do."""
        return (role, cls.Owner.BOTH)

    def owned_by_role(self, role):
        return self.owner in NextAction.owners_of_role(role)

    def owner_roles(self):
        """The roles ('mentor', 'mentee') that own this action."""
        return [role for role in ("mentor", "mentee") if self.owned_by_role(role)]

    @staticmethod
    def overdue_q(today, program=None):
        """Overdue: open, due before `today` (the owner's or viewer's local date), and the
        pair still live (an ended pair's open actions are nobody's to do any more).

        With `program`, the pair's status is read from one (hashed) subquery over the
        program's live pairs instead of a join per action: for program-wide counts."""
        live = Q(pair__status__in=Pair.LIVE)
        if program is not None:
            live = Q(pair_id__in=Pair.objects.filter(program=program, status__in=Pair.LIVE))
        return Q(status=NextAction.Status.OPEN, due_on__lt=today) & live

    def overdue_on(self, today):
        """overdue_q for one loaded action (its pair loaded)."""
        return (
            self.status == NextAction.Status.OPEN
            and self.due_on < today
            and self.pair.status in Pair.LIVE
        )


def new_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private, revocable iCalendar feed URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)


class Goal(models.Model):
    """One person's own goal for a partnership (mentors have learning goals too).

    Private goals are their owner's alone; shared ones the partner sees too. Program
    admins only ever count goals (never read their text)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        MOVING = "moving", _("Moving")
        STUCK = "stuck", _("Stuck")
        REACHED = "reached", _("Reached")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="goals")
    # As on Session: the pair's program, so program health counts a program's goals over one
    # index range, not one per pair of the program (8,000 goals at x10: 4.9 -> 1 ms).
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="+", db_index=False, editable=False
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10, choices=Side)
    text = models.CharField(_("goal"), max_length=300)
    why = models.TextField(_("why it matters"), blank=True, max_length=2000)
    target_on = models.DateField(_("target date"))
    status = models.CharField(
        _("where it stands"), max_length=12, choices=Status, default=Status.NOT_STARTED
    )
    shared = models.BooleanField(_("shared with my partner"), default=True)
    reached_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_on", "pk"]
        indexes = [
            models.Index(fields=["pair", "side"]),
            # Program health's goal counts, read from the index alone.
            models.Index(
                fields=["program", "side"], include=["status", "reached_at"], name="goal_program"
            ),
        ]

    def __str__(self):
        # Metadata only: admin pages and logs show this, never the text.
        return f"Goal {self.pk} ({self.side})"

    def save(self, *args, **kwargs):
        fill_program(self)
        super().save(*args, **kwargs)


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    text = models.CharField(_("milestone"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"Milestone {self.pk}"


class Agreement(models.Model):
    """How a pair will work together: agreed at the first session, confirmed by each side.

    Either person may edit the shared terms (cadence, format); a change clears the
    partner's confirmation, so both have always confirmed the same words."""

    pair = models.OneToOneField(Pair, on_delete=models.CASCADE, related_name="agreement")
    cadence = models.CharField(_("how often we meet"), max_length=200, blank=True)
    format = models.CharField(_("how we meet"), max_length=200, blank=True)
    mentor_learn = models.TextField(
        _("what the mentor hopes to learn"), blank=True, max_length=2000
    )
    mentor_teach = models.TextField(
        _("what the mentor hopes to teach"), blank=True, max_length=2000
    )
    mentee_learn = models.TextField(
        _("what the mentee hopes to learn"), blank=True, max_length=2000
    )
    mentee_teach = models.TextField(
        _("what the mentee hopes to teach"), blank=True, max_length=2000
    )
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Agreement of pair {self.pair_id}"

    @property
    def confirmed_by_both(self):
        return bool(self.mentor_confirmed_at and self.mentee_confirmed_at)


class AgendaItem(models.Model):
    """A question or topic one person brings to the next session."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISCUSSED = "discussed", _("Discussed")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="agenda_items")
    # As on Session: program health counts the items a program's people added in a range.
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="+", db_index=False, editable=False
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10, choices=Side)
    text = models.CharField(_("question or topic"), max_length=500)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    discussed_in = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    carried_over = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["pair", "status"]),
            models.Index(fields=["program", "created_at"], include=["side"], name="agenda_program"),
        ]

    def __str__(self):
        return f"Agenda item {self.pk} ({self.side})"

    def save(self, *args, **kwargs):
        fill_program(self)
        super().save(*args, **kwargs)
