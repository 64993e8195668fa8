"""ORM queries compiled once per process and run with new values: the page's rules stay in
the ORM, without paying Django's query building and compiling on every request.

Building a QuerySet (filter, Q, select_related) and compiling it to SQL costs 0.5 to 2 ms
of CPU per query, about a third of a page's CPU on the dashboard, the pair page and the
health page. Most of a page's queries have the same shape on every request and differ only
in values (a person's ids, a program, today). `prepared` builds such a query once, with
`Param` placeholders where the values go, keeps Django's compiled SQL and compiler, and on
each call binds the values and lets Django's own iterables turn the rows into models,
dicts or tuples, exactly as the plain QuerySet would.

    @prepared
    def my_open_actions():
        return NextAction.objects.filter(
            any_of("pair_id", Param("pairs", BigIntegerField(), many=True)), status="open"
        ).order_by("due_on")

    my_open_actions(pairs=[1, 2, 3])  # a list, as list(queryset) would give

Rules for a builder: take no arguments (values are Params), put Params only where a value
is compared (=, <, >=, ...; `any_of` for a list), not inside LIKE patterns or functions that
rewrite their argument; give an id's Param the column's type (BigIntegerField: on
PostgreSQL an IntegerField value is sent as a 32-bit integer). A compiled query is kept per
database alias and current time zone (time zone functions put its name in the SQL).
Django's iterables and compiler are used as Django 5.2 has them; tests/test_prepared.py
compares prepared rows with the plain QuerySet's, and compiles every prepared query.
"""

import copy
import functools
import json

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Expression, F, Func, Value
from django.utils import timezone


class _Slot:
    """Where a Param's value goes in the compiled parameters."""

    __slots__ = ("field", "many", "name")

    def __init__(self, name, field, many):
        self.name, self.field, self.many = name, field, many

    def bind(self, value, connection):
        prep = self.field.get_db_prep_value
        if not self.many:
            return prep(_clamped(value), connection, prepared=False)
        # A list is only ever searched (any_of): an integer no column can hold matches
        # nothing, so it is left out.
        values = [prep(v, connection, prepared=False) for v in value if _clamped(v) == v]
        # SQLite has no arrays: any_of reads a JSON list there (json_each).
        return values if connection.vendor == "postgresql" else json.dumps(values, default=str)


_INT64 = (-(2**63), 2**63 - 1)


def _clamped(value):
    """An integer beyond 64 bits (an id typed into a URL) as the nearest one a column can
    hold, which compares as it would with every stored id but the extreme one (that no
    sequence reaches); the databases refuse the value itself (SQLite) or cast the column
    to numeric and lose the index (PostgreSQL)."""
    if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
        return min(max(value, _INT64[0]), _INT64[1])
    return value


class Param(Expression):
    """A named value of a prepared query, compiled as one placeholder. `many`: a list, for
    any_of."""

    def __init__(self, name, output_field, many=False):
        super().__init__(output_field=output_field)
        self.name, self.many = name, many

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field, self.many)]

    def __repr__(self):
        return f"Param({self.name!r})"


class _AnyOf(Func):
    """`column = ANY(array)` on PostgreSQL, `column IN (json_each(list))` on SQLite."""

    output_field = BooleanField()

    def __init__(self, column, param):
        super().__init__(column, param)

    def as_sql(self, compiler, connection, **extra):
        column, param = (compiler.compile(e) for e in self.source_expressions)
        return f"{column[0]} = ANY({param[0]})", [*column[1], *param[1]]

    def as_sqlite(self, compiler, connection, **extra):
        column, param = (compiler.compile(e) for e in self.source_expressions)
        sql = f"{column[0]} IN (SELECT value FROM json_each({param[0]}))"  # noqa: S608 - compiled parts
        return sql, [*column[1], *param[1]]


def any_of(column, param):
    """A filter: `column` is one of the list `param` (a Param with many=True). One SQL
    shape whatever the list's length, where `__in` writes one placeholder per value."""
    return _AnyOf(F(column) if isinstance(column, str) else column, param)


def aggregate_row(queryset, **aggregates):
    """queryset.aggregate(**aggregates) as a QuerySet of one dict, for `prepared`."""
    return queryset.order_by().values(_row=Value(1)).annotate(**aggregates).values(*aggregates)


class _Compiled:
    __slots__ = ("compiler", "params", "queryset", "slots", "sql")

    def __init__(self, queryset, alias):
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(using=alias)
        try:
            self.sql, params = self.compiler.as_sql()
        except EmptyResultSet:
            self.sql, params = None, ()
        self.params = tuple(params)
        self.slots = tuple((i, p) for i, p in enumerate(params) if isinstance(p, _Slot))


class _Bound:
    """The builder's Query, answering get_compiler with this call's compiler (so Django's
    iterables read the rows of this call's SQL and values)."""

    def __init__(self, query, compiler):
        self._query, self._compiler = query, compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


class Prepared:
    every = []  # every prepared query of the project (tests compile each of them)

    def __init__(self, build):
        self.build = build
        self._compiled = {}
        functools.update_wrapper(self, build)
        Prepared.every.append(self)

    def compiled(self, alias=DEFAULT_DB_ALIAS):
        key = (alias, timezone.get_current_timezone_name())
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _Compiled(self.build().using(alias), alias)
        return found

    def bind(self, values, alias=DEFAULT_DB_ALIAS):
        """(sql, params) for these values."""
        compiled, connection = self.compiled(alias), connections[alias]
        params = list(compiled.params)
        for i, slot in compiled.slots:
            params[i] = slot.bind(values[slot.name], connection)
        return compiled.sql, params

    def __call__(self, **values):
        """The rows, as list(queryset) would give them."""
        alias = DEFAULT_DB_ALIAS
        compiled = self.compiled(alias)
        if compiled.sql is None:
            return []
        sql, params = self.bind(values, alias)
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[alias]
        compiler.as_sql = lambda *args, **kwargs: (sql, params)  # what execute_sql runs
        base = compiled.queryset
        queryset = base.__class__(model=base.model, query=_Bound(base.query, compiler), using=alias)
        queryset._iterable_class = base._iterable_class
        queryset._fields = base._fields
        queryset._prefetch_related_lookups = base._prefetch_related_lookups
        queryset._known_related_objects = base._known_related_objects
        return list(queryset)


def prepared(build):
    """Decorator: `build()` returns a QuerySet with Params; calling the result with the
    Params' values returns its rows."""
    return Prepared(build)


_ROWS = {}  # (sections, alias, time zone) -> the combined statement


def one_row(sections, values, alias=DEFAULT_DB_ALIAS):
    """{name: {column: value}} of one-row prepared queries (aggregate_row), read in one
    statement (one round trip); `values` holds every section's Params."""
    key = (tuple(sections.values()), alias, timezone.get_current_timezone_name())
    parts = [query.compiled(alias) for query in sections.values()]
    sql = _ROWS.get(key)
    if sql is None:
        joined = " CROSS JOIN ".join(f"({part.sql}) s{i}" for i, part in enumerate(parts))
        sql = _ROWS[key] = f"SELECT * FROM {joined}"  # noqa: S608 - compiled parts
    params = [p for query in sections.values() for p in query.bind(values, alias)[1]]
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    result, at = {}, 0
    for name, part in zip(sections, parts, strict=True):
        compiler = copy.copy(part.compiler)
        compiler.connection = connection
        columns = [s[0] for s in compiler.select[: compiler.col_count]]
        names = list(part.queryset.query.selected or part.queryset._fields)
        converted = compiler.apply_converters(
            [row[at : at + len(columns)]], compiler.get_converters(columns)
        )
        result[name] = dict(zip(names, next(iter(converted)), strict=True))
        at += len(columns)
    return result
