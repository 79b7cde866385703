"""Core statements compiled once per dialect and run straight on the driver's cursor.

Every append runs the same handful of statements. Through ``Connection.execute`` each one
costs 15-40 microseconds of SQLAlchemy machinery (cache key, compiled-cache lookup,
parameter processing, events, result set-up): together more than SQLite needs to write the
row (issue 18). A :class:`Prepared` statement does that work once: the statement is still
written as a Core expression against the models (so the SQL follows the schema), compiled by
the connection's own dialect, and each value is converted by the column type's own bind
processor (``UTCDateTime``, ``JSON``), so the driver receives exactly what
``Connection.execute`` would send. It runs in the caller's transaction, on the session's
connection; driver errors are wrapped as SQLAlchemy's ``DBAPIError`` (the connection is
invalidated on a disconnect), so ``Database.transaction`` translates them as before.

Only for statements whose results need no conversion (integers and strings): rows come back
as the driver gives them. Engine events (``before_cursor_execute``) and echo logging do not
see these statements; nothing in War Room listens to them for writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ClauseElement


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    #: parameter names in placeholder order (qmark, numeric), or None (named styles)
    order: tuple[str, ...] | None
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]


class Prepared:
    """One Core statement, compiled once per dialect; run with :meth:`execute`."""

    def __init__(self, statement: ClauseElement) -> None:
        self._statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def sql(self, dialect: Dialect) -> str:
        """Return the SQL text the driver receives on ``dialect`` (for tests and logs)."""
        return self._for(dialect).sql

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """Run the statement; return its first row (a tuple), or None. The cursor is closed:
        no statement stays open until the commit."""
        cursor = self._execute(connection, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    def run(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Run the statement; return how many rows it changed."""
        cursor = self._execute(connection, params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def _execute(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        compiled = self._for(connection.dialect)
        values = dict(params)
        for name, process in compiled.processors:
            values[name] = process(values[name])
        arguments: Any = values if compiled.order is None else [values[n] for n in compiled.order]
        raw: Any = connection.connection.dbapi_connection
        cursor = raw.cursor()
        try:
            cursor.execute(compiled.sql, arguments)
        except connection.dialect.loaded_dbapi.Error as error:
            cursor.close()
            raise _wrapped(connection, compiled.sql, arguments, error) from error
        return cursor

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _compile(self._statement, dialect)
        return compiled


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect)
    processors = []
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((name, process))
    order = tuple(compiled.positiontup) if compiled.positional else None
    return _Compiled(sql=compiled.string, order=order, processors=tuple(processors))


def _wrapped(connection: Connection, sql: str, arguments: Any, error: BaseException) -> Exception:
    """Wrap a driver error as ``Connection.execute`` would (invalidating a lost connection)."""
    dialect = connection.dialect
    driver_error: Any = error  # a DB-API Error, which the stubs type as their own class
    lost = dialect.is_disconnect(driver_error, connection.connection.dbapi_connection, None)
    if lost:
        connection.invalidate(driver_error)
    wrapped: Exception = DBAPIError.instance(
        sql,
        arguments,
        driver_error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=lost,
        dialect=dialect,
    )
    return wrapped
