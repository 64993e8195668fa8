"""Pairing services: profiles from the database, matching runs, and making pairs safely."""

from __future__ import annotations

import dataclasses
import operator
from collections import Counter
from itertools import chain, compress

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import webhooks
from mentorship.models import Participant
from mentorship.prepared import Param, prepared
from pairs import assignment, lifecycle, matching
from pairs import reasons as why
from pairs.models import Exclusion, MatchRun, Pair, Suggestion

IDS = BigIntegerField()  # an id's Param (mentorship.prepared)


class PairingError(Exception):
    """A pairing that cannot be made; the message is for the person who tried."""


# -- profiles ------------------------------------------------------------------------------


def weights_for(program):
    return matching.Weights(
        teach=program.weight_teach,
        learn=program.weight_learn,
        goals=program.weight_goals,
        availability=program.weight_availability,
        min_score=program.min_score,
        different_department=program.require_different_department,
    )


def participants_with_profiles(program, **filters):
    return list(
        Participant.objects.filter(program=program, **filters)
        .select_related("user")
        .prefetch_related("teaches", "learns")
        .order_by("pk")
    )


def profiles(participants, remaining=None):
    """matching.Profile for each participant (same order). remaining: id -> free slots."""
    out = []
    for p in participants:
        out.append(
            matching.Profile(
                key=p.pk,
                name=p.user.name,
                teaches=frozenset(s.name for s in p.teaches.all()),
                learns=frozenset(s.name for s in p.learns.all()),
                goals=matching.goal_keywords(p.goals),
                slots=matching.utc_slots(p.availability, p.user.time_zone),
                department=p.department,
                email=p.user.email,
                manager_email=(p.manager_email or "").lower(),
                capacity=remaining.get(p.pk, p.capacity) if remaining else p.capacity,
            )
        )
    return out


def occupying_counts(program, among=None):
    """participant id -> number of pairs using one of their slots. With `among` (participants),
    only their pairs are read: their counts are exact, anyone else's are not."""
    pairs = Pair.objects.filter(program=program, status__in=Pair.OCCUPYING)
    if among is not None:
        ids = [p.pk for p in among]
        pairs = pairs.filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids))
    counts = {}
    for mentor_id, mentee_id in pairs.values_list("mentor_id", "mentee_id"):
        counts[mentor_id] = counts.get(mentor_id, 0) + 1
        counts[mentee_id] = counts.get(mentee_id, 0) + 1
    return counts


def blocked_pairs(program):
    """(a, b) participant ids never to suggest: any earlier pair, exclusion or rejection."""
    blocked = set(Pair.objects.filter(program=program).values_list("mentor_id", "mentee_id"))
    blocked |= set(Exclusion.objects.filter(program=program).values_list("first_id", "second_id"))
    blocked |= set(
        Suggestion.objects.filter(
            run__program=program, status=Suggestion.Status.REJECTED
        ).values_list("mentor_id", "mentee_id")
    )
    return frozenset(blocked)


def score_pair(mentor, mentee):
    """(PairScore, hard-constraint problems) for two participants of one program."""
    program = mentor.program
    both = participants_with_profiles(program, pk__in=[mentor.pk, mentee.pk])
    by_pk = {p.pk: prof for p, prof in zip(both, profiles(both), strict=True)}
    weights = weights_for(program)
    result = matching.pair_score(by_pk[mentor.pk], by_pk[mentee.pk], weights)
    problems = matching.violations(
        by_pk[mentor.pk], by_pk[mentee.pk], weights, blocked=_blocked_between(mentor, mentee)
    )
    if result.score < program.min_score:
        problems.append(_("score below the program minimum (%(min)s)") % {"min": program.min_score})
    return result, problems


def paired_before(a, b):
    """True if these two participants were ever paired in their program, either way round."""
    return (
        Pair.objects.filter(program_id=a.program_id)
        .filter(Q(mentor=a, mentee=b) | Q(mentor=b, mentee=a))
        .exists()
    )


def _blocked_between(a, b):
    excluded = Exclusion.objects.filter(program_id=a.program_id).filter(
        Q(first=a, second=b) | Q(first=b, second=a)
    )
    if paired_before(a, b) or excluded.exists():
        return frozenset({(a.pk, b.pk)})
    return frozenset()


# -- matching runs -------------------------------------------------------------------------


def _progress(run, progress, stage):
    MatchRun.objects.filter(pk=run.pk).update(progress=progress, stage=stage)


def start_run(program, by, objective=None):
    return MatchRun.objects.create(
        program=program, created_by=by, objective=objective or program.matching_objective
    )


def run_matching(run):
    """Score everyone, solve, and store draft suggestions. Accepted pairs stay; only the
    free capacity is matched."""
    program = run.program
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, progress=1, stage=_("Loading participants")
    )
    try:
        summary = _run(run, program)
    except Exception as exc:  # the page must say so rather than spin forever
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.DONE,
        progress=100,
        stage=_("Done"),
        summary=summary,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def _run(run, program):
    people = participants_with_profiles(program, status=Participant.Status.ACTIVE)
    invited = list(
        Participant.objects.filter(program=program, status=Participant.Status.INVITED)
        .select_related("user")
        .order_by("pk")
    )
    counts = occupying_counts(program)
    remaining = {p.pk: max(0, p.capacity - counts.get(p.pk, 0)) for p in people}
    free = [p for p in people if remaining[p.pk] > 0]
    weights = weights_for(program)
    blocked = blocked_pairs(program)
    _progress(run, 10, _("Scoring pairs"))

    stages = {"scoring": _("Scoring pairs"), "solving": _("Finding the best pairs")}

    shown = None

    def on_progress(fraction, stage):
        # The solver reports once per block (hundreds of times): write only what changes.
        nonlocal shown
        now = (10 + int(fraction * 75), stages[stage])
        if now != shown:
            shown = now
            _progress(run, *now)

    if program.kind == program.Kind.PEER:
        pool = free
        pool_profiles = profiles(pool, remaining)
        scorer = matching.PeerScorer(pool_profiles, weights, blocked)
        _progress(run, 60, _("Finding the best pairs"))
        result = assignment.solve_peer(scorer)
        mentors = mentees = pool
        mentor_profiles = mentee_profiles = pool_profiles
    else:
        mentors = [p for p in free if p.can_mentor]
        # Mentee-only people first, then those who do both (they are in both lists).
        mentees = [p for p in free if p.role == Participant.Role.MENTEE]
        mentees += [p for p in free if p.role == Participant.Role.BOTH]
        mentor_profiles = profiles(mentors, remaining)
        mentee_profiles = profiles(mentees, remaining)
        scorer = matching.Scorer(mentor_profiles, mentee_profiles, weights, blocked)
        # People in both lists have one capacity across both roles.
        column = {p.pk: j for j, p in enumerate(mentors)}
        shared = [(i, column[p.pk]) for i, p in enumerate(mentees) if p.pk in column]
        result = assignment.solve(
            scorer, objective=run.objective, progress=on_progress, shared=shared
        )
    _progress(run, 85, _("Saving suggestions"))
    rows = []
    for row, col, _score in result.pairs:
        mentee, mentor = mentees[row], mentors[col]
        scored = matching.pair_score(mentor_profiles[col], mentee_profiles[row], weights)
        rows.append(
            Suggestion(
                run=run,
                mentor=mentor,
                mentee=mentee,
                score=scored.score,
                breakdown=scored.breakdown,
                reasons=scored.reasons,
            )
        )
    Suggestion.objects.bulk_create(rows, batch_size=500)
    unmatched = _unmatched(program, scorer, result, mentors, mentees, remaining)
    unmatched += [
        {
            "id": person.pk,
            "name": person.user.name,
            "side": person.get_role_display().lower(),
            **why.unmatched("not_joined"),
            "cause": "not_joined",
        }
        for person in invited
    ]
    gap = result.stats.get("gap")
    return {
        "solver": result.stats.get("solver"),
        "certified_optimal": result.stats.get("certified_optimal", False),
        "gap": None if gap is None else round(gap, 4),
        "upper_bound": result.stats.get("upper_bound"),
        "active": len(people),
        "in_run": len(free),
        "invited": len(invited),
        "objective": run.objective,
        "total": round(result.total, 4),
        "matched": result.matched,
        "mentors": len(mentors),
        "mentees": len(mentees),
        "kept_pairs": Pair.objects.filter(program=program, status__in=Pair.OCCUPYING).count(),
        "unmatched": unmatched,
    }


def _fits(scorer, rows, room, chunk=2000):
    """Per row: (partners above the minimum score before the hard constraints, of them
    not ruled out, of those with room left), in chunks (never the whole matrix)."""
    counts = {}
    for start in range(0, len(rows), chunk):
        part = np.array(rows[start : start + chunk])
        above = scorer.rows(part, floored=False, constrained=False) >= scorer.floor
        allowed = above & (scorer.rows(part, floored=False) >= scorer.floor)
        free = allowed & room[None, :]
        sums = zip(*(x.sum(1).tolist() for x in (above, allowed, free)), strict=True)
        counts.update(zip(part.tolist(), sums, strict=True))
    return counts


def _unmatched(program, scorer, result, mentors, mentees, remaining):
    """Everyone left without a pair, each with the true cause: ruled out by a constraint,
    nobody above the minimum score, the partners who fit are full, or their own capacity
    went to pairs in their other role."""
    peer = program.kind == program.Kind.PEER
    matched_rows = {r for r, _c, _s in result.pairs}
    if peer:
        matched_rows |= {c for _r, c, _s in result.pairs}
    # Slots left per column after the run, counting both roles of the same person.
    used = {}
    for r, c, _s in result.pairs:
        used[mentors[c].pk] = used.get(mentors[c].pk, 0) + 1
        used[mentees[r].pk] = used.get(mentees[r].pk, 0) + 1
    room = np.array([remaining[p.pk] - used.get(p.pk, 0) > 0 for p in mentors], dtype=bool)
    out = []
    missing = [i for i in range(len(mentees)) if i not in matched_rows]
    counts = _fits(scorer, missing, room) if missing and mentors else {}
    minimum = program.min_score
    for i in missing:
        person = mentees[i]
        above, allowed, free = counts.get(i, (0, 0, 0))
        if used.get(person.pk, 0) >= remaining[person.pk]:
            reason, cause = why.unmatched("own_capacity", n=remaining[person.pk]), "capacity"
        elif not above:
            reason, cause = why.unmatched("min_score", min=minimum), "min_score"
        elif not allowed:
            reason, cause = why.unmatched("constraint", n=above), "constraint"
        elif not free:
            reason, cause = why.unmatched("full", n=allowed), "capacity"
        else:
            reason = (
                why.unmatched("lower_total", n=free)
                if result.stats.get("certified_optimal")
                else why.unmatched("not_proven")
            )
            cause = "optimum"
        side = "peer" if peer else "mentee"
        out.append(
            {
                "id": person.pk,
                "name": person.user.name,
                "side": side,
                **reason,
                "cause": cause,
            }
        )
    if not peer:
        for mentor in mentors:
            left = remaining[mentor.pk] - used.get(mentor.pk, 0)
            if left > 0:
                out.append(
                    {
                        "id": mentor.pk,
                        "name": mentor.user.name,
                        "side": "mentor",
                        **why.unmatched("free_slots", n=left),
                        "cause": "no_fit",
                    }
                )
    return out


# -- making pairs --------------------------------------------------------------------------


def _lock(*participants):
    ids = sorted({p.pk for p in participants})
    query = Participant.objects.select_related("user").select_for_update(of=("self",))
    locked = {p.pk: p for p in query.filter(pk__in=ids).order_by("pk")}
    return [locked[p.pk] for p in participants]


def check_can_pair(mentor, mentee):
    """Raise PairingError unless these two may form a new pair now (rows already locked)."""
    if mentor.pk == mentee.pk:
        raise PairingError(_("A person cannot be paired with themselves."))
    if mentor.program_id != mentee.program_id:
        raise PairingError(_("Both people must be in the same program."))
    for person in (mentor, mentee):
        if person.status != Participant.Status.ACTIVE:
            raise PairingError(
                _("%(name)s is not an active participant (%(status)s).")
                % {"name": person.user.name, "status": person.get_status_display()}
            )
    if paired_before(mentor, mentee):
        raise PairingError(
            _("%(a)s and %(b)s were already paired in this program.")
            % {"a": mentor.user.name, "b": mentee.user.name}
        )
    counts = occupying_counts(mentor.program_id, among=(mentor, mentee))
    for person in (mentor, mentee):
        used = counts.get(person.pk, 0)
        if used >= person.capacity:
            raise PairingError(
                _("%(name)s has no capacity left (%(used)s of %(cap)s pairs).")
                % {"name": person.user.name, "used": used, "cap": person.capacity}
            )


def create_pair(
    mentor,
    mentee,
    *,
    by=None,
    source=Pair.Source.MATCHING,
    status=Pair.Status.ACTIVE,
    score=None,
):
    """Create a pair, holding capacity under concurrent requests (call inside atomic)."""
    with transaction.atomic():
        mentor, mentee = _lock(mentor, mentee)
        check_can_pair(mentor, mentee)
        if score is None:
            score, _problems = score_pair(mentor, mentee)
        try:
            with transaction.atomic():
                pair = Pair.objects.create(
                    program_id=mentor.program_id,
                    mentor=mentor,
                    mentee=mentee,
                    status=Pair.Status.PROPOSED,
                    source=source,
                    score=score.score,
                    score_breakdown=score.breakdown,
                    reasons=score.reasons,
                    created_by=by,
                )
        except IntegrityError:
            raise PairingError(_("These two people were already paired in this program."))
        if status == Pair.Status.ACTIVE:
            lifecycle.activate(pair, by=by, check_access=False)
        else:
            webhooks.emit_pair(pair, webhooks.PAIR_PROPOSED)
        return pair


def accept_suggestion(suggestion, by):
    with transaction.atomic():
        suggestion = (
            Suggestion.objects.select_for_update(of=("self",))
            .select_related("mentor__user", "mentee__user", "run")
            .get(pk=suggestion.pk)
        )
        if suggestion.status != Suggestion.Status.DRAFT:
            raise PairingError(
                _("This suggestion was already %(status)s.")
                % {"status": suggestion.get_status_display().lower()}
            )
        score = matching.PairScore(suggestion.score, suggestion.breakdown, suggestion.reasons)
        pair = create_pair(suggestion.mentor, suggestion.mentee, by=by, score=score)
        suggestion.status = Suggestion.Status.ACCEPTED
        suggestion.pair = pair
        suggestion.save(update_fields=["status", "pair"])
        return suggestion


def reject_suggestion(suggestion, by):
    updated = Suggestion.objects.filter(pk=suggestion.pk, status=Suggestion.Status.DRAFT).update(
        status=Suggestion.Status.REJECTED
    )
    if not updated:
        raise PairingError(_("Only a draft suggestion can be rejected."))
    suggestion.refresh_from_db()
    return suggestion


def bulk(suggestions, by, accept=True):
    """Accept or reject many; each accept on its own, so one failure does not undo the others.
    Returns (how many were changed, [(suggestion, why not)])."""
    if not accept:
        return _reject_many(suggestions)
    done, failed = 0, []
    for suggestion in suggestions:
        try:
            accept_suggestion(suggestion, by)
            done += 1
        except PairingError as exc:
            failed.append((suggestion, str(exc)))
    return done, failed


def _reject_many(suggestions):
    """Reject the drafts among these in one statement; the rest fail as in reject_suggestion."""
    with transaction.atomic():
        drafts = set(
            Suggestion.objects.select_for_update()
            .filter(pk__in=[s.pk for s in suggestions], status=Suggestion.Status.DRAFT)
            .values_list("pk", flat=True)
        )
        Suggestion.objects.filter(pk__in=drafts).update(status=Suggestion.Status.REJECTED)
    error = _("Only a draft suggestion can be rejected.")
    return len(drafts), [(s, error) for s in suggestions if s.pk not in drafts]


def draft_problems(run, shown=()):
    """Why drafts of a run cannot be accepted now: their people were paired meanwhile (by a
    request or by hand), withdrew, or filled up. Returns ({suggestion id: [reasons]} for
    the `shown` suggestions, whether every draft of the run can be accepted together, how
    many drafts there are). `shown`: (suggestion id, mentor id, mentee id, mentor's name,
    mentee's name) of each suggestion the page shows. Three queries whatever the size of
    the run.

    A run has 2,000 drafts: rather than a loop over them in Python, their columns are
    taken apart (zip) and matched as sets and counters, per person once; only the shown
    rows get their problems one by one. (One statement doing it all in SQL cost
    PostgreSQL more than it saved here.)"""
    values = {"run": run.pk, "program": run.program_id}
    rows = _drafts(**values)
    # The rows as they come, (mentor, mentee) tuples, are the set's members: not a new
    # tuple for each of 2,000 pairs (allocations that the garbage collector then scans).
    paired = set(_pairs(**values))
    used = Counter(chain.from_iterable(_occupying_pairs(**values)))
    pks, mentors, mentees, mentor_statuses, mentee_statuses, mentor_caps, mentee_caps = _columns(
        rows, 7
    )
    capacity = dict(zip(mentors, mentor_caps, strict=True))
    capacity.update(zip(mentees, mentee_caps, strict=True))
    # Each person's problem, whichever side of a draft: no longer active, else full (their
    # pairs that hold a slot take all their capacity: a pair at least, unless it is 0).
    people = mentors + mentees
    full = [p for p, n in used.items() if p in capacity and n >= capacity[p]]
    full += compress(people, map(operator.not_, mentor_caps + mentee_caps))
    active = Participant.Status.ACTIVE.value
    inactive = compress(people, map(active.__ne__, mentor_statuses + mentee_statuses))
    trouble = {**dict.fromkeys(full, "full"), **dict.fromkeys(inactive, "inactive")}
    # Paired either way round: a person in both roles may have been the mentee.
    any_paired = not (
        paired.isdisjoint(zip(mentors, mentees, strict=True))
        and paired.isdisjoint(zip(mentees, mentors, strict=True))
    )
    together = False
    if not trouble and not any_paired:
        need = Counter(mentors)
        need.update(mentees)
        together = all(used.get(person, 0) + n <= capacity[person] for person, n in need.items())
    out = {}
    if trouble or any_paired:
        drafted = set(pks)
        texts = {  # translated once for the page's rows
            "paired": _("already paired with each other (by request or by hand)"),
            "inactive": _("%(name)s is no longer active"),
            "full": _("%(name)s has no capacity left"),
        }
        for pk, mentor_id, mentee_id, mentor, mentee in shown:
            if pk not in drafted:
                continue
            found = []
            if (mentor_id, mentee_id) in paired or (mentee_id, mentor_id) in paired:
                found.append(texts["paired"])
            for person, name in ((mentor_id, mentor), (mentee_id, mentee)):
                if person in trouble:
                    found.append(texts[trouble[person]] % {"name": name})
            if found:
                out[pk] = found
    return out, together, len(rows)


# draft_problems' queries, compiled once (mentorship.prepared): 1 ms of each review.
@prepared
def _drafts():
    # A run's people are its program's: saying so lets PostgreSQL read only this
    # program's participants (an index) rather than hash all of them, twice.
    program = Param("program", IDS)
    drafts = Suggestion.objects.filter(
        run_id=Param("run", IDS),
        status=Suggestion.Status.DRAFT,
        mentor__program_id=program,
        mentee__program_id=program,
    )
    return drafts.order_by().values_list(  # in any order: not sorted by score (2,000 rows)
        "pk",
        "mentor_id",
        "mentee_id",
        "mentor__status",
        "mentee__status",
        "mentor__capacity",
        "mentee__capacity",
    )


@prepared
def _pairs():
    pairs = Pair.objects.filter(program_id=Param("program", IDS)).order_by()  # unsorted
    return pairs.values_list("mentor_id", "mentee_id")


@prepared
def _occupying_pairs():
    pairs = Pair.objects.filter(program_id=Param("program", IDS), status__in=Pair.OCCUPYING)
    return pairs.order_by().values_list("mentor_id", "mentee_id")


def _columns(rows, n):
    """Rows as n columns (tuples), empty ones for no rows."""
    return tuple(zip(*rows, strict=True)) or ((),) * n


def swap_suggestion(suggestion, new_mentor, by):
    """Point a draft suggestion's mentee at another mentor, rescored."""
    if suggestion.status != Suggestion.Status.DRAFT:
        raise PairingError(_("Only a draft suggestion can be changed."))
    if new_mentor.program_id != suggestion.run.program_id:
        raise PairingError(_("Choose a mentor from this program."))
    if new_mentor.pk == suggestion.mentee_id:
        raise PairingError(_("A person cannot be paired with themselves."))
    score, problems = score_pair(new_mentor, suggestion.mentee)
    suggestion.mentor = new_mentor
    suggestion.score = score.score
    suggestion.breakdown = {**score.breakdown, "warnings": problems}
    suggestion.reasons = score.reasons
    suggestion.save(update_fields=["mentor", "score", "breakdown", "reasons"])
    return suggestion


def preview(mentor, mentee, run=None):
    """Score and warnings for a prospective pair (swap or manual)."""
    score, problems = score_pair(mentor, mentee)
    warnings = list(problems)
    counts = occupying_counts(mentor.program_id, among=(mentor, mentee))
    for person in (mentor, mentee):
        used = counts.get(person.pk, 0)
        if used >= person.capacity:
            warnings.append(
                _("%(name)s has no capacity left (%(used)s of %(cap)s pairs)")
                % {"name": person.user.name, "used": used, "cap": person.capacity}
            )
    if run is not None:
        # The mentor's draft or accepted suggestions in this run, and their current pairs.
        suggested = run.suggestions.filter(mentor=mentor).exclude(status=Suggestion.Status.REJECTED)
        load = suggested.count() + counts.get(mentor.pk, 0)
        if load >= mentor.capacity:
            warnings.append(
                _("%(name)s already has %(n)s suggested or current pairs (capacity %(cap)s)")
                % {"name": mentor.user.name, "n": load, "cap": mentor.capacity}
            )
    for person in (mentor, mentee):
        if person.status != Participant.Status.ACTIVE:
            warnings.append(_("%(name)s is not active") % {"name": person.user.name})
    return dataclasses.asdict(score), warnings
