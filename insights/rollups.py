"""The daily rollups' upkeep on PostgreSQL: triggers that count, folding, and a recount.

Each trigger records the old row's contribution with a minus and the new one's with a
plus, as rows of insights_programdaychange, so any write (insert, update, delete, COPY)
moves the counts in its own transaction. Only inserts: no writer waits for another over a
busy day, and no two transactions deadlock over days locked in different orders.
`fold()` (a periodic task) moves the changes into insights_programday, in (program, day)
order. `rebuild()` recounts everything from the rows (manage.py rebuild_health_rollups).
"""

# ruff: noqa: S608 - every statement here is built from the constants below, never input

from django.db import connection, transaction

from insights.models import COUNTS, SIDE_COUNTS

TABLE = "insights_programday"
CHANGES = "insights_programdaychange"
UTC_DAY = "((%s) AT TIME ZONE 'UTC')::date"

ADD = f"""
CREATE OR REPLACE FUNCTION health_add(p bigint, d date, c integer[]) RETURNS void AS $$
BEGIN
    IF p IS NULL OR d IS NULL OR c = array_fill(0, ARRAY[{len(COUNTS)}]) THEN
        RETURN;
    END IF;
    INSERT INTO {CHANGES} (program_id, day, {", ".join(COUNTS)})
    VALUES (p, d, {", ".join(f"c[{i + 1}]" for i in range(len(COUNTS)))});
END $$ LANGUAGE plpgsql;
"""

FOLD = f"""
WITH moved AS (DELETE FROM {CHANGES} {{where}} RETURNING *)
INSERT INTO {TABLE} (program_id, day, {", ".join(COUNTS)})
SELECT program_id, day, {", ".join(f"sum({name})" for name in COUNTS)}
FROM moved GROUP BY program_id, day ORDER BY program_id, day
ON CONFLICT (program_id, day) DO UPDATE SET
    {", ".join(f"{name} = {TABLE}.{name} + EXCLUDED.{name}" for name in COUNTS)}
"""


def _side_vector(row, sign, sessions="0"):
    """The counts array of one side `row` (OLD or NEW), times sign."""
    cells = [sessions]
    for what in ("", "questions", "learned", "shared"):
        for role in ("mentor", "mentee"):
            test = f"{row}.side = '{role}'" + (f" AND {row}.{what} <> ''" if what else "")
            cells.append(f"{sign}({test})::int")
    return f"ARRAY[{', '.join(cells)}, 0, 0, 0, 0, 0, 0]"


_SIDE = f"""
CREATE OR REPLACE FUNCTION health_side() RETURNS trigger AS $$
DECLARE s record;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT program_id, status, occurred_at INTO s
        FROM session_logs_session WHERE id = OLD.session_id;
        IF FOUND AND s.status = 'logged' THEN
            PERFORM health_add(s.program_id, {UTC_DAY % "s.occurred_at"},
                               {_side_vector("OLD", "-")});
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT program_id, status, occurred_at INTO s
        FROM session_logs_session WHERE id = NEW.session_id;
        IF FOUND AND s.status = 'logged' THEN
            PERFORM health_add(s.program_id, {UTC_DAY % "s.occurred_at"},
                               {_side_vector("NEW", "")});
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

_SIDES_OF = """
SELECT ARRAY[{sign}1,
    {sign}count(*) FILTER (WHERE side = 'mentor'), {sign}count(*) FILTER (WHERE side = 'mentee'),
    {sign}count(*) FILTER (WHERE side = 'mentor' AND questions <> ''),
    {sign}count(*) FILTER (WHERE side = 'mentee' AND questions <> ''),
    {sign}count(*) FILTER (WHERE side = 'mentor' AND learned <> ''),
    {sign}count(*) FILTER (WHERE side = 'mentee' AND learned <> ''),
    {sign}count(*) FILTER (WHERE side = 'mentor' AND shared <> ''),
    {sign}count(*) FILTER (WHERE side = 'mentee' AND shared <> ''),
    0, 0, 0, 0, 0, 0]::integer[]
FROM session_logs_sessionside WHERE session_id = {row}.id
"""

_SESSION = f"""
CREATE OR REPLACE FUNCTION health_session() RETURNS trigger AS $$
DECLARE c integer[];
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'logged' THEN
        {_SIDES_OF.format(sign="-", row="OLD").strip()} INTO c;
        PERFORM health_add(OLD.program_id, {UTC_DAY % "OLD.occurred_at"}, c);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'logged' THEN
        {_SIDES_OF.format(sign="", row="NEW").strip()} INTO c;
        PERFORM health_add(NEW.program_id, {UTC_DAY % "NEW.occurred_at"}, c);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def _action_due(row, sign):
    zeros = ", ".join(["0"] * 9)
    cells = [f"{sign}({row}.status = '{s}')::int" for s in ("open", "done", "dropped")]
    return f"ARRAY[{zeros}, {', '.join(cells)}, 0, 0, 0]"


def _action_done(row, sign):
    zeros = ", ".join(["0"] * 12)
    cells = [f"{sign}({row}.owner = '{o}')::int" for o in ("mentor", "mentee", "both")]
    return f"ARRAY[{zeros}, {', '.join(cells)}]"


_ACTION = f"""
CREATE OR REPLACE FUNCTION health_action() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM health_add(OLD.program_id, OLD.due_on, {_action_due("OLD", "-")});
        IF OLD.status = 'done' THEN
            PERFORM health_add(OLD.program_id, {UTC_DAY % "OLD.done_at"},
                               {_action_done("OLD", "-")});
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM health_add(NEW.program_id, NEW.due_on, {_action_due("NEW", "")});
        IF NEW.status = 'done' THEN
            PERFORM health_add(NEW.program_id, {UTC_DAY % "NEW.done_at"},
                               {_action_done("NEW", "")});
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

_TRIGGERS = """
CREATE TRIGGER health_session AFTER INSERT OR DELETE OR UPDATE OF status, occurred_at, program_id
    ON session_logs_session FOR EACH ROW EXECUTE FUNCTION health_session();
CREATE TRIGGER health_side
    AFTER INSERT OR DELETE OR UPDATE OF session_id, side, questions, learned, shared
    ON session_logs_sessionside FOR EACH ROW EXECUTE FUNCTION health_side();
CREATE TRIGGER health_action
    AFTER INSERT OR DELETE OR UPDATE OF status, due_on, done_at, owner, program_id
    ON session_logs_nextaction FOR EACH ROW EXECUTE FUNCTION health_action();
"""

INSTALL = ADD + _SIDE + _SESSION + _ACTION + _TRIGGERS
UNINSTALL = """
DROP TRIGGER IF EXISTS health_session ON session_logs_session;
DROP TRIGGER IF EXISTS health_side ON session_logs_sessionside;
DROP TRIGGER IF EXISTS health_action ON session_logs_nextaction;
DROP FUNCTION IF EXISTS health_session(), health_side(), health_action(),
    health_add(bigint, date, integer[]);
"""

_SIDE_SUMS = ", ".join(
    f"count(*) FILTER (WHERE x.side = '{name.split('_')[1]}'"
    + (f" AND x.{name.split('_')[0]} <> ''" if not name.startswith("sides") else "")
    + f") AS {name}"
    for name in SIDE_COUNTS
)
RECOUNT = f"""
INSERT INTO {TABLE} (program_id, day, {", ".join(COUNTS)})
SELECT program_id, day, {", ".join(f"sum({name})" for name in COUNTS)}
FROM (
    SELECT s.program_id, {UTC_DAY % "s.occurred_at"} AS day, 1 AS sessions,
        {", ".join(f"x.{n}" for n in SIDE_COUNTS)},
        0 AS due_open, 0 AS due_done, 0 AS due_dropped,
        0 AS done_mentor, 0 AS done_mentee, 0 AS done_both
    FROM session_logs_session s
    LEFT JOIN LATERAL (
        SELECT {_SIDE_SUMS}
        FROM session_logs_sessionside x WHERE x.session_id = s.id
    ) x ON true
    WHERE s.status = 'logged' {{sessions}}
    UNION ALL
    SELECT a.program_id, a.due_on, {", ".join(["0"] * 9)},
        (a.status = 'open')::int, (a.status = 'done')::int, (a.status = 'dropped')::int, 0, 0, 0
    FROM session_logs_nextaction a WHERE true {{actions}}
    UNION ALL
    SELECT a.program_id, {UTC_DAY % "a.done_at"}, {", ".join(["0"] * 12)},
        (a.owner = 'mentor')::int, (a.owner = 'mentee')::int, (a.owner = 'both')::int
    FROM session_logs_nextaction a WHERE a.status = 'done' {{actions}}
) rows
GROUP BY program_id, day
"""


def enabled():
    """Rollups are kept (and read) on PostgreSQL only."""
    return connection.vendor == "postgresql"


def fold():
    """Move the recorded changes into the day rows; returns the day rows written.

    Changes committed while this runs wait for the next fold (they were not visible to
    its DELETE); the figures read both tables, so nothing is missed meanwhile."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FOLD.format(where=""))
        return cursor.rowcount


def rebuild(program_id=None):
    """Recount the rollups (of one program, or all) from the rows; returns rows written.

    Both tables are locked for the recount: writers' triggers wait, then record their
    change on top of the recount (they were not committed when the recount read the
    rows)."""
    only = "" if program_id is None else "AND {alias}.program_id = %(program)s"
    where = "" if program_id is None else "WHERE program_id = %(program)s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE}, {CHANGES} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {TABLE} {where}", {"program": program_id})
        cursor.execute(f"DELETE FROM {CHANGES} {where}", {"program": program_id})
        cursor.execute(
            RECOUNT.format(sessions=only.format(alias="s"), actions=only.format(alias="a")),
            {"program": program_id},
        )
        return cursor.rowcount
