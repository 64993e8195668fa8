"""The daily rollups' upkeep on PostgreSQL: triggers that count, folding, and a recount.

Each trigger records the old row's contribution with a minus and the new one's with a
plus, as rows of insights_programdaychange, so any write (insert, update, delete, COPY)
moves the counts in its own transaction. Only inserts: no writer waits for another over a
busy day, and no two transactions deadlock over days locked in different orders.
`fold()` (a periodic task) moves the changes into insights_programday, in (program, day)
order. `rebuild()` recounts everything from the rows (manage.py rebuild_health_rollups).

Every counts array is built by name (_array, _columns), in COUNTS order, so a new count
cannot shift the others. The latest insights migration that changes the counts installs
this SQL and recounts (the earlier ones do nothing: on a fresh database they would run
today's SQL against yesterday's tables).
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


def _array(cells):
    """An integer[] of the counts in COUNTS order: `cells` {count: SQL}, the others 0."""
    return f"ARRAY[{', '.join(_cells(cells))}]::integer[]"


def _columns(cells):
    """A select list of the counts in COUNTS order, as _array."""
    return ", ".join(f"{cell} AS {name}" for name, cell in zip(COUNTS, _cells(cells), strict=True))


def _cells(cells):
    unknown = set(cells) - set(COUNTS)
    if unknown:  # a misspelt count would silently stay 0
        raise ValueError(f"not counts: {sorted(unknown)}")
    return [str(cells.get(name, 0)) for name in COUNTS]


def _side_test(name, alias=""):
    """The test for the side count `name` (e.g. questions_mentor) on a side row."""
    what, role = name.split("_")
    test = f"{alias}side = '{role}'"
    return test if what == "sides" else f"{test} AND {alias}{what} <> ''"


def _side_vector(row, sign):
    """The counts array of one side `row` (OLD or NEW), times sign."""
    return _array({n: f"{sign}({_side_test(n, f'{row}.')})::int" for n in SIDE_COUNTS})


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


def _sides_of(row, sign):
    """A session `row`'s counts array (itself and its sides), times sign."""
    cells = {n: f"{sign}count(*) FILTER (WHERE {_side_test(n)})" for n in SIDE_COUNTS}
    cells = _array({"sessions": f"{sign}1", **cells})
    return f"SELECT {cells} FROM session_logs_sessionside WHERE session_id = {row}.id"


_SESSION = f"""
CREATE OR REPLACE FUNCTION health_session() RETURNS trigger AS $$
DECLARE c integer[];
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'logged' THEN
        {_sides_of("OLD", "-")} INTO c;
        PERFORM health_add(OLD.program_id, {UTC_DAY % "OLD.occurred_at"}, c);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'logged' THEN
        {_sides_of("NEW", "")} INTO c;
        PERFORM health_add(NEW.program_id, {UTC_DAY % "NEW.occurred_at"}, c);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def _action_due(row, sign=""):
    """An action `row`'s counts on its due day, times sign: {count: SQL}."""
    return {f"due_{s}": f"{sign}({row}.status = '{s}')::int" for s in ("open", "done", "dropped")}


def _action_done(row, sign=""):
    """A done action `row`'s counts on the day it was done, times sign."""
    return {f"done_{o}": f"{sign}({row}.owner = '{o}')::int" for o in ("mentor", "mentee", "both")}


_ACTION = f"""
CREATE OR REPLACE FUNCTION health_action() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM health_add(OLD.program_id, OLD.due_on, {_array(_action_due("OLD", "-"))});
        IF OLD.status = 'done' THEN
            PERFORM health_add(OLD.program_id, {UTC_DAY % "OLD.done_at"},
                               {_array(_action_done("OLD", "-"))});
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM health_add(NEW.program_id, NEW.due_on, {_array(_action_due("NEW"))});
        IF NEW.status = 'done' THEN
            PERFORM health_add(NEW.program_id, {UTC_DAY % "NEW.done_at"},
                               {_array(_action_done("NEW"))});
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def _checkin_due(row, sign=""):
    """A check-in `row`'s counts on its due day, times sign: due_checkins' figures, counted
    over the answered ones (the average's sum and count too, as Avg counts: answered with a
    score)."""
    answered = f"{row}.answered_at IS NOT NULL"
    tests = {
        "checkins_answered": answered,
        "checkins_scored": f"{answered} AND {row}.score IS NOT NULL",
        "checkins_not_fit": f"{answered} AND {row}.good_fit IS FALSE",
        "checkins_fit_answered": f"{answered} AND {row}.good_fit IS NOT NULL",
        "checkins_help": f"{answered} AND {row}.wants_help IS TRUE",
    }
    return {
        "checkins_due": f"{sign}1",
        **{name: f"{sign}({test})::int" for name, test in tests.items()},
        "checkins_score_sum": f"{sign}(CASE WHEN {tests['checkins_scored']} THEN {row}.score"
        " ELSE 0 END)",
    }


def _checkin_answer(row, sign=""):
    """A scored check-in `row`'s counts on the day it was answered, times sign."""
    return {"answers_scored": f"{sign}1", "answers_score_sum": f"{sign}{row}.score"}


_CHECKIN_COLUMNS = ("program_id", "due_at", "answered_at", "score", "good_fit", "wants_help")
_CHECKIN = f"""
CREATE OR REPLACE FUNCTION health_checkin() RETURNS trigger AS $$
BEGIN
    -- A save that changed nothing counted (an answer's text, updated_at) records nothing.
    IF TG_OP = 'UPDATE' AND ({", ".join(f"OLD.{c}" for c in _CHECKIN_COLUMNS)})
        IS NOT DISTINCT FROM ({", ".join(f"NEW.{c}" for c in _CHECKIN_COLUMNS)}) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM health_add(OLD.program_id, {UTC_DAY % "OLD.due_at"},
                           {_array(_checkin_due("OLD", "-"))});
        IF OLD.answered_at IS NOT NULL AND OLD.score IS NOT NULL THEN
            PERFORM health_add(OLD.program_id, {UTC_DAY % "OLD.answered_at"},
                               {_array(_checkin_answer("OLD", "-"))});
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM health_add(NEW.program_id, {UTC_DAY % "NEW.due_at"},
                           {_array(_checkin_due("NEW"))});
        IF NEW.answered_at IS NOT NULL AND NEW.score IS NOT NULL THEN
            PERFORM health_add(NEW.program_id, {UTC_DAY % "NEW.answered_at"},
                               {_array(_checkin_answer("NEW"))});
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

_TRIGGERS = f"""
CREATE TRIGGER health_session AFTER INSERT OR DELETE OR UPDATE OF status, occurred_at, program_id
    ON session_logs_session FOR EACH ROW EXECUTE FUNCTION health_session();
CREATE TRIGGER health_side
    AFTER INSERT OR DELETE OR UPDATE OF session_id, side, questions, learned, shared
    ON session_logs_sessionside FOR EACH ROW EXECUTE FUNCTION health_side();
CREATE TRIGGER health_action
    AFTER INSERT OR DELETE OR UPDATE OF status, due_on, done_at, owner, program_id
    ON session_logs_nextaction FOR EACH ROW EXECUTE FUNCTION health_action();
CREATE TRIGGER health_checkin
    AFTER INSERT OR DELETE OR UPDATE OF {", ".join(_CHECKIN_COLUMNS)}
    ON checkins_checkin FOR EACH ROW EXECUTE FUNCTION health_checkin();
"""

INSTALL = ADD + _SIDE + _SESSION + _ACTION + _CHECKIN + _TRIGGERS
UNINSTALL = """
DROP TRIGGER IF EXISTS health_session ON session_logs_session;
DROP TRIGGER IF EXISTS health_side ON session_logs_sessionside;
DROP TRIGGER IF EXISTS health_action ON session_logs_nextaction;
DROP TRIGGER IF EXISTS health_checkin ON checkins_checkin;
DROP FUNCTION IF EXISTS health_session(), health_side(), health_action(), health_checkin(),
    health_add(bigint, date, integer[]);
"""

_SIDE_SUMS = ", ".join(f"count(*) FILTER (WHERE {_side_test(n, 'x.')}) AS {n}" for n in SIDE_COUNTS)
RECOUNT = f"""
INSERT INTO {TABLE} (program_id, day, {", ".join(COUNTS)})
SELECT program_id, day, {", ".join(f"sum({name})" for name in COUNTS)}
FROM (
    SELECT s.program_id, {UTC_DAY % "s.occurred_at"} AS day,
        {_columns({"sessions": 1, **{n: f"x.{n}" for n in SIDE_COUNTS}})}
    FROM session_logs_session s
    LEFT JOIN LATERAL (
        SELECT {_SIDE_SUMS}
        FROM session_logs_sessionside x WHERE x.session_id = s.id
    ) x ON true
    WHERE s.status = 'logged' {{sessions}}
    UNION ALL
    SELECT a.program_id, a.due_on, {_columns(_action_due("a"))}
    FROM session_logs_nextaction a WHERE true {{actions}}
    UNION ALL
    SELECT a.program_id, {UTC_DAY % "a.done_at"}, {_columns(_action_done("a"))}
    FROM session_logs_nextaction a WHERE a.status = 'done' {{actions}}
    UNION ALL
    SELECT c.program_id, {UTC_DAY % "c.due_at"}, {_columns(_checkin_due("c"))}
    FROM checkins_checkin c WHERE true {{checkins}}
    UNION ALL
    SELECT c.program_id, {UTC_DAY % "c.answered_at"}, {_columns(_checkin_answer("c"))}
    FROM checkins_checkin c
    WHERE c.answered_at IS NOT NULL AND c.score IS NOT NULL {{checkins}}
) rows
GROUP BY program_id, day
"""


def recount_sql(program=False):
    """RECOUNT of every program, or (program=True) of the one in %(program)s."""
    only = "AND {}.program_id = %(program)s" if program else ""
    return RECOUNT.format(
        sessions=only.format("s"), actions=only.format("a"), checkins=only.format("c")
    )


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
    where = "" if program_id is None else "WHERE program_id = %(program)s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE}, {CHANGES} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {TABLE} {where}", {"program": program_id})
        cursor.execute(f"DELETE FROM {CHANGES} {where}", {"program": program_id})
        cursor.execute(recount_sql(program_id is not None), {"program": program_id})
        return cursor.rowcount
