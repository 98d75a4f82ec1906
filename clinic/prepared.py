"""
Querysets turned into SQL once, then run many times with new values.

Django builds a queryset's SQL again on every evaluation. For the one query of a cached page that
is most of the request: building the condition page's lookup (two subquery annotations) costs
about 2 ms of CPU, running the SQL it produces about 0.07 ms. A `PreparedQuery` builds the SQL the
first time a thread needs it and afterwards only runs it, and turns rows into values and instances
with Django's own value converters and `Model.from_db`, exactly as a normal queryset would.

It runs the SQL on the database driver's own cursor, as Django's cursor would after its checks:
Django's cursor wrapper (health check, thread and async checks, execute wrappers, parameter-style
conversion on every call) was a third of the condition page's query (17 us against 11 us in a
tight loop, and about three times that in a loaded worker). What matters of it is kept: the health
check and (re)connection, the refusal to query inside a broken transaction, errors raised as
Django's own (`django.db.OperationalError` and the rest, which the site's outage page relies on),
and, whenever Django records queries (DEBUG, `django_assert_num_queries`), an entry in
`connection.queries` and the `django.db.backends` debug log line, so the query is counted.
Execute wrappers (`connection.execute_wrapper`) are not applied to prepared queries.
"""

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet

# A "%s" placeholder, not a literal "%%s" (the same rule as Django's SQLite backend).
_POSITIONAL = re.compile(r"(?<!%)%s")
logger = logging.getLogger("django.db.backends")  # where Django logs every query it runs


@dataclass(frozen=True, slots=True)
class _Compiled:
    alias: str
    sql: str  # as Django writes it ("%(p0)s" placeholders), for the query log
    driver_sql: str  # in the driver's own parameter style
    params: dict[str, Any]
    positions: dict[str, str]
    compiler: Any
    converters: dict
    model: type[Model]
    init_list: list[str]
    model_slice: slice
    annotations: dict[str, int]
    columns: dict[str, int]


class PreparedQuery:
    """A queryset whose SQL is built once per thread, then run with new parameter values.

    `build` receives a placeholder string for each name and must use each one exactly once, as a
    plain value (e.g. `filter(slug=slug)`), so that only the parameter changes from call to call,
    never the SQL. Calling the prepared query returns the model instances (with annotations), as
    `list(build(**values))` would; `rows()` returns the raw rows, and `instance()` turns one into
    a model instance only when it is needed.
    """

    def __init__(self, build: Callable[..., QuerySet], *names: str) -> None:
        self.build = build
        self.names = names
        self._local = threading.local()  # a compiler belongs to one thread's connection

    def __call__(self, **values: Any) -> list[Model]:
        return [self.instance(row) for row in self.rows(**values)]

    def rows(self, **values: Any) -> list[tuple]:
        """The rows as the database driver returns them, before Django converts any value: enough
        to tell whether anything changed, and the cheapest thing to get."""
        compiled = self._compiled()
        params = dict(compiled.params)
        for name, key in compiled.positions.items():
            params[key] = values[name]
        connection = connections[compiled.alias]
        # What Django's cursor() and execute() check first.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        connection.validate_no_broken_transaction()
        started = time.monotonic()
        with connection.wrap_database_errors:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(compiled.driver_sql, params)
                rows = cursor.fetchall()
                if connection.queries_logged:
                    self._log(connection, cursor, compiled.sql, params, time.monotonic() - started)
            finally:
                cursor.close()
        return rows

    @staticmethod
    def _log(connection, cursor, sql: str, params: dict, duration: float) -> None:
        """Record the query as Django's debug cursor does."""
        sql = connection.ops.last_executed_query(cursor, sql, params)
        connection.queries_log.append({"sql": sql, "time": f"{duration:.3f}"})
        logger.debug(
            "(%.3f) %s; args=%s; alias=%s",
            duration,
            sql,
            params,
            connection.alias,
            extra={"duration": duration, "sql": sql, "params": params, "alias": connection.alias},
        )

    def column(self, name: str) -> int:
        """Where a field (by attname) or annotation is in a row from `rows()`."""
        return self._compiled().columns[name]

    def convert(self, name: str, value: Any) -> Any:
        """A raw value of the column `name`, converted as Django would (e.g. into an aware datetime)."""
        compiled = self._compiled()
        converters, expression = compiled.converters.get(self.column(name), ((), None))
        for converter in converters:
            value = converter(value, expression, connections[compiled.alias])
        return value

    def instance(self, row: tuple) -> Model:
        """The model instance (with its annotations) for a raw row, as the queryset would give it."""
        compiled = self._compiled()
        if compiled.converters:
            row = next(compiled.compiler.apply_converters([row], compiled.converters))
        instance = compiled.model.from_db(compiled.alias, compiled.init_list, row[compiled.model_slice])
        for name, position in compiled.annotations.items():
            setattr(instance, name, row[position])
        return instance

    def _compiled(self) -> _Compiled:
        compiled = getattr(self._local, "compiled", None)
        if compiled is None:
            compiled = self._local.compiled = self._compile()
        return compiled

    def _compile(self) -> _Compiled:
        placeholders = {name: f"\x00prepared:{name}\x00" for name in self.names}
        queryset = self.build(**placeholders)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        # Named parameters ("%(p0)s" and a dict): every backend takes them, and SQLite's cursor
        # then fills them in with one %-format instead of a regular expression over the whole
        # statement (about a fifth of this query's cost).
        numbers = iter(range(len(params)))
        sql = _POSITIONAL.sub(lambda match: f"%(p{next(numbers)})s", sql)
        params = {f"p{number}": value for number, value in enumerate(params)}
        positions = {}
        for name, placeholder in placeholders.items():
            found = [key for key, value in params.items() if value == placeholder]
            if len(found) != 1:
                raise ValueError(f"{name!r} must appear exactly once as a plain parameter of the query.")
            positions[name] = found[0]
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        model_slice = slice(fields[0], fields[-1] + 1)
        init_list = [column[0].target.attname for column in select[model_slice]]
        if connections[queryset.db].vendor == "sqlite":
            # SQLite's driver takes ":name" (Django's SQLite cursor converts on every call).
            driver_sql = sql % {key: f":{key}" for key in params}
        else:
            driver_sql = sql  # psycopg takes "%(name)s" itself
        return _Compiled(
            alias=queryset.db,
            sql=sql,
            driver_sql=driver_sql,
            params=params,
            positions=positions,
            compiler=compiler,
            converters=compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
            model=klass_info["model"],
            init_list=init_list,
            model_slice=model_slice,
            annotations=dict(compiler.annotation_col_map),
            columns={
                **{name: model_slice.start + index for index, name in enumerate(init_list)},
                **compiler.annotation_col_map,
            },
        )
