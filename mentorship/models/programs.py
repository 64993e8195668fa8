import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from mentorship.email_domains import validate_email_domains


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Program(models.Model):
    class Kind(models.TextChoices):
        CLASSIC = "classic", _("Mentors and mentees")
        PEER = "peer", _("Peer (everyone both mentor and mentee)")

    class Objective(models.TextChoices):
        TOTAL_SCORE = "score", _("Highest total score")
        MOST_MATCHED = "coverage", _("Match as many people as possible")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name for links"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.CLASSIC)
    start_date = models.DateField(_("start date"), default=datetime.date.today)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    cadence_days = models.PositiveSmallIntegerField(
        _("expected days between sessions"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    nudge_weekday = models.PositiveSmallIntegerField(
        _("weekly nudge day"), choices=Weekday, default=Weekday.MONDAY
    )
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="administered_programs", blank=True
    )

    # Matching: weights the admin can change, and hard constraints.
    weight_teach = models.FloatField(_("weight: mentor can teach mentee"), default=1.0)
    weight_learn = models.FloatField(_("weight: mentee can teach mentor"), default=0.6)
    weight_goals = models.FloatField(_("weight: shared goals"), default=0.3)
    weight_availability = models.FloatField(_("weight: overlapping availability"), default=0.4)
    min_score = models.FloatField(_("minimum score to suggest"), default=0.1)
    require_different_department = models.BooleanField(
        _("pair only across departments"), default=False
    )
    matching_objective = models.CharField(
        _("matching objective"), max_length=10, choices=Objective, default=Objective.TOTAL_SCORE
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        _("days before a pairing request expires"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    # Reminders.
    reminder_lead_days = models.PositiveSmallIntegerField(
        _("days before a due date to remind"), default=2, validators=[MaxValueValidator(30)]
    )
    overdue_followup_days = models.PositiveSmallIntegerField(
        _("days after a due date to follow up"), default=3, validators=[MaxValueValidator(60)]
    )

    # Single sign-on: a person signing in through the identity provider with an address at
    # one of these domains joins the program (mentorship/sso_join.py). Empty: nobody does.
    sso_email_domains = models.CharField(
        _("email domains that join through single sign-on"),
        max_length=500,
        blank=True,
        validators=[validate_email_domains],
    )
    # Check-ins (the checkins app): both people are asked how it is going at about day
    # `checkin_first_days` of a pair, then every `checkin_every_days`, and when it ends.
    checkin_first_days = models.PositiveSmallIntegerField(
        _("days into a pair before the first check-in"),
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(180)],
    )
    checkin_every_days = models.PositiveSmallIntegerField(
        _("days between check-ins"),
        default=60,
        validators=[MinValueValidator(14), MaxValueValidator(365)],
    )
    # A pair with no session and no activity for this many days is asked to re-engage, and
    # closed after as many again; empty: twice the cadence (idle_days_for).
    idle_days = models.PositiveSmallIntegerField(
        _("days without activity before a pair counts as idle"),
        null=True,
        blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )

    created_at = models.DateTimeField(auto_now_add=True)
    # The API's ?updated_since= (sync clients): every save moves it.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")

    def __str__(self):
        return self.name

    @property
    def idle_days_effective(self):
        """The idle period: the program's own, else twice its cadence."""
        return self.idle_days or 2 * self.cadence_days

    def is_admin(self, user):
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        return self.admins.filter(pk=user.pk).exists()


class Skill(models.Model):
    """One entry of a program's skill vocabulary."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("program", Lower("name"), name="skill_name_ci_unique"),
        ]

    def __str__(self):
        return self.name


class Participant(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")
        BOTH = "both", _("Both")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MENTEE)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.INVITED)
    teaches = models.ManyToManyField(Skill, related_name="teachers", blank=True)
    learns = models.ManyToManyField(Skill, related_name="learners", blank=True)
    goals = models.TextField(_("goals, in your own words"), blank=True, max_length=2000)
    # Private: used for matching constraints, never shown to other participants.
    department = models.CharField(_("department"), max_length=120, blank=True)
    manager_email = models.EmailField(_("manager's email"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("most active pairs at once"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    # A list of {"day": 0-6, "start": "HH:MM", "end": "HH:MM"} in the user's time zone.
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__display_name", "user__email"]
        constraints = [
            models.UniqueConstraint("program", "user", name="participant_once_per_program"),
        ]
        indexes = [
            models.Index(fields=["program", "status", "role"]),
            models.Index(fields=["updated_at"], name="participant_updated"),
        ]

    def __str__(self):
        return f"{self.user} ({self.program})"

    # Who may mentor, and who may be mentored, in a program: one rule for runs, manual
    # pairs, requests, the matching page and the health figures. In a peer program
    # everyone may be either.
    MENTOR_ROLES = (Role.MENTOR, Role.BOTH)
    MENTEE_ROLES = (Role.MENTEE, Role.BOTH)

    @property
    def can_mentor(self):
        """By role alone (a classic program)."""
        return self.role in self.MENTOR_ROLES

    @property
    def can_be_mentee(self):
        return self.role in self.MENTEE_ROLES

    @property
    def may_mentor(self):
        """In this participant's program (peer programs: everyone)."""
        return self.program.kind == Program.Kind.PEER or self.can_mentor

    @property
    def may_be_mentee(self):
        return self.program.kind == Program.Kind.PEER or self.can_be_mentee

    @classmethod
    def may_mentor_q(cls, program):
        """may_mentor as a filter on a program's participants."""
        return Q() if program.kind == Program.Kind.PEER else Q(role__in=cls.MENTOR_ROLES)

    @classmethod
    def may_be_mentee_q(cls, program):
        """may_be_mentee as a filter on a program's participants."""
        return Q() if program.kind == Program.Kind.PEER else Q(role__in=cls.MENTEE_ROLES)


class Invite(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invites")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="invites", null=True, blank=True
    )
    email = models.EmailField(_("email"))
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    # Bumped on resend: older links stop working.
    nonce = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "program",
                Lower("email"),
                condition=models.Q(status="pending"),
                name="one_pending_invite_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.program}"


class AdminInvite(models.Model):
    """An invitation to help run a program: the person becomes an admin only by accepting it.

    Made only for existing accounts, but the page that makes one says the same either way,
    so nobody learns which addresses have accounts (mentorship/admin_invites.py)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="admin_invites")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "program",
                "user",
                condition=models.Q(accepted_at=None),
                name="one_open_admin_invite",
            ),
        ]

    def __str__(self):
        return f"admin invite {self.pk} → {self.program}"


class ImportBatch(models.Model):
    """A checked CSV waiting for the admin's confirmation: the preview survives the round trip.

    Only clean files are stored (rows already normalised), bounded by the upload size limit;
    a batch is deleted once imported and stale ones are swept on each new upload.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="import_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.row_count} rows) → {self.program}"


class ScimToken(models.Model):
    """A bearer token an identity provider uses for SCIM provisioning (mentorship/scim.py).

    Only a SHA-256 digest is kept: the token itself is shown once, when it is made. A
    program's token provisions that program's participants; a site token (no program, made
    by staff) provisions anyone."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="scim_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=16)  # shown in lists, so admins can tell tokens apart
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
