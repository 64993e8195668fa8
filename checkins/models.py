from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentorship.models import Program
from pairs.models import Pair
from sessions.models import fill_program

MAX_TEXT = 2000


class PairTrack(models.Model):
    """What is due for one pair, stated in the database for the periodic claims: its next
    check-in round, and when to look at whether it has gone idle."""

    pair = models.OneToOneField(
        Pair, on_delete=models.CASCADE, primary_key=True, related_name="checkin_track"
    )
    # The next round's moment (None: nothing planned) and its number.
    next_checkin_at = models.DateTimeField(null=True, blank=True)
    next_round = models.PositiveSmallIntegerField(default=1)
    # The pair completed or ended: next_checkin_at is its closing round (once undo is over).
    final_due = models.BooleanField(default=False)
    final_sent = models.BooleanField(default=False)
    # Idle pairs: when to look again; when the re-engagement email went; "still going".
    idle_check_at = models.DateTimeField(null=True, blank=True)
    idle_warned_at = models.DateTimeField(null=True, blank=True)
    still_going_at = models.DateTimeField(null=True, blank=True)
    closed_idle_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_checkin_at"],
                condition=Q(next_checkin_at__isnull=False),
                name="checkin_due",
            ),
            models.Index(
                fields=["idle_check_at"],
                condition=Q(idle_check_at__isnull=False),
                name="idle_check_due",
            ),
        ]


class CheckIn(models.Model):
    """One person's check-in for one round of a pair. Its text is its author's alone unless
    `shared` (then their partner sees it too); admins only ever see aggregates."""

    class Kind(models.TextChoices):
        FIRST = "first", _("First check-in")
        REGULAR = "regular", _("Check-in")
        FINAL = "final", _("Closing check-in")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="checkins")
    # The pair's program, copied (a pair never changes program) so program health reads
    # one index range instead of one per pair of the program (2,000 at x10).
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="+", db_index=False, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    round = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.REGULAR)
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        _("how it is going"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    learned = models.TextField(_("what I learned from my partner"), blank=True, max_length=MAX_TEXT)
    taught = models.TextField(_("what I taught"), blank=True, max_length=MAX_TEXT)
    change = models.TextField(_("one thing to change"), blank=True, max_length=MAX_TEXT)
    good_fit = models.BooleanField(_("is this a good fit?"), null=True, blank=True)
    fit_reason = models.TextField(_("why"), blank=True, max_length=MAX_TEXT)
    wants_help = models.BooleanField(_("I would like a program admin to help"), default=False)
    shared = models.BooleanField(_("share my answers with my partner"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_at", "pk"]
        constraints = [
            models.UniqueConstraint("pair", "user", "round", name="checkin_once_per_round"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="checkin_score_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "answered_at"], name="checkin_user_open"),
            models.Index(fields=["user", "updated_at"], name="checkin_user_updated"),
            models.Index(
                fields=["pair", "answered_at"],
                name="checkin_pair_answered",
                include=["id", "score"],
            ),
            # Program health over years of check-ins: its two aggregates (by due and by
            # answer time) read one range of these index entries, never the table.
            models.Index(
                fields=["program", "answered_at"],
                name="checkin_program_answered",
                include=["id", "score"],
            ),
            models.Index(
                fields=["program", "due_at"],
                name="checkin_program_due",
                include=["id", "answered_at", "score", "good_fit", "wants_help"],
            ),
        ]

    def save(self, *args, **kwargs):
        fill_program(self)
        super().save(*args, **kwargs)


class HelpRequest(models.Model):
    """Someone in a pair asked for help: an admin's task on the program's pages until an
    admin marks it handled. A re-match request ends the pair; help only asks."""

    class Kind(models.TextChoices):
        HELP = "help", _("Asked for help")
        REMATCH = "rematch", _("Asked to be re-matched")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="help_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "pair",
                "user",
                "kind",
                condition=Q(resolved_at__isnull=True),
                name="one_open_help_request",
            ),
        ]
