"""psycopg's cursor, its `description` built when it is read rather than on every statement.

psycopg makes a Column object for each column of each result as soon as `description` is asked
for, and SQLAlchemy asks after every statement; for a statement it has run before, it then reads
nothing of it (the compiled statement keeps its result's layout). An offer's load has 87 columns,
so each submission built some 125 Columns to throw away: about 3 % of its CPU (issue 20;
psycopg/psycopg#446, #1240). The Columns made here, when read, are psycopg's own, of the result
as it was when described."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.pq import ExecStatus

# the statuses with which psycopg describes a result that has no columns ("SELECT ;")
_TUPLES = frozenset(getattr(ExecStatus, s) for s in ("TUPLES_OK", "SINGLE_TUPLE", "TUPLES_CHUNK") if hasattr(ExecStatus, s))


class _Described:
    """What a psycopg Column reads of its cursor, as it was when the result was described (the
    cursor may run another statement before anyone reads the description)."""

    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, cursor: psycopg.Cursor, result) -> None:
        self.pgresult = result
        self._encoding = cursor._encoding
        self.adapters = cursor.adapters


class Description(Sequence):
    """A result's description: psycopg's Columns, made on first reading."""

    __slots__ = ("_source", "_n", "_columns")

    def __init__(self, cursor: psycopg.Cursor, result) -> None:
        self._source = _Described(cursor, result)
        self._n = result.nfields
        self._columns: list[psycopg.Column] | None = None

    def _made(self) -> list[psycopg.Column]:
        if self._columns is None:
            self._columns = [psycopg.Column(self._source, i) for i in range(self._n)]  # type: ignore[arg-type]
        return self._columns

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: Any) -> Any:
        return self._made()[index]

    def __repr__(self) -> str:
        return repr(self._made())


class Cursor(psycopg.Cursor):
    """The cursor SQLAlchemy's connections make (`cursor_factory`)."""

    @property
    def description(self) -> Description | None:
        result = self.pgresult
        if result and (result.nfields or result.status in _TUPLES):
            return Description(self, result)
        return None
