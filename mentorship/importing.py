"""CSV import of participants: check every row first, then write all or nothing.

Two steps. `check(program, data)` parses and validates the uploaded bytes and returns a
Preview listing every row's problems by row number (the header is row 1), writing nothing.
A clean preview is stored as an ImportBatch; `apply(batch)` then writes it in one
transaction with bulk operations. Re-importing is idempotent by email: it updates, never
duplicates. A blank cell leaves the current value alone. Unknown skills are created.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import availability, invites, programs, skills
from mentorship.models import ImportBatch, Participant, User
from mentorship.models.users import normalize_email
from mentorship.timezones import known_time_zones

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
BATCH_TTL = datetime.timedelta(hours=12)

ALIASES = {
    "e-mail": "email",
    "email_address": "email",
    "display_name": "name",
    "full_name": "name",
    "timezone": "time_zone",
    "tz": "time_zone",
    "can_teach": "teaches",
    "skills_to_teach": "teaches",
    "wants_to_learn": "learns",
    "skills_to_learn": "learns",
    "manager": "manager_email",
    "manager's_email": "manager_email",
    "max_pairs": "capacity",
}
# Columns the export writes that the import reads but does not use.
IGNORED = {"status"}
# The import reads back what the participants export writes.
COLUMNS = [c for c in programs.EXPORT_HEADER if c not in IGNORED]
MAX_LENGTHS = {
    "email": User._meta.get_field("email").max_length,
    "name": User._meta.get_field("display_name").max_length,
    "goals": Participant._meta.get_field("goals").max_length,
    "department": Participant._meta.get_field("department").max_length,
    "manager_email": Participant._meta.get_field("manager_email").max_length,
    "time_zone": User._meta.get_field("time_zone").max_length,
}
ROLE_VALUES = {r.value: r.value for r in Participant.Role} | {
    r.label.lower(): r.value for r in Participant.Role
}

# The example rows of the template CSV (under a COLUMNS header).
TEMPLATE_ROWS = [
    [
        "maya@example.com",
        "Maya Mentor",
        "mentor",
        "Europe/Berlin",
        "SQL; Hiring",
        "Figma",
        "Grow as a manager",
        "Data",
        "boss@example.com",
        "2",
        "Mon 09:00-11:00; Thu 14:00-16:00",
    ],
    [
        "theo@example.com",
        "Theo Mentee",
        "mentee",
        "America/New_York",
        "Figma",
        "SQL; Public speaking",
        "Learn to query our warehouse",
        "Design",
        "",
        "1",
        "Wed 17:00-18:30",
    ],
]


@dataclass
class Preview:
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # normalised dicts, only when the file is clean
    problems: list = field(default_factory=list)  # [(row number, email, [messages])]
    file_errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    total_rows: int = 0
    new_count: int = 0
    update_count: int = 0
    new_skills: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.file_errors and not self.problems and bool(self.rows)

    @property
    def problem_count(self):
        return sum(len(messages) for _row, _email, messages in self.problems)


def _decode(data):
    if not data:
        raise ValueError(_("The file is empty."))
    if b"\x00" in data[:8192]:
        raise ValueError(
            _("This is not a CSV file (it contains binary data). Upload a .csv saved as text.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            _(
                "The file is not UTF-8 text (bad byte at position %(pos)d). In your spreadsheet "
                "choose “CSV UTF-8” when saving, then upload again."
            )
            % {"pos": exc.start}
        )


def _delimiter(first_line):
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _header_key(name):
    key = (name or "").strip().lower().replace(" ", "_")
    return ALIASES.get(key, key)


def _check_row(raw, number, zones):
    """(normalised row, [messages]) for one record."""
    problems = []
    row = {"row": number}
    email = normalize_email(raw.get("email"))
    row["email"] = email
    if not email:
        problems.append(_("Email is missing."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(value)s” is not a valid email address.") % {"value": email[:80]})
    for key, limit in MAX_LENGTHS.items():
        value = (raw.get(key) or "").strip()
        if len(value) > limit:
            label = key.replace("_", " ")
            problems.append(
                _("%(field)s is too long (%(n)d characters, at most %(max)d).")
                % {"field": label.capitalize(), "n": len(value), "max": limit}
            )
    row["name"] = (raw.get("name") or "").strip()
    role = (raw.get("role") or "").strip().lower()
    if role and role not in ROLE_VALUES:
        problems.append(
            _("Role “%(value)s” is not one of mentor, mentee, both.") % {"value": role[:40]}
        )
    row["role"] = ROLE_VALUES.get(role, "")
    tz = (raw.get("time_zone") or "").strip()
    if tz and tz not in zones:
        problems.append(
            _("Unknown time zone “%(value)s” (use a name like Europe/Paris).") % {"value": tz[:64]}
        )
    row["time_zone"] = tz
    for key in ("teaches", "learns"):
        names = skills.split_names(raw.get(key))
        problems.extend(skills.check_names(names))
        row[key] = names
    row["goals"] = (raw.get("goals") or "").strip()
    row["department"] = (raw.get("department") or "").strip()
    manager = normalize_email(raw.get("manager_email"))
    if manager:
        try:
            validate_email(manager)
        except ValidationError:
            problems.append(
                _("Manager's email “%(value)s” is not a valid address.") % {"value": manager[:80]}
            )
    row["manager_email"] = manager
    capacity = (raw.get("capacity") or "").strip()
    row["capacity"] = None
    if capacity:
        try:
            row["capacity"] = int(capacity)
            if not 0 <= row["capacity"] <= 20:
                raise ValueError
        except ValueError:
            problems.append(
                _("Capacity “%(value)s” must be a whole number from 0 to 20.")
                % {"value": capacity[:20]}
            )
    row["availability"] = None
    text = (raw.get("availability") or "").strip()
    if text:
        try:
            row["availability"] = availability.parse_text(text)
        except availability.AvailabilityError as exc:
            problems.append(_("Availability: %(error)s") % {"error": exc})
    return row, problems


def check(program, data):
    """Parse and validate uploaded bytes. Writes nothing."""
    preview = Preview()
    if len(data) > MAX_UPLOAD_BYTES:
        preview.file_errors.append(too_big_message(len(data)))
        return preview
    try:
        text = _decode(data)
    except ValueError as exc:
        preview.file_errors.append(str(exc))
        return preview
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            preview.file_errors.append(_("The file has no header row."))
            return preview
        keys = [_header_key(h) for h in header]
        if "email" not in keys:
            preview.file_errors.append(
                _(
                    "The first row must be a header naming the columns, with at least “email”. "
                    "Download the template to see the expected columns."
                )
            )
            return preview
        dupes = sorted({k for k in keys if k and keys.count(k) > 1})
        if dupes:
            preview.file_errors.append(
                _("The header names a column twice: %(names)s.") % {"names": ", ".join(dupes)}
            )
            return preview
        preview.columns = [k for k in keys if k in COLUMNS]
        preview.ignored_columns = [
            h
            for h, k in zip(header, keys, strict=True)
            if k and k not in COLUMNS and k not in IGNORED
        ]
        zones = known_time_zones()
        seen = {}
        rows = []
        for index, record in enumerate(reader):
            number = index + 2
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                preview.file_errors.append(
                    _("The file has more than %(n)d rows: split it into smaller files.")
                    % {"n": MAX_ROWS}
                )
                return preview
            raw = {k: v for k, v in zip(keys, record, strict=False) if k in COLUMNS}
            row, problems = _check_row(raw, number, zones)
            if len(record) > len(keys) and any(c.strip() for c in record[len(keys) :]):
                problems.append(_("This row has more cells than the header has columns."))
            if row["email"]:
                first = seen.setdefault(row["email"], number)
                if first != number:
                    problems.append(
                        _("Duplicate email: %(email)s is already on row %(row)d.")
                        % {"email": row["email"], "row": first}
                    )
            if problems:
                preview.problems.append((number, row["email"], problems))
            rows.append(row)
    except csv.Error as exc:
        preview.file_errors.append(
            _("The file is not valid CSV near row %(row)d: %(error)s")
            % {"row": reader.line_num, "error": exc}
        )
        return preview
    preview.total_rows = len(rows)
    if not rows:
        preview.file_errors.append(_("The file has a header but no rows."))
        return preview
    preview.update_count = _update_count(program, rows)
    preview.new_count = len(rows) - preview.update_count
    known = {n.lower() for n in program.skills.values_list("name", flat=True)}
    new_skills = {}
    for r in rows:
        for name in r["teaches"] + r["learns"]:
            if name.lower() not in known:
                new_skills.setdefault(name.lower(), name)
    preview.new_skills = sorted(new_skills.values(), key=str.lower)
    if not preview.problems:
        preview.rows = rows
    return preview


def _update_count(program, rows):
    """How many rows name someone already in program; the others are new."""
    existing = set(
        Participant.objects.filter(program=program).values_list("user__email", flat=True)
    )
    return sum(1 for r in rows if r["email"] in existing)


def too_big_message(size):
    return _(
        "The file is too large (%(size).1f MB); the limit is %(max)d MB. "
        "Split it into smaller files."
    ) % {"size": size / 1024 / 1024, "max": MAX_UPLOAD_BYTES // 1024 // 1024}


def store(program, user, preview, filename=""):
    """Keep a clean preview for the confirm step; sweeps this program's stale batches."""
    ImportBatch.objects.filter(created_at__lt=timezone.now() - BATCH_TTL).delete()
    ImportBatch.objects.filter(program=program, created_by=user).delete()
    return ImportBatch.objects.create(
        program=program,
        created_by=user,
        filename=filename[:255],
        columns=preview.columns,
        rows=preview.rows,
        row_count=len(preview.rows),
    )


def stored_preview(program, batch):
    """The preview of a stored batch, new and updated counted again as of now."""
    updates = _update_count(program, batch.rows)
    return Preview(
        columns=batch.columns,
        rows=batch.rows,
        total_rows=batch.row_count,
        update_count=updates,
        new_count=batch.row_count - updates,
    )


def pending_batch(program, user, batch_id):
    return ImportBatch.objects.filter(
        pk=batch_id,
        program=program,
        created_by=user,
        created_at__gte=timezone.now() - BATCH_TTL,
    ).first()


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    skills_created: int = 0


PARTICIPANT_FIELDS = ("role", "goals", "department", "manager_email", "capacity", "availability")


def fast_bulk_update(objs, fields, batch_size=500):
    """Like QuerySet.bulk_update, without its per-row CASE expressions (too slow for thousands
    of rows): one UPDATE … FROM (VALUES …) per batch on PostgreSQL and SQLite."""
    if not objs:
        return
    model = type(objs[0])
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        model.objects.bulk_update(objs, fields, batch_size=batch_size)
        return
    qn = connection.ops.quote_name
    pk = model._meta.pk
    cols = [pk, *(model._meta.get_field(f) for f in fields)]
    names = ", ".join(qn(f.column) for f in cols)
    sets = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in cols[1:])
    table = qn(model._meta.db_table)
    key = qn(pk.column)
    if vendor == "postgresql":
        one = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in cols) + ")"
    else:
        one = "(" + ", ".join("%s" for _ in cols) + ")"
    with connection.cursor() as cursor:
        for chunk in _chunks(objs, batch_size):
            params = []
            for obj in chunk:
                for f in cols:
                    params.append(f.get_db_prep_save(getattr(obj, f.attname), connection))
            values = ", ".join([one] * len(chunk))
            # Identifiers come from model metadata; every value is a bound parameter.
            if vendor == "postgresql":
                sql = f"UPDATE {table} AS t SET {sets} FROM (VALUES {values}) AS v({names}) "  # noqa: S608
                sql += f"WHERE t.{key} = v.{key}"
            else:
                sql = f"WITH v({names}) AS (VALUES {values}) UPDATE {table} SET {sets} "  # noqa: S608
                sql += f"FROM v WHERE {table}.{key} = v.{key}"
            cursor.execute(sql, params)


def _chunks(items, size=900):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


@transaction.atomic
def apply(batch):
    """Write a stored batch: all or nothing, idempotent by email."""
    program = batch.program
    rows = batch.rows
    result = Result()
    emails = [r["email"] for r in rows]

    # Users: create the missing ones as placeholders; update placeholders' name and zone.
    users = {}
    for chunk in _chunks(emails):
        users.update({u.email: u for u in User.objects.filter(email__in=chunk)})
    new_users = []
    for r in rows:
        if r["email"] not in users:
            user = User(
                email=r["email"],
                display_name=r["name"],
                time_zone=r["time_zone"] or "UTC",
            )
            user.set_unusable_password()
            new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=500)
    changed_users = []
    placeholders = invites.placeholder_ids(users.values())
    for r in rows:
        user = users.get(r["email"])
        if user is None or user.pk not in placeholders:
            continue  # new (just created), or a real account (a password, SSO or SCIM): its
            # owner or their identity provider decides name and zone
        changed = False
        if r["name"] and user.display_name != r["name"]:
            user.display_name = r["name"]
            changed = True
        if r["time_zone"] and user.time_zone != r["time_zone"]:
            user.time_zone = r["time_zone"]
            changed = True
        if changed:
            changed_users.append(user)
    if changed_users:
        fast_bulk_update(changed_users, ["display_name", "time_zone"])
    if new_users:
        for chunk in _chunks([u.email for u in new_users]):
            users.update({u.email: u for u in User.objects.filter(email__in=chunk)})

    # Participants.
    existing = {
        p.user_id: p for p in Participant.objects.filter(program=program, user__in=users.values())
    }
    to_create, to_update, by_user = [], [], {}
    for r in rows:
        user = users[r["email"]]
        participant = existing.get(user.pk)
        if participant is None:
            participant = Participant(program=program, user=user, status=Participant.Status.INVITED)
            to_create.append(participant)
        before = [getattr(participant, f) for f in PARTICIPANT_FIELDS]
        if r["role"]:
            participant.role = r["role"]
        for key in ("goals", "department", "manager_email"):
            if r[key]:
                setattr(participant, key, r[key])
        if r["capacity"] is not None:
            participant.capacity = r["capacity"]
        if r["availability"] is not None:
            participant.availability = r["availability"]
        by_user[user.pk] = participant
        if participant.pk is not None and before != [
            getattr(participant, f) for f in PARTICIPANT_FIELDS
        ]:
            to_update.append(participant)  # only rows that really change are written
    Participant.objects.bulk_create(to_create, batch_size=500)
    now = timezone.now()
    for p in to_update:
        p.updated_at = now
    fast_bulk_update(to_update, [*PARTICIPANT_FIELDS, "updated_at"])
    if to_create and to_create[0].pk is None:  # backends that do not return ids
        ids = dict(Participant.objects.filter(program=program).values_list("user_id", "pk"))
        for p in to_create:
            p.pk = ids[p.user_id]
    result.created = len(to_create)
    result.updated = len(rows) - len(to_create)

    # Skills: create unknown names, then make each given list exactly what the file says,
    # touching only the links that differ.
    before = program.skills.count()
    names = [n for r in rows for n in r["teaches"] + r["learns"]]
    by_name = skills.resolve_many(program, names)
    result.skills_created = program.skills.count() - before
    existing_ids = [p.pk for p in existing.values()]
    for key in ("teaches", "learns"):
        through = getattr(Participant, key).through
        desired = {}
        for r in rows:
            if r[key]:
                pid = by_user[users[r["email"]].pk].pk
                desired[pid] = {by_name[name.lower()].pk for name in r[key]}
        current = {}
        for chunk in _chunks([pid for pid in existing_ids if pid in desired]):
            for link_id, pid, sid in through.objects.filter(participant_id__in=chunk).values_list(
                "pk", "participant_id", "skill_id"
            ):
                current.setdefault(pid, {})[sid] = link_id
        stale = [
            link_id
            for pid, links in current.items()
            for sid, link_id in links.items()
            if sid not in desired[pid]
        ]
        for chunk in _chunks(stale):
            through.objects.filter(pk__in=chunk).delete()
        links = [
            through(participant_id=pid, skill_id=sid)
            for pid, sids in desired.items()
            for sid in sids
            if sid not in current.get(pid, {})
        ]
        through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    batch.delete()
    return result
