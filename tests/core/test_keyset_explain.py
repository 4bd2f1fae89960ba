"""Lists that do not grow with the data (issue 20): on a national-style set (bench/seed_national.py at
2 %: 1,000 contests, 20,000 offers, 100,000 audit entries, ANALYZEd so the planner has real
statistics), the main list queries read through an index, page 1 and a page reached by key alike:
no sequential scan of contests, offers or audit entries, and no scan that reads a quarter of one
(EXPLAIN ANALYZE: an index scan walking the whole table with a filter counts as reading it). The statements are captured as the app's
own code sends them (the same `visible()` queries and grants.core.keyset), then EXPLAINed."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from bench.seed_national import seed
from grants.accounts import admin as admin_ops
from grants.accounts import directory
from grants.accounts.models import User
from grants.contests import operations as cops
from grants.contests.models import Contest
from grants.core import audit, db, keyset
from grants.notifications import audiences
from grants.notifications import operations as nops
from grants.offers import operations as oops
from grants.offers.models import Offer
from reviewers.scoring import Board
from tests.conftest import wipe

pytestmark = pytest.mark.postgres(reason="EXPLAIN of PostgreSQL's plans on a set large enough for its planner")

BIG = ("contests", "offers", "audit_entries", "notifications", "audit_seals", "users")
CONTEST_ORDER = (Contest.deadline.desc().nulls_last(), Contest.id.desc())


def _seed() -> None:
    """The set, in the test's database (emptied first; every test's end empties it again)."""
    wipe()
    url = db.get_engine().url.set(drivername="postgresql").render_as_string(hide_password=False)
    seed(url, 0.02)
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))


def _captured(run) -> list[tuple[str, dict]]:
    """The SELECTs `run(session)` sends, with their parameters."""
    engine = db.get_engine()
    seen = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))
    event.listen(engine, "before_cursor_execute", grab)
    try:
        with Session(engine) as s:
            run(s)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return seen


def _plans(run) -> list[dict]:
    """Each captured statement's executed plan (EXPLAIN ANALYZE, JSON)."""
    plans = []
    with db.get_engine().connect() as c:
        raw = c.connection.dbapi_connection
        for statement, parameters in _captured(run):
            with raw.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
                plans.append({"sql": statement, "plan": cur.fetchone()[0][0]["Plan"]})
        sizes = {t: c.scalar(text(f"SELECT count(*) FROM {t}")) for t in BIG}
    assert plans
    for p in plans:
        p["sizes"] = sizes
    return plans


def _nodes(node):
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _reads_little(plans: list[dict]) -> None:
    """No sequential scan of a big table, and no scan of one that reads (returns or filters out) a
    quarter of its rows: a page must cost what a page costs, not what the table holds."""
    for p in plans:
        for n in _nodes(p["plan"]):
            table = n.get("Relation Name")
            if table not in BIG or n.get("Actual Loops") == 0:  # a branch never run reads nothing
                continue
            assert n["Node Type"] != "Seq Scan", (p["sql"], n)
            loops = n.get("Actual Loops", 1)
            read = (n.get("Actual Rows", 0) + n.get("Rows Removed by Filter", 0)) * loops
            assert read < p["sizes"][table] / 4, (p["sql"], n["Node Type"], table, read, p["sizes"][table])


def _index_names(plans: list[dict]) -> set[str]:
    return {n.get("Index Name") for p in plans for n in _nodes(p["plan"])} - {None}


def _more(member_email: str) -> None:
    """What the national generator leaves out, added by SQL: 60,000 notifications (half of them one
    NGO member's, a third of those unread), 20,000 audit seals; then ANALYZE."""
    with db.get_engine().begin() as c:
        member = c.scalar(text("SELECT id FROM users WHERE email = :e"), {"e": member_email})
        users = c.scalar(text("SELECT max(id) FROM users"))
        c.execute(text(
            "INSERT INTO notifications (user_id, kind, category, params, created_at, read_at, delivery) "
            "SELECT CASE WHEN g % 2 = 0 THEN :member ELSE 1 + g % :users END, 'offer_received', 'offers', '{}', "
            "now() - make_interval(mins => g / 3), CASE WHEN g % 3 = 0 THEN NULL ELSE now() END, 'none' "
            "FROM generate_series(1, 60000) g"), {"member": member, "users": users})
        c.execute(text(
            "INSERT INTO audit_seals (created_at, last_entry_id, heads, prev_hash, hash) "
            "SELECT now() - make_interval(mins => 20000 - g), g, '{}', md5((g - 1)::text), md5(g::text) "
            "FROM generate_series(1, 20000) g"))
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE notifications, audit_seals"))


def _walk(s: Session, q, order, pages: int = 3, per_page: int = 50) -> None:
    cursor = None
    for _n in range(pages):
        rows, cursor = keyset.page_after(s, q, order, cursor, per_page)
        assert rows and cursor


def _user(s: Session, email: str) -> User:
    return s.scalars(select(User).where(User.email == email)).one()


def test_main_lists_read_through_an_index_on_a_national_style_set(app):
    """One test, one set (seeding takes a while): every list query of the checks below."""
    _seed()
    # the public contest list (/contests/): page 1 and pages reached by key, by the deadline's index
    plans = _plans(lambda s: _walk(s, cops.visible(select(Contest), None), CONTEST_ORDER))
    _reads_little(plans)
    assert "ix_contests_deadline_id" in _index_names(plans)

    def api_lists(s):  # GET /api/v1/contests, and /api/v1/offers as an officer, by id
        _walk(s, cops.visible(select(Contest), None), (Contest.id,))
        officer = _user(s, "officer1@g0001.example")
        _walk(s, oops.visible(select(Offer), officer), (Offer.id,), pages=2, per_page=20)
    _reads_little(_plans(api_lists))

    def member_and_audit(s):  # an NGO member's offers; an object's audit history
        member = _user(s, "member1@ngo.example")
        keyset.page_after(s, oops.visible(select(Offer), member), (Offer.id.desc(),), None, 50)
        audit.history(s, "offer", 1234)
        audit.history(s, "contest", 17)
    _reads_little(_plans(member_and_audit))

    # the lists walked by key since (issue 20): the inbox (all, unread), the audit seals, the admin's
    # users, the people directory, the commission page's offers of the largest contest
    _more("member1@ngo.example")
    with Session(db.get_engine()) as s:  # the contest with most offers (outside what is EXPLAINed)
        contest_id = s.scalar(select(Offer.contest_id).group_by(Offer.contest_id)
                              .order_by(func.count().desc()).limit(1))

    def second_round(s):
        member = _user(s, "member1@ngo.example")
        _walk(s, nops.inbox(member), nops.INBOX_ORDER)
        _walk(s, nops.inbox(member, unread_only=True), nops.INBOX_ORDER)
        _walk(s, audit.seals_query(), audit.SEALS_ORDER)
        admin = _user(s, "admin@g0001.example")
        _walk(s, admin_ops.users(admin), admin_ops.ORDER)
        _walk(s, directory.search(_user(s, "officer1@g0001.example"), None, ""), directory.ORDER)
        commission = SimpleNamespace(id=0, contest_id=contest_id)
        keyset.page_after(s, Board(s, commission).scored().query(), (Offer.id,), None, 50)
    plans = _plans(second_round)
    _reads_little(plans)
    assert {"ix_notifications_user_created", "pk_audit_seals", "uq_users_email", "ix_users_full_name_id",
            "ix_offers_contest_id"} <= _index_names(plans), _index_names(plans)

    def told_of_a_submission(s):  # who a submission tells (read in the engine's write): the
        offer = s.get(Offer, 1234)  # contest department's officers and the organisation's members
        for audience in (audiences.OFFICERS, audiences.ORGANISATION):
            q, _variant, params = audiences.selection(audience, offer)
            s.execute(q, params).all()
    plans = _plans(told_of_a_submission)
    _reads_little(plans)
    assert "ix_users_department_id" in _index_names(plans), _index_names(plans)
