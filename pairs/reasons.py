"""Why two people fit, and why someone was left unmatched: kept as data (a code and its
values, stored with suggestions, pairs, requests and a run's summary) and put into words
only when shown, in the reader's language and, where the reader is one of the two, to them
("You can teach Emma: SQL").

Rows stored before reasons were data hold plain English strings; they are shown as they are.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SEP = " · "


# -- why two people fit (matching.pair_score) -------------------------------------------------


def _people(mentor, mentee):
    return {"mentor": mentor.name, "mentee": mentee.name,
            "mentor_key": mentor.key, "mentee_key": mentee.key}  # fmt: skip


def fit(mentor, mentee, can_teach, can_learn, shared_goals, overlap_hours):
    """The reasons of one scored pair, as data."""
    out = []
    people = _people(mentor, mentee)
    if can_teach:
        out.append({"code": "teach", **people, "skills": _sorted(can_teach)})
    elif mentee.learns:
        out.append({"code": "teaches_nothing", **people})
    if can_learn:
        out.append({"code": "learn", **people, "skills": _sorted(can_learn)})
    if shared_goals:
        out.append({"code": "goals", "goals": _sorted(shared_goals)})
    if not mentor.slots or not mentee.slots:
        out.append({"code": "no_availability"})
    else:
        out.append({"code": "overlap", "hours": overlap_hours})
    return out


def _sorted(items):
    return sorted(items, key=str.lower)


def _teaches(teacher, learner, skills, teacher_key, learner_key, viewer):
    values = {"skills": ", ".join(skills)}
    if viewer is not None and viewer == teacher_key:
        return _("You can teach %(name)s: %(skills)s") % {**values, "name": learner}
    if viewer is not None and viewer == learner_key:
        return _("%(name)s can teach you: %(skills)s") % {**values, "name": teacher}
    return _("%(teacher)s can teach %(learner)s: %(skills)s") % {
        **values, "teacher": teacher, "learner": learner}  # fmt: skip


def text(reason, viewer=None):
    """One reason in words. viewer: the reading participant's id, to speak to them."""
    if not isinstance(reason, dict):
        return str(reason)  # stored as words before reasons were data
    code = reason.get("code")
    if code == "teach":
        return _teaches(reason["mentor"], reason["mentee"], reason["skills"],
                        reason["mentor_key"], reason["mentee_key"], viewer)  # fmt: skip
    if code == "learn":
        return _teaches(reason["mentee"], reason["mentor"], reason["skills"],
                        reason["mentee_key"], reason["mentor_key"], viewer)  # fmt: skip
    if code == "teaches_nothing":
        if viewer is not None and viewer == reason["mentor_key"]:
            return _("You teach nothing %(name)s asked for") % {"name": reason["mentee"]}
        return _("%(mentor)s teaches nothing %(mentee)s asked for") % reason
    if code == "goals":
        return _("shared goals: %(goals)s") % {"goals": ", ".join(reason["goals"])}
    if code == "no_availability":
        return _("availability not given")
    if code == "overlap":
        return _("%(hours)s h/week overlap") % {"hours": f"{reason['hours']:g}"}
    return ""


def line(reasons, viewer=None):
    """All reasons of a pair on one line."""
    return SEP.join(t for t in (text(r, viewer) for r in reasons or ()) if t)


# -- why someone was left unmatched (pairing._unmatched) ---------------------------------------

UNMATCHED = {
    "not_joined": gettext_lazy("has not joined yet (the invitation is not accepted)"),
    "own_capacity": gettext_lazy("their capacity (%(n)s) went to the pairs where they mentor"),
    "min_score": gettext_lazy("no partner scores above the minimum score (%(min)s)"),
    "constraint": gettext_lazy(
        "the %(n)s partners above the minimum score are ruled out (manager, "
        "department, earlier pair, exclusion)"
    ),
    "full": gettext_lazy("the %(n)s partners above the minimum score are full with other pairs"),
    "lower_total": gettext_lazy(
        "%(n)s partners with room fit, but pairing them would lower the total"
    ),
    "not_proven": gettext_lazy("not placed: this run's result is not proven optimal"),
    "free_slots": gettext_lazy(
        "%(n)s free slot(s): no remaining mentee fits above the minimum score"
    ),
}


def unmatched(code, **values):
    """The fields a run's summary keeps for one unmatched person's reason."""
    return {"reason_code": code, "values": values, "reason": str(UNMATCHED[code] % values)}


def unmatched_text(entry):
    """An unmatched person's reason in the reader's language (older summaries: as stored)."""
    code = entry.get("reason_code")
    if code in UNMATCHED:
        return str(UNMATCHED[code]) % entry.get("values", {})
    return entry.get("reason", "")
