from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mentorship.models import Participant, Program


class Pair(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended early")

    # Statuses that use a slot of the mentor's (and mentee's) capacity.
    OCCUPYING = (Status.PROPOSED, Status.ACTIVE, Status.PAUSED)
    LIVE = (Status.ACTIVE, Status.PAUSED)
    # Two people who are or were partners: they may see each other's public profile.
    PARTNERED = (Status.PROPOSED, Status.ACTIVE, Status.PAUSED, Status.COMPLETED)
    # Pairs that have had a life (not merely proposed or declined).
    STARTED = (Status.ACTIVE, Status.PAUSED, Status.COMPLETED, Status.ENDED)

    class Source(models.TextChoices):
        MATCHING = "matching", _("Matching")
        MANUAL = "manual", _("Manual")
        REQUEST = "request", _("Request")

    # No index of its own: (program, status) and the others below lead with it. The planner
    # took this narrower one for "the program's live pairs" and filtered all 2,000 of an x10
    # program's pairs for 161 (0.4 ms, five times a health page), where (program, status)
    # reads only those (0.1 ms).
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="pairs", db_index=False
    )
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="mentor_pairs")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="mentee_pairs")
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    source = models.CharField(max_length=10, choices=Source, default=Source.MATCHING)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True, max_length=2000)
    # The score and its reasons as they were when the pair was made.
    score = models.FloatField(default=0.0)
    score_breakdown = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint("program", "mentor", "mentee", name="pair_once_per_program"),
            models.CheckConstraint(
                condition=~models.Q(mentor=models.F("mentee")), name="pair_not_with_self"
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["updated_at"], name="pair_updated"),
            # The admins' pair list, newest first: a page is read from here, not sorted
            # after joining every pair of the program to its two people.
            models.Index(fields=["program", "-created_at", "-id"], name="pair_program_newest"),
        ]

    def __str__(self):
        return f"{self.mentor.user} ↔ {self.mentee.user}"

    def get_absolute_url(self):
        return Pair.url_for(self.pk)

    @staticmethod
    def url_for(pk):
        """The pair page's path (the page is the sessions app's; named, not imported)."""
        return reverse("sessions:pair", args=[pk])

    def member_user_ids(self):
        return {self.mentor.user_id, self.mentee.user_id}

    def role_of(self, user):
        """'mentor', 'mentee' or None for a user looking at this pair."""
        if user.pk == self.mentor.user_id:
            return "mentor"
        if user.pk == self.mentee.user_id:
            return "mentee"
        return None

    def partner_of(self, user):
        role = self.role_of(user)
        if role == "mentor":
            return self.mentee
        if role == "mentee":
            return self.mentor
        return None


class MatchRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    objective = models.CharField(max_length=10, choices=Program.Objective, default="score")
    progress = models.PositiveIntegerField(default=0)  # 0-100
    stage = models.CharField(max_length=120, blank=True)
    # Unmatched people and their reasons, totals, solver used.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Suggestion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="suggestions")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    breakdown = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    pair = models.ForeignKey(
        Pair, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-score", "pk"]
        # The review's order: its page of a 2,000-row run is read from the index, not
        # sorted after joining every suggestion to its two people.
        indexes = [models.Index(fields=["run", "status", "-score", "id"], name="suggestion_review")]


class Exclusion(models.Model):
    """An admin's rule: these two people are never to be paired in this program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="exclusions")
    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("program", "first", "second", name="exclusion_once"),
        ]


class PairRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pair_requests")
    requester = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="sent_requests"
    )
    recipient = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="received_requests"
    )
    # Which side the requester takes in the pair they ask for.
    requester_role = models.CharField(max_length=10, default="mentee")
    message = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    pair = models.ForeignKey(
        Pair, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "requester",
                "recipient",
                condition=models.Q(status="open"),
                name="one_open_request_per_couple",
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("recipient")), name="request_not_to_self"
            ),
        ]
