"""Per-program daily rollups behind program health: counts kept by the database itself.

PostgreSQL triggers on sessions, sides and next actions (rollups.py) record each change's
plus and minus as a ProgramDayChange row in the same transaction as the row they count,
whatever wrote it (a form, a queryset update, a cascade, COPY). Inserting a change locks
nothing, so writers never wait for each other or deadlock over a busy day; a periodic
task folds the changes into ProgramDay, and the figures read both.
`manage.py rebuild_health_rollups` recounts them from the rows. On other databases the
health figures count the rows directly (insights/figures.py).

A session's and a side's counts sit on the UTC day the session took place; an action's
"due" counts on its due date, its "done" counts on the UTC day it was done; a check-in's
"due" counts on the UTC day it was due, its "answer" counts on the UTC day it was answered.
"""

from django.db import models

from mentorship.models import Program

SIDE_COUNTS = tuple(
    f"{what}_{role}"
    for what in ("sides", "questions", "learned", "shared")
    for role in ("mentor", "mentee")
)
# Check-ins due this day: due_checkins' figures, the average as a sum and a count.
CHECKIN_COUNTS = (
    "checkins_due",
    "checkins_answered",
    "checkins_scored",
    "checkins_score_sum",
    "checkins_not_fit",
    "checkins_fit_answered",
    "checkins_help",
)
ANSWER_COUNTS = ("answers_scored", "answers_score_sum")  # scored answers given this day
COUNTS = (
    "sessions",
    *SIDE_COUNTS,
    "due_open",
    "due_done",
    "due_dropped",
    "done_mentor",
    "done_mentee",
    "done_both",
    *CHECKIN_COUNTS,
    *ANSWER_COUNTS,
)


class Counts(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    sessions = models.IntegerField(default=0)  # logged
    sides_mentor = models.IntegerField(default=0)  # sides of logged sessions, by role
    sides_mentee = models.IntegerField(default=0)
    questions_mentor = models.IntegerField(default=0)  # … that brought questions
    questions_mentee = models.IntegerField(default=0)
    learned_mentor = models.IntegerField(default=0)  # … that recorded a learning
    learned_mentee = models.IntegerField(default=0)
    shared_mentor = models.IntegerField(default=0)  # … that recorded teaching
    shared_mentee = models.IntegerField(default=0)
    due_open = models.IntegerField(default=0)  # actions due this day, by status now
    due_done = models.IntegerField(default=0)
    due_dropped = models.IntegerField(default=0)
    done_mentor = models.IntegerField(default=0)  # actions done this day, by owner
    done_mentee = models.IntegerField(default=0)
    done_both = models.IntegerField(default=0)
    checkins_due = models.IntegerField(default=0)  # check-ins due this day
    checkins_answered = models.IntegerField(default=0)  # … answered
    checkins_scored = models.IntegerField(default=0)  # … answered with a score
    checkins_score_sum = models.IntegerField(default=0)  # … the sum of those scores
    checkins_not_fit = models.IntegerField(default=0)  # … answered "not a good fit"
    checkins_fit_answered = models.IntegerField(default=0)  # … answered that question
    checkins_help = models.IntegerField(default=0)  # … answered asking for help
    answers_scored = models.IntegerField(default=0)  # check-ins answered this day, scored
    answers_score_sum = models.IntegerField(default=0)  # … the sum of their scores

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.program_id} {self.day}"


class ProgramDay(Counts):
    """The counts of one program's day, folded."""

    class Meta:
        constraints = [models.UniqueConstraint("program", "day", name="one_rollup_per_day")]


class ProgramDayChange(Counts):
    """A change to a program's day not folded into ProgramDay yet (any number per day)."""

    class Meta:
        indexes = [models.Index(fields=["program", "day"], name="rollup_change_day")]
