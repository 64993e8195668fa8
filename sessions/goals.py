"""Goals: each person's own goals for a partnership, their milestones and progress.

Both people set goals (the mentor's learning goals too). A goal is its owner's: only they
change it. A shared goal is shown to the partner; a private one to nobody else. Program
admins only ever get counts (`counts`), never a goal's text. Progress is the milestones
done, the linked next actions done, and the owner's own word (Goal.status).

Every read runs a fixed number of queries whatever the number of goals.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import BigIntegerField, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from mentorship import bounds
from mentorship import template_text as text
from mentorship.prepared import Param, prepared
from mentorship.template_text import choice_labels
from pairs.models import Pair
from sessions.models import Goal, Milestone, NextAction

MAX_GOALS_PER_PERSON = 20  # per pair; a longer list stops being a plan
MAX_MILESTONES = 10
TEXT_MAX = 300
WHY_MAX = 2000
MILESTONE_MAX = 200


class GoalError(Exception):
    """Something the person must fix; the message is for them."""


def visible_to(user):
    """The goals a pair member may read: their own, and the shared ones of their partner."""
    return Q(owner=user) | Q(shared=True)


def with_progress(queryset):
    """Goals annotated with milestone and linked-action counts (one query, no N+1)."""
    done = NextAction.Status.DONE
    return queryset.annotate(
        milestones_total=Count("milestones", distinct=True),
        milestones_done=Count("milestones", filter=Q(milestones__done=True), distinct=True),
        actions_total=Count(
            "actions", filter=~Q(actions__status=NextAction.Status.DROPPED), distinct=True
        ),
        actions_done=Count("actions", filter=Q(actions__status=done), distinct=True),
    )


def label(goal):
    goal.status_label = choice_labels(Goal.Status).get(goal.status, goal.status)
    return goal


@dataclass
class PairGoals:
    """Both people's goals side by side, mentor first: [(person, role, [goals])]."""

    columns: list = field(default_factory=list)
    hidden: int = 0  # not used for text: the partner's private goals are left out entirely


@prepared  # on every pair page: compiled once (mentorship.prepared)
def _pair_goals():
    pair, user = Param("pair", BigIntegerField()), Param("user", BigIntegerField())
    goals = Goal.objects.filter(pair=pair).filter(visible_to(user))
    return with_progress(goals.order_by("target_on", "pk"))


def pair_goals(pair, user):
    """Both people's goals as `user` (a member) may see them (1 query)."""
    goals = _pair_goals(pair=pair.pk, user=user.pk)
    by_side = {"mentor": [], "mentee": []}
    goal_url = reverse("sessions:goal", args=[999999999]).replace("999999999", "{}")
    by, milestones = gettext("by %(date)s"), gettext("%(done)s/%(total)s milestones")
    actions = gettext("%(done)s/%(total)s actions done")
    for goal in goals:
        # The row's link and sentences written once here, not by tags in sessions/_goals.html.
        goal.page_url = goal_url.format(goal.pk)
        goal.by_text = text.fill(by, date=text.date(goal.target_on))
        done, total = goal.milestones_done, goal.milestones_total
        goal.milestones_text = text.fill(milestones, done=done, total=total) if total else ""
        done, total = goal.actions_done, goal.actions_total
        goal.actions_text = text.fill(actions, done=done, total=total) if total else ""
        by_side.setdefault(goal.side, []).append(label(goal))
    return PairGoals(
        columns=[
            (pair.mentor.user, "mentor", by_side["mentor"]),
            (pair.mentee.user, "mentee", by_side["mentee"]),
        ]
    )


def goal_options(pair, user):
    """(id, text) of the goals a next action on the log form may be linked to (1 query)."""
    return list(
        Goal.objects.filter(pair=pair)
        .filter(visible_to(user))
        .exclude(status=Goal.Status.REACHED)
        .order_by("side", "target_on", "pk")
        .values_list("pk", "text")[: MAX_GOALS_PER_PERSON * 2]
    )


def detail(goal):
    """A goal with its milestones and linked actions (2 queries)."""
    label(goal)
    goal.milestone_list = list(goal.milestones.all())
    goal.action_list = list(goal.actions.order_by("due_on", "pk"))
    goal.milestones_total = len(goal.milestone_list)
    goal.milestones_done = sum(1 for m in goal.milestone_list if m.done)
    live = [a for a in goal.action_list if a.status != NextAction.Status.DROPPED]
    goal.actions_total = len(live)
    goal.actions_done = sum(1 for a in live if a.status == NextAction.Status.DONE)
    return goal


def counts(pair):
    """What an admin may see of a pair's goals: how many, how many reached (1 query)."""
    return Goal.objects.filter(pair=pair).aggregate(
        total=Count("pk"), reached=Count("pk", filter=Q(status=Goal.Status.REACHED))
    )


def mine_across_pairs(user):
    """{pair id: [my goals with progress]} over every pair I am or was in (1 query)."""
    goals = with_progress(
        Goal.objects.filter(owner=user, pair__status__in=Pair.STARTED).order_by("target_on", "pk")
    )
    out = {}
    for goal in goals:
        out.setdefault(goal.pair_id, []).append(label(goal))
    return out


# --- Changes ---------------------------------------------------------------------------------


def _clean(text, why, target_on, milestones, today=None, old_target=None):
    text = (text or "").strip()
    why = (why or "").strip()
    if not text:
        raise GoalError(_("Say what the goal is."))
    if len(text) > TEXT_MAX:
        raise GoalError(_("Keep a goal under %(n)s characters.") % {"n": TEXT_MAX})
    if len(why) > WHY_MAX:
        raise GoalError(_("Keep “why it matters” under %(n)s characters.") % {"n": WHY_MAX})
    if target_on is None:
        raise GoalError(_("Give the goal a target date."))
    if target_on != old_target:  # an existing goal may keep a date that has since passed
        try:
            bounds.goal_target(target_on, today)
        except bounds.DateOutOfRange as exc:
            raise GoalError(str(exc)) from exc
    lines = [m.strip() for m in milestones if m and m.strip()]
    if len(lines) > MAX_MILESTONES:
        raise GoalError(_("A goal has at most %(n)s milestones.") % {"n": MAX_MILESTONES})
    if any(len(m) > MILESTONE_MAX for m in lines):
        raise GoalError(_("Keep each milestone under %(n)s characters.") % {"n": MILESTONE_MAX})
    return text, why, lines


def _live(pair):
    if pair.status not in Pair.LIVE:
        raise GoalError(_("This pairing has ended: its goals can no longer change."))


@transaction.atomic
def create_goal(pair, by, role, *, text, why="", target_on, shared=True, milestones=()):
    _live(pair)
    text, why, lines = _clean(text, why, target_on, milestones)
    # Lock the pair so two tabs cannot both pass the limit.
    Pair.objects.select_for_update().filter(pk=pair.pk).first()
    if Goal.objects.filter(pair=pair, owner=by).count() >= MAX_GOALS_PER_PERSON:
        raise GoalError(
            _("You have %(n)s goals with this partner already: reach or remove one first.")
            % {"n": MAX_GOALS_PER_PERSON}
        )
    goal = Goal.objects.create(
        pair=pair, owner=by, side=role, text=text, why=why, target_on=target_on, shared=shared
    )
    Milestone.objects.bulk_create(
        Milestone(goal=goal, text=line, position=i) for i, line in enumerate(lines)
    )
    return goal


@transaction.atomic
def update_goal(goal, by, *, text, why="", target_on, shared=True, milestones=()):
    """Change a goal; milestones kept by their text (a done one stays done)."""
    if goal.owner_id != by.pk:
        raise GoalError(_("Only the person whose goal it is can change it."))
    _live(goal.pair)
    text, why, lines = _clean(text, why, target_on, milestones, old_target=goal.target_on)
    Goal.objects.filter(pk=goal.pk).update(
        text=text, why=why, target_on=target_on, shared=shared, updated_at=timezone.now()
    )
    existing = {m.text: m for m in goal.milestones.all()}
    keep = []
    for i, line in enumerate(lines):
        found = existing.pop(line, None)
        if found is None:
            found = Milestone.objects.create(goal=goal, text=line, position=i)
        elif found.position != i:
            Milestone.objects.filter(pk=found.pk).update(position=i)
        keep.append(found.pk)
    goal.milestones.exclude(pk__in=keep).delete()
    goal.refresh_from_db()
    return goal


@transaction.atomic
def set_progress(goal, by, *, status, done_milestones=()):
    """The owner's own word on the goal, and which milestones are done."""
    if goal.owner_id != by.pk:
        raise GoalError(_("Only the person whose goal it is can say how it is going."))
    _live(goal.pair)
    if status not in Goal.Status.values:
        raise GoalError(_("Choose where the goal stands."))
    changes = {"status": status, "updated_at": timezone.now()}
    if status == Goal.Status.REACHED and goal.status != status:
        changes["reached_at"] = timezone.now()
    elif status != Goal.Status.REACHED:
        changes["reached_at"] = None
    Goal.objects.filter(pk=goal.pk).update(**changes)
    done = set(done_milestones)
    goal.milestones.filter(pk__in=done).update(done=True)
    goal.milestones.exclude(pk__in=done).update(done=False)
    goal.refresh_from_db()
    return goal


def owns_link(goal_id, pair, user):
    """Whether `user` may link a next action to this goal: a goal of the pair they can see."""
    if goal_id is None:
        return True
    return Goal.objects.filter(pk=goal_id, pair=pair).filter(visible_to(user)).exists()
