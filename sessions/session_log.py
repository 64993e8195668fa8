"""Logging a session: the shared record, one person's own side, and the actions.

Everything one person submits is saved in one transaction, or nothing is: a stale
form (the partner changed the same thing meanwhile) or a bad date raises LogError and
the caller shows the form again with everything that was typed.
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mentorship import bounds, webhooks
from pairs.models import Pair
from sessions import actions as action_service
from sessions import agenda as agenda_service
from sessions import goals as goal_service
from sessions.models import NextAction, Session, SessionSide

SHARED_FIELDS = ("occurred_at", "duration_minutes", "format", "topics", "shared_notes")
SIDE_FIELDS = ("learned", "shared", "questions", "unsure", "private_note")
# Clocks differ a little; a session "now" is not in the future.
CLOCK_SLACK = datetime.timedelta(minutes=15)


class LogError(Exception):
    """Something the person must fix; the message is for them."""


@dataclass
class Review:
    action_id: int
    decision: str  # keep, done, carry, drop
    version: int | None = None
    new_due: datetime.date | None = None
    reason: str = ""


@dataclass
class NewAction:
    text: str
    owner: str
    due_on: datetime.date
    goal_id: int | None = None


@dataclass
class LogResult:
    session: Session
    created: bool
    prompts: list = field(default_factory=list)


def can_log(pair):
    """Sessions are logged while the pairing is live (active or paused)."""
    return pair.status in Pair.LIVE


def _when(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def check_when(when, scheduled=None, now=None):
    """A logged session happened already (or is the one scheduled), and not in a year no
    calendar arithmetic or database column can hold (bounds.session_time)."""
    now = now or timezone.now()
    try:
        bounds.session_time(when, now)
    except bounds.DateOutOfRange as exc:
        raise LogError(_("The session date: %(error)s") % {"error": exc}) from exc
    limit = now + CLOCK_SLACK
    if scheduled is not None:
        limit = max(limit, scheduled.occurred_at + CLOCK_SLACK)
    if when > limit:
        if scheduled is not None:
            raise LogError(
                _(
                    "The session date is later than the scheduled session (%(date)s). "
                    "Log a session once it has happened."
                )
                % {"date": _when(scheduled.occurred_at)}
            )
        raise LogError(
            _(
                "The session date is in the future. Log a session once it has happened, "
                "or schedule it from the pair page."
            )
        )


def schedule(pair, by, occurred_at, duration_minutes, format):
    """Plan the pair's next session (it shows in both calendar feeds)."""
    try:
        bounds.planned_time(occurred_at)
    except bounds.DateOutOfRange as exc:
        raise LogError(str(exc)) from exc
    return Session.objects.create(
        pair=pair,
        status=Session.Status.SCHEDULED,
        created_by=by,
        updated_by=by,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        format=format,
    )


def _has_text(values):
    return any((values.get(name) or "").strip() for name in SIDE_FIELDS)


def _apply_review(review, actions_by_id, by, session):
    action = actions_by_id.get(review.action_id)
    if action is None or review.decision == "keep":
        return
    try:
        if review.decision == "done":
            action_service.mark_done(action, by, review.version, session=session)
        elif review.decision == "carry":
            action_service.carry_over(
                action, by, review.new_due, review.version, session=session, reason=review.reason
            )
        elif review.decision == "drop":
            action_service.drop(action, by, review.reason, review.version, session=session)
    except action_service.ActionError as exc:
        raise LogError(
            _("Action “%(text)s”: %(error)s") % {"text": action.text, "error": exc}
        ) from exc


def _save_side(session, side, role, by, values, expected_version):
    """Create or update the person's own side (side: their current row, or None)."""
    data = {name: values.get(name, "") for name in SIDE_FIELDS}
    if side is None:
        if expected_version:
            raise LogError(_("Your side of this session changed meanwhile. Reload to see it."))
        if not _has_text(data):
            return None
        try:
            with transaction.atomic():
                return SessionSide.objects.create(session=session, side=role, author=by, **data)
        except IntegrityError:
            raise LogError(
                _(
                    "Your side of this session was saved meanwhile (in another tab?). "
                    "Reload to see it."
                )
            )
    if side.author_id != by.pk:
        raise LogError(_("This side of the session belongs to someone else."))
    if all(getattr(side, name) == value for name, value in data.items()):
        return side
    updated = SessionSide.objects.filter(pk=side.pk, version=expected_version or 0).update(
        version=F("version") + 1, updated_at=timezone.now(), **data
    )
    if not updated:
        raise LogError(
            _(
                "Your side of this session was changed meanwhile (in another tab?). "
                "Your text is still in the form: copy what you need, then reload."
            )
        )
    return side


def _same_minute(a, b):
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def _save_shared(session, by, values, expected_version):
    values = dict(values)
    if "occurred_at" in values and _same_minute(values["occurred_at"], session.occurred_at):
        values.pop("occurred_at")
    changed = {
        name: values[name]
        for name in SHARED_FIELDS
        if name in values and getattr(session, name) != values[name]
    }
    if not changed:
        return False
    updated = Session.objects.filter(pk=session.pk, version=expected_version or 0).update(
        version=F("version") + 1, updated_at=timezone.now(), updated_by=by, **changed
    )
    if not updated:
        raise LogError(
            _(
                "Your partner changed the shared part of this session meanwhile. "
                "Your text is still in the form: copy what you need, then reload."
            )
        )
    return True


def prompts_for(pair, owners):
    """Gentle prompts: each person leaves with at least one next action (owners: of open ones)."""
    prompts = []
    for role, person in (("mentor", pair.mentor.user), ("mentee", pair.mentee.user)):
        if not set(owners) & set(NextAction.owners_of_role(role)):
            prompts.append(
                _("%(name)s has no open next action. Consider adding one.") % {"name": person.name}
            )
    return prompts


@transaction.atomic
def save_log(
    pair,
    by,
    role,
    *,
    session=None,
    scheduled=None,
    shared=None,
    session_version=None,
    side=None,
    side_version=None,
    reviews=(),
    new_actions=(),
    agenda=None,
):
    """Log a new session (session=None) or add/edit the person's own side of one.

    agenda: {agenda item id: "discussed" or "carry"} for the open agenda the form showed.

    Returns a LogResult; raises LogError (and saves nothing) on anything to fix.
    """
    shared = shared or {}
    side = side or {}
    reviews = [r for r in reviews if r.decision != "keep"]
    new_actions = list(new_actions)
    created = session is None
    if created:
        if "occurred_at" in shared:
            check_when(shared["occurred_at"], scheduled)
        if not (
            _has_text(side)
            or (shared.get("topics") or "").strip()
            or (shared.get("shared_notes") or "").strip()
            or reviews
            or new_actions
            or any(d == agenda_service.DISCUSSED for d in (agenda or {}).values())
        ):
            raise LogError(
                _(
                    "There is nothing to log yet: add topics, shared notes, your side, "
                    "a next action, or review an open action."
                )
            )
        if scheduled is not None:
            session = scheduled
            values = {**shared, "status": Session.Status.LOGGED}
            updated = Session.objects.filter(
                pk=session.pk, status=Session.Status.SCHEDULED, version=session.version
            ).update(version=F("version") + 1, updated_by=by, updated_at=timezone.now(), **values)
            if not updated:
                raise LogError(
                    _("Your partner logged or changed this scheduled session meanwhile. Reload.")
                )
            session.refresh_from_db()
            session.pair = pair  # refresh_from_db dropped it; the partner's invite reads it
        else:
            session = Session.objects.create(
                pair=pair,
                status=Session.Status.LOGGED,
                created_by=by,
                updated_by=by,
                **{k: v for k, v in shared.items() if k in SHARED_FIELDS},
            )
    else:
        if "occurred_at" in shared and not _same_minute(shared["occurred_at"], session.occurred_at):
            check_when(shared["occurred_at"])
        changed_shared = _save_shared(session, by, shared, session_version)
    my_side = SessionSide.objects.filter(session=session, side=role).first()
    if not created and not (
        changed_shared or _has_text(side) or my_side is not None or reviews or new_actions
    ):
        raise LogError(_("There is nothing to save yet: write your side of the session."))
    _save_side(session, my_side, role, by, side, side_version)

    if reviews:
        ids = [r.action_id for r in reviews]
        by_id = {a.pk: a for a in NextAction.objects.filter(pair=pair, pk__in=ids)}
        for a in by_id.values():
            a.pair = pair
        for review in reviews:
            _apply_review(review, by_id, by, session)

    if agenda:
        agenda_service.review(pair, session, agenda)

    for item in new_actions:
        if not goal_service.owns_link(item.goal_id, pair, by):
            raise LogError(_("That goal is not one of this pair's: choose another."))
        try:
            action_service.create_action(
                pair, item.text, item.owner, item.due_on, by, session=session, goal_id=item.goal_id
            )
        except action_service.ActionError as exc:
            raise LogError(
                _("New action “%(text)s”: %(error)s") % {"text": item.text[:80], "error": exc}
            ) from exc

    if created:
        webhooks.emit_session_logged(session, pair)
    # The new actions are open too, so they are among these.
    open_owners = set(
        NextAction.objects.filter(pair=pair, status=NextAction.Status.OPEN).values_list(
            "owner", flat=True
        )
    )
    return LogResult(session=session, created=created, prompts=prompts_for(pair, open_owners))
