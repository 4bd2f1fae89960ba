"""grants.core.direct: a Core statement compiled once and sent on the driver's cursor gives the
rows SQLAlchemy would give (its bind and result processors applied), tells the engine's
listeners, and leaves a statement with an IN list to SQLAlchemy."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, event, select

from grants.consultations.models import Consultation
from grants.core import db
from grants.core.direct import direct

from tests.workflows.support import new_consultation

pytestmark = pytest.mark.postgres(reason="sends on psycopg's own cursor (the engine's hot path is PostgreSQL's)")


def test_rows_are_as_sqlalchemy_gives_them(session, make_user):
    officer = make_user("officer")
    c = new_consultation(session, officer)
    q = select(Consultation.id, Consultation.title, Consultation.starts_at).where(
        Consultation.id == bindparam("pk"), Consultation.starts_at > bindparam("after", type_=Consultation.starts_at.type))
    sent = []
    listener = (lambda _c, _cur, statement, *_a: sent.append(statement))
    event.listen(db.get_engine(), "before_cursor_execute", listener)
    try:
        rows = direct(q, session.bind.dialect).rows(session, {"pk": c.id, "after": datetime(2000, 1, 1, tzinfo=timezone.utc)})
    finally:
        event.remove(db.get_engine(), "before_cursor_execute", listener)
    assert rows == [tuple(session.execute(q, {"pk": c.id, "after": datetime(2000, 1, 1, tzinfo=timezone.utc)}).one())]
    assert rows[0][2].tzinfo is timezone.utc and len(sent) == 1
    # the bind processor refuses a naive datetime as SQLAlchemy does
    with pytest.raises(ValueError):
        direct(q, session.bind.dialect).rows(session, {"pk": c.id, "after": datetime(2000, 1, 1)})
    session.rollback()


def test_a_statement_with_an_in_list_is_sent_by_sqlalchemy(session, make_user):
    officer = make_user("officer")
    ids = [new_consultation(session, officer, title=f"K{i}", starts_in=timedelta(hours=i + 1)).id for i in range(3)]
    q = select(Consultation.id).where(Consultation.id.in_(ids[:2])).order_by(Consultation.id)
    d = direct(q, session.bind.dialect)
    assert not d.plain and d.rows(session, {}) == [(ids[0],), (ids[1],)]
    assert direct(q, session.bind.dialect) is d  # compiled once


def test_a_database_error_is_raised_as_sqlalchemy_raises_it(session, make_user):
    """Callers catch SQLAlchemy's IntegrityError (a concurrent twin) and grants.core.db.is_unavailable
    reads its OperationalError: the driver's own error would pass both by."""
    from sqlalchemy import exc, insert

    from grants.registry.models import Grantor

    make_user("officer")
    existing = session.scalars(select(Grantor)).first()
    q = insert(Grantor).values(code=bindparam("code"), name=bindparam("name"))
    with pytest.raises(exc.IntegrityError):
        direct(q, session.bind.dialect).rows(session, {"code": existing.code, "name": "Drugi raz"})
    session.rollback()


def test_numbered_parameters_once_per_name_and_percent_kept():
    """psycopg sends the statement as compiled once, with PostgreSQL's own $n: a name used twice is
    one parameter, and a literal "%" (compiled as "%%") stays one "%"."""
    from grants.core.direct import _numbered

    sql, order = _numbered("SELECT %(a)s, %(b_1)s, %(a)s WHERE x LIKE '10%%' AND y = %(c)s")
    assert sql == "SELECT $1, $2, $1 WHERE x LIKE '10%' AND y = $3" and order == ("a", "b_1", "c")


def test_a_parameter_used_twice_and_a_percent_reach_the_database(session, make_user):
    from sqlalchemy import String, func, literal_column

    officer = make_user("officer")
    c = new_consultation(session, officer, title="Sto procent")
    q = select(Consultation.id, func.concat(bindparam("word", type_=String()), literal_column("'%'"),
                                                bindparam("word", type_=String()))).where(
        Consultation.id == bindparam("pk"), Consultation.title.like("%procent"))
    d = direct(q, session.bind.dialect)
    assert "'%%'" in d.sql and "'%'" in d.numbered
    assert d.rows(session, {"pk": c.id, "word": "x"}) == [(c.id, "x%x")]
    session.rollback()
