"""Races on the allocation and the decision, on PostgreSQL, through the API with one test client
and one database session per thread and the app's own pool (10 connections, well under the
server's 100): R-ALLOC (the sum of proposed grants never exceeds the budget), R-RESULTS (one
decision, awards applied once, one results e-mail per organisation)."""
from __future__ import annotations

import json
import threading
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.core import db
from grants.core.audit import AuditEntry
from grants.core.outbox import OutboxEvent
from grants.offers.models import Offer
from grants.commissions import operations as rops
from reviewers.models import Commission
from tests.factories import make_user

from . import support

pytestmark = [pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose"), pytest.mark.timeout(120)]
BUDGET = Decimal("300000.00")


def _race(app, calls):
    """calls: [(method, url, json, headers)], all sent at once (a barrier), one client per thread."""
    barrier = threading.Barrier(len(calls))
    out: list = [None] * len(calls)

    def run(i, method, url, body, headers):
        client = app.test_client()
        barrier.wait(timeout=30)
        try:
            r = client.open(url, method=method, json=body, headers=headers)
            out[i] = (r.status_code, r.get_json())
        except Exception as e:  # noqa: BLE001 - reported by the assertions
            out[i] = (None, repr(e))

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return out


def _proposed(session, contest_id) -> dict[int, Decimal]:
    session.expire_all()
    return dict(session.execute(select(Offer.id, Offer.proposed_grant).where(Offer.contest_id == contest_id)).all())


def _officers(session, w, n):
    return [w.officer] + [make_user(session, "officer") for _ in range(n - 1)]


def test_r_alloc_concurrent_amount_edits_never_exceed_the_budget(app, session, api_token):
    """Eight officers at once each raise a different offer's amount by 20 000: each edit alone fits
    the budget, all together would exceed it by 20 000. Edits are serialised on the contest row, so
    seven are saved, the eighth is refused (422) and the total is exactly the budget."""
    w = support.build(session, real=8, members=3, grants={k: "40000.00" for k in range(8)},
                      points=lambda k, mid: 4, complete=True)
    support.close_scoring(session, w)
    com = session.get(Commission, w.commission_id)
    rops.set_amounts(session, w.officer, com, {oid: Decimal("20000.00") for oid in w.offer_ids})
    session.commit()
    assert sum(_proposed(session, w.contest_id).values()) == Decimal("160000.00")
    officers = _officers(session, w, 4)
    tokens = [api_token(u) for u in officers]
    audit_before = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "set_amounts"))
    db.session.remove()

    url = f"/api/v1/commissions/{w.commission_id}/allocation"
    calls = [("PATCH", url, {"amounts": {str(oid): "40000.00"}}, tokens[i % len(tokens)])
             for i, oid in enumerate(w.offer_ids)]
    results = _race(app, calls)

    statuses = Counter(status for status, _body in results)
    assert statuses == {200: 7, 422: 1}, results
    refused = next(body for status, body in results if status == 422)
    assert "budżet" in str(refused["errors"])
    for status, body in results:
        if status == 200:  # what each officer was told is a state within the budget
            assert sum(Decimal(v) for v in body["amounts"].values()) <= BUDGET
    s = db.session()
    proposed = _proposed(s, w.contest_id)
    assert sum(proposed.values()) == BUDGET
    assert sorted(proposed.values()) == [Decimal("20000.00")] + [Decimal("40000.00")] * 7
    assert s.scalar(select(func.count()).select_from(AuditEntry)
                    .where(AuditEntry.action == "set_amounts")) == audit_before + 7


def test_r_alloc_edits_racing_in_both_directions_keep_the_total_within_the_budget(app, session, api_token):
    """Eight edits at once, lowering and raising amounts by 40 000 with 40 000 of room: whatever
    order they are serialised in, no saved state exceeds the budget, every answer shows a state
    within it, and the final state is the one the last successful edit answered. (At most eight
    requests at once: the pool has ten connections, and a request holding the contest's lock may
    need a second one to refresh the business clock's offset.)"""
    w = support.build(session, real=6, members=3, grants={k: "50000.00" for k in range(6)},
                      points=lambda k, mid: 4, complete=True)
    support.close_scoring(session, w)
    com = session.get(Commission, w.commission_id)
    a, b, c = w.offer_ids[:3]
    start = {oid: Decimal("50000.00") for oid in w.offer_ids} | {c: Decimal("10000.00")}  # 260 000
    rops.set_amounts(session, w.officer, com, start)
    session.commit()
    tokens = [api_token(u) for u in _officers(session, w, 3)]
    db.session.remove()
    url = f"/api/v1/commissions/{w.commission_id}/allocation"
    edits = [{a: "10000.00"}, {c: "50000.00"}, {b: "10000.00"}, {a: "50000.00"},
             {b: "50000.00"}, {c: "10000.00"}, {a: "50000.00", b: "50000.00"}, {c: "50000.00"}]
    calls = [("PATCH", url, {"amounts": {str(k): v for k, v in e.items()}}, tokens[i % 3]) for i, e in enumerate(edits)]
    results = _race(app, calls)
    assert {status for status, _ in results} <= {200, 422}, results
    answers = [{int(k): Decimal(v) for k, v in body["amounts"].items()} for status, body in results if status == 200]
    assert answers, results
    assert all(sum(x.values()) <= BUDGET for x in answers)
    proposed = _proposed(db.session(), w.contest_id)
    assert sum(proposed.values()) <= BUDGET
    assert proposed in answers


def test_r_results_two_officers_deciding_at_once_one_decision(app, session, api_token):
    """Two officers of the department press "decide" at the same moment: one decision (200), the
    other is told the contest is already decided (409); every offer is selected or not selected
    once, with the proposed amount; one results e-mail per organisation."""
    w = support.build(session, real=3, members=3, grants={0: "40000.00", 1: "30000.00", 2: "9000.00"},
                      points=lambda k, mid: (5, 4, 1)[k], complete=True)
    support.close_scoring(session, w)
    com = session.get(Commission, w.commission_id)
    first, second, third = w.offer_ids
    rops.set_amounts(session, w.officer, com, {first: Decimal("35000.00")})  # a partial award (R-UPDATE)
    session.commit()
    support.approve(session, w)
    proposed = _proposed(session, w.contest_id)
    assert proposed == {first: Decimal("35000.00"), second: Decimal("30000.00"), third: Decimal("0.00")}
    numbers = {o.id: o.number for o in session.scalars(select(Offer).where(Offer.contest_id == w.contest_id))}
    other = make_user(session, "officer")
    tokens = [api_token(w.officer), api_token(other)]
    mails_before = set(session.scalars(select(OutboxEvent.id).where(OutboxEvent.topic == "email.send")))
    db.session.remove()

    url = f"/api/v1/contests/{w.contest_id}/transitions/decide"
    results = _race(app, [("POST", url, {}, tokens[0]), ("POST", url, {}, tokens[1])])

    assert sorted(status for status, _ in results) == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["status"] == 409
    s = db.session()
    s.expire_all()
    offers = {o.id: o for o in s.scalars(select(Offer).where(Offer.contest_id == w.contest_id))}
    assert {oid: o.state for oid, o in offers.items()} == {
        first: "update_required", second: "ready_for_agreement", third: "not_selected"}
    assert {oid: o.awarded_grant for oid, o in offers.items()} == {
        first: Decimal("35000.00"), second: Decimal("30000.00"), third: None}
    actions = Counter(s.execute(select(AuditEntry.object_id, AuditEntry.action).where(
        AuditEntry.object_type == "offer", AuditEntry.object_id.in_([str(i) for i in offers]),
        AuditEntry.action.in_(("select", "not_select", "confirm", "require_update")))).all())
    assert actions == {(str(first), "select"): 1, (str(first), "require_update"): 1,
                       (str(second), "select"): 1, (str(second), "confirm"): 1, (str(third), "not_select"): 1}
    assert s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "contest", AuditEntry.object_id == str(w.contest_id),
        AuditEntry.action == "decide")) == 1
    # the results mails go to the organisations' addresses (R-RESULTS); the members' own notifications
    # (grants.notifications) go to their accounts' addresses and are not counted here
    people = set(s.scalars(select(User.email)))
    mails = [json.loads(m.payload) for m in s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "email.send"))
             if m.id not in mails_before]
    mails = [m for m in mails if m["to"] not in people]
    per_offer = Counter(oid for m in mails for oid, n in numbers.items() if n in m["body"])
    assert per_offer == {first: 1, second: 1, third: 1}, mails
    assert len(mails) == 3  # one per organisation: each organisation submitted one offer
