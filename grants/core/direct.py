"""Statements compiled once and sent on the driver's own cursor, for the few hot paths (the workflow
engine's read and write) where SQLAlchemy's execution machinery costs more CPU than the database
spends on the statement: building a result's description, the parameters' processing, the
compiled cache's lookup. The statement is still written as Core and compiled by SQLAlchemy for
the session's dialect; its bind and result processors are SQLAlchemy's own, applied here.

Listeners of the engine's `before_cursor_execute` (statement counts in tests, logging) are told
of each statement as SQLAlchemy would tell them."""
from __future__ import annotations

import re
from typing import Any

import psycopg
from sqlalchemy import bindparam
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session


class Direct:
    """One Core statement compiled for one dialect: `rows(session, params)` sends it in the
    session's transaction and returns its rows as tuples, each value as SQLAlchemy would give it
    (none for a statement that returns no rows)."""

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.statement = statement
        # positional parameters or ones rendered per call (an IN list): SQLAlchemy sends it
        self.plain = not compiled.positional and not compiled.post_compile_params
        self.sql = compiled.string
        self.dialect = dialect
        self.defaults = compiled.construct_params(escape_names=False, _check=False)  # values bound in the statement
        self.processors = dict(compiled._bind_processors)
        self.escaped = dict(compiled.escaped_bind_names or {})
        self.types = [column[3] for column in compiled._result_columns]
        self._loaders: list | None = None  # result processors, known once a result's types are
        # psycopg: the statement with PostgreSQL's own numbered parameters, sent on a raw cursor, so
        # the driver does not parse it again on each call (it keeps its parse only of short statements,
        # and the engine's write is long)
        self.numbered, self.order = _numbered(self.sql) if self.plain and dialect.driver == "psycopg" else (None, ())

    def params(self, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(self.defaults)
        out.update(values)
        for name, process in self.processors.items():
            if name in out:
                out[name] = process(out[name])
        if self.escaped:
            out = {self.escaped.get(k, k): v for k, v in out.items()}
        return out

    def rows(self, session: Session, values: dict[str, Any], connection=None) -> list[tuple]:
        """`connection`: the session's, when the caller has it already (asking the session costs)."""
        if connection is None:
            connection = session.connection()
        if not self.plain:
            result = connection.execute(self.statement, values)
            return [tuple(r) for r in result] if result.returns_rows else []
        params = self.params(values)
        driver = connection.connection.driver_connection
        cursor = driver.cursor() if self.numbered is None else psycopg.RawCursor(driver)
        try:
            if connection.dispatch.before_cursor_execute:
                connection.dispatch.before_cursor_execute(connection, cursor, self.sql, params, None, False)
            try:
                if self.numbered is None:
                    cursor.execute(self.sql, params)
                else:
                    cursor.execute(self.numbered, [params[name] for name in self.order])
                rows = cursor.fetchall() if self.types else []  # a statement without RETURNING has none
            except connection.dialect.loaded_dbapi.Error as e:
                raise _wrapped(connection, cursor, self.sql, params, e) from e
            if not rows:
                return rows
            loaders = self._loaders
            if loaders is None:
                loaders = self._loaders = [
                    t._cached_result_processor(self.dialect, d.type_code) for t, d in zip(self.types, cursor.description)]
            if any(loaders):
                rows = [tuple(v if f is None else f(v) for f, v in zip(loaders, row)) for row in rows]
            return rows
        finally:
            cursor.close()


def parameters(table, columns, prefix: str = "", suffix: str = "") -> dict[str, Any]:
    """{column: a parameter named prefix + column + suffix, of the column's type}, in the order of
    `columns`: a row of `table` as the named parameters of a statement built once."""
    return {c: bindparam(prefix + c + suffix, type_=table.c[c].type) for c in columns}


_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s|%%")


def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """A statement compiled with named parameters ("%(name)s", "%%" for "%") with PostgreSQL's
    numbered ones ($1, a name used twice is one number) instead, and the names in their order."""
    order: dict[str, int] = {}

    def number(m: re.Match) -> str:
        if m.group(1) is None:
            return "%"
        return f"${order.setdefault(m.group(1), len(order) + 1)}"

    return _PLACEHOLDER.sub(number, sql), tuple(order)


def _wrapped(connection, cursor, sql: str, params: dict, error: Exception) -> sa_exc.DBAPIError:
    """The driver's error as SQLAlchemy would raise it (IntegrityError, OperationalError…: what
    callers and grants.core.db.is_unavailable look for), the connection invalidated when it is
    gone, so that the pool does not hand it out again."""
    dialect = connection.dialect
    gone = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if gone:
        connection.invalidate(error)
    return sa_exc.DBAPIError.instance(sql, params, error, dialect.loaded_dbapi.Error, connection_invalidated=gone,
                                      dialect=dialect)


_COMPILED: dict[tuple[int, str], tuple[Any, Direct]] = {}


def direct(statement, dialect) -> Direct:
    """The statement compiled once per dialect (kept by identity: build each statement once)."""
    key = (id(statement), dialect.name)
    kept = _COMPILED.get(key)
    if kept is None or kept[0] is not statement:
        if len(_COMPILED) > 512:  # statements built per call come and go: keep the store small
            _COMPILED.clear()
        kept = _COMPILED[key] = (statement, Direct(statement, dialect))
    return kept[1]
