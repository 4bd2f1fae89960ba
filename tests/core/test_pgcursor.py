"""grants.core.pgcursor: the cursor SQLAlchemy's PostgreSQL connections make describes a result
as psycopg does (psycopg's own Columns, every field of them), only when the description is read,
and of the result it was asked for, even when the cursor has run another statement since."""
from __future__ import annotations

import psycopg
import pytest

from grants.core import db
from grants.core.pgcursor import Cursor, Description

pytestmark = pytest.mark.postgres(reason="psycopg's cursor")

_QUERY = ("SELECT 1::int AS n, 'ż'::varchar(12) AS word, 12.50::numeric(10, 2) AS amount, "
          "now() AS at, '{}'::json AS doc, NULL::text AS nothing")


def _driver(session):
    return session.connection().connection.driver_connection


def test_the_engine_makes_this_cursor(session):
    assert isinstance(_driver(session).cursor(), Cursor)
    session.rollback()


def test_description_as_psycopg_gives_it(session):
    conn = _driver(session)
    with psycopg.Cursor(conn) as theirs, conn.cursor() as ours:
        theirs.execute(_QUERY)
        ours.execute(_QUERY)
        expected, got = theirs.description, ours.description
        assert isinstance(got, Description) and len(got) == len(expected) == 6
        assert [tuple(c) for c in got] == [tuple(c) for c in expected]  # name, type, sizes, precision, scale…
        assert [c.type_display for c in got] == [c.type_display for c in expected]
        assert [c.name for c in got[1:3]] == ["word", "amount"] and isinstance(got[0], psycopg.Column)
    session.rollback()


def test_description_stays_that_of_its_result(session):
    conn = _driver(session)
    with conn.cursor() as cur:
        cur.execute(_QUERY)
        first = cur.description  # not read yet
        cur.execute("SELECT 2 AS other")
        assert [c.name for c in first] == ["n", "word", "amount", "at", "doc", "nothing"]
        assert [c.name for c in cur.description] == ["other"]
    session.rollback()


def test_no_columns_and_no_result(session):
    conn = _driver(session)
    with conn.cursor() as cur, psycopg.Cursor(conn) as theirs:
        cur.execute("SELECT")
        theirs.execute("SELECT")
        assert list(cur.description) == theirs.description == []
        cur.execute("SET LOCAL statement_timeout = 0")
        theirs.execute("SET LOCAL statement_timeout = 0")
        assert cur.description is None and theirs.description is None
    session.rollback()


def test_rows_through_sqlalchemy_unchanged(session):
    from sqlalchemy import text

    row = session.execute(text(_QUERY)).one()
    assert row.n == 1 and row.word == "ż" and str(row.amount) == "12.50" and row.doc == {} and row.nothing is None
    assert db.get_engine().dialect.driver == "psycopg"
    session.rollback()
