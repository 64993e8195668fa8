"""A program's skill vocabulary: resolve names (creating unknown ones), rename, merge."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mentorship.models import Participant, Skill

MAX_SKILL_LENGTH = Skill._meta.get_field("name").max_length
MAX_SKILLS_PER_LIST = 30


class SkillError(ValueError):
    pass


def clean_name(name):
    return re.sub(r"\s+", " ", name or "").strip()


def split_names(text):
    """'SQL, Public speaking; sql' → ['SQL', 'Public speaking'] (case-insensitive unique)."""
    seen = {}
    for part in re.split(r"[,;\n]", text or ""):
        name = clean_name(part)
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def check_names(names):
    """Problems with a list of skill names, as messages (empty when fine)."""
    problems = []
    for name in names:
        if len(name) > MAX_SKILL_LENGTH:
            problems.append(
                _("Skill “%(name)s…” is longer than %(n)d characters.")
                % {"name": name[:20], "n": MAX_SKILL_LENGTH}
            )
    if len(names) > MAX_SKILLS_PER_LIST:
        problems.append(_("At most %(n)d skills in one list.") % {"n": MAX_SKILLS_PER_LIST})
    return problems


def resolve(program, names):
    """Skill rows for names, creating the unknown ones (matched case-insensitively)."""
    return list(resolve_many(program, names).values())


def resolve_many(program, names):
    """{lowercased name: Skill} for every name, creating missing ones in one bulk insert."""
    wanted = {}
    for name in names:
        name = clean_name(name)
        if name:
            wanted.setdefault(name.lower(), name)
    existing = {s.name.lower(): s for s in Skill.objects.filter(program=program)}
    missing = [Skill(program=program, name=n) for k, n in wanted.items() if k not in existing]
    if missing:
        Skill.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.name.lower(): s for s in Skill.objects.filter(program=program)}
    return {k: existing[k] for k in wanted}


def rename(skill, new_name):
    new_name = clean_name(new_name)
    if not new_name:
        raise SkillError(_("A skill needs a name."))
    if len(new_name) > MAX_SKILL_LENGTH:
        raise SkillError(_("At most %(n)d characters.") % {"n": MAX_SKILL_LENGTH})
    clash = (
        Skill.objects.filter(program=skill.program, name__iexact=new_name)
        .exclude(pk=skill.pk)
        .first()
    )
    if clash:
        raise SkillError(
            _("“%(name)s” already exists: merge the two skills instead.") % {"name": clash.name}
        )
    skill.name = new_name
    try:
        with transaction.atomic():
            skill.save(update_fields=["name"])
    except IntegrityError:
        raise SkillError(_("That name is already taken."))
    return skill


@transaction.atomic
def merge(source, target):
    """Move every reference from source to target, then delete source."""
    if source.program_id != target.program_id:
        raise SkillError(_("Both skills must belong to the same program."))
    if source.pk == target.pk:
        raise SkillError(_("Choose two different skills."))
    for field in ("teaches", "learns"):
        through = getattr(Participant, field).through
        have_target = set(
            through.objects.filter(skill=target).values_list("participant_id", flat=True)
        )
        rows = through.objects.filter(skill=source)
        moved = [
            through(participant_id=pid, skill=target)
            for pid in rows.values_list("participant_id", flat=True)
            if pid not in have_target
        ]
        through.objects.bulk_create(moved)
        rows.delete()
    source.delete()
    return target
