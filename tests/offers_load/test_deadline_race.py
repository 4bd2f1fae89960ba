"""200 organisations submit in the last moment before the deadline, concurrently, on PostgreSQL,
through the app's connection pool (10 connections, well under the server's 100): R-OFF-DEADLINE,
R-OFF-RECEIPT, idempotent double submissions."""
from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from flask import g, request_finished
from sqlalchemy import func, select

from grants.core import clock
from grants.core.audit import AuditEntry
from grants.core.outbox import OutboxEvent
from grants.offers.models import Offer, OfferRevision
from tests.factories import make_contest, offer_content
from tests.offers_load import bulk

N = 200
LEAD = 3.0  # seconds between the start of the run and the deadline
KEYED_TWINS = 10  # offers of the early half submitted twice at once with one Idempotency-Key
CLICK_TWINS = 10  # ... and twice at once without a key (a double click)


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
@pytest.mark.timeout(120)
def test_r_off_deadline_200_organisations_submit_concurrently_in_the_last_moment(app, session, make_user, clock_at):
    from grants.core import db
    officer = make_user("officer")
    contest = make_contest(session, officer)
    content = offer_content(contest)
    org_ids = bulk.organisations(session, N)
    people = bulk.applicants(session, org_ids)
    offer_ids = bulk.offers(session, [(contest.id, o) for o in org_ids], content)
    session.commit()
    deadline = contest.deadline
    early, late = offer_ids[: N // 2], offer_ids[N // 2:]
    token_of = {oid: tok for oid, (_uid, tok) in zip(offer_ids, people)}
    audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    outbox_before = session.scalar(select(func.count()).select_from(OutboxEvent))
    session.close()

    # business time: the deadline is LEAD seconds away (the clock keeps running from there)
    clock_at(deadline - timedelta(seconds=LEAD))

    received: dict[int, list] = {}  # thread id -> the received_at of its request (the app's own record)

    def record(sender, response, **extra):
        received.setdefault(threading.get_ident(), []).append(g.get("received_at"))

    results: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(N + KEYED_TWINS + CLICK_TWINS + 1)
    after_deadline = threading.Event()

    def submit(oid: int, key: str | None, wait_for_deadline: bool):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token_of[oid]}"}
        if key:
            headers["Idempotency-Key"] = key
        start.wait()
        if wait_for_deadline:
            after_deadline.wait()
        r = client.post(f"/api/v1/offers/{oid}/transitions/submit", json={}, headers=headers)
        with lock:
            results.append({"offer": oid, "status": r.status_code, "body": r.get_json(),
                            "received_at": received.get(threading.get_ident(), [None])[-1]})

    jobs = [(oid, f"k-{oid}" if i < KEYED_TWINS else None, False) for i, oid in enumerate(early)]
    jobs += [(oid, f"k-{oid}", False) for oid in early[:KEYED_TWINS]]
    jobs += [(oid, None, False) for oid in early[KEYED_TWINS:KEYED_TWINS + CLICK_TWINS]]
    jobs += [(oid, None, True) for oid in late]
    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    engine = db.get_engine()
    max_checked_out = 0
    request_finished.connect(record, app)
    t0 = time.monotonic()
    try:
        for t in threads:
            t.start()
        start.wait()
        while clock.now() <= deadline + timedelta(milliseconds=50):
            max_checked_out = max(max_checked_out, engine.pool.checkedout())
            time.sleep(0.005)
        after_deadline.set()
        while any(t.is_alive() for t in threads):
            max_checked_out = max(max_checked_out, engine.pool.checkedout())
            time.sleep(0.005)
        for t in threads:
            t.join()
    finally:
        request_finished.disconnect(record, app)
    elapsed = time.monotonic() - t0

    assert len(results) == len(jobs), "a request was lost"
    assert max_checked_out <= engine.pool.size() + engine.pool._max_overflow <= 20
    # every request's own record of when it was received decides: at or before the deadline → accepted
    assert all(r["received_at"] is not None for r in results)
    on_time = [r for r in results if r["received_at"] <= deadline]
    too_late = [r for r in results if r["received_at"] > deadline]
    assert {r["offer"] for r in on_time} == set(early), f"early half not all received before the deadline ({elapsed:.1f} s)"
    assert {r["offer"] for r in too_late} == set(late)

    # on time: one success per offer, the keyed twin replays the same receipt, the clicked twin is a 409
    by_offer: dict[int, list[dict]] = {}
    for r in on_time:
        by_offer.setdefault(r["offer"], []).append(r)
    receipts = {}
    for oid, rs in by_offer.items():
        ok = [r for r in rs if r["status"] == 200]
        assert ok, rs
        assert len({str(r["body"]["receipt"]) for r in ok}) == 1, rs  # a replay returns the same receipt
        others = [r for r in rs if r["status"] != 200]
        assert all(r["status"] == 409 for r in others), others
        if oid in early[:KEYED_TWINS]:
            assert len(ok) == 2  # both twins with the key get the first result
        elif oid in early[KEYED_TWINS:KEYED_TWINS + CLICK_TWINS]:
            assert len(ok) == 1 and len(others) == 1
        receipts[oid] = ok[0]["body"]["receipt"]
    # too late: refused with the rule's message, nothing stored
    for r in too_late:
        assert r["status"] == 422, r
        assert "R-OFF-DEADLINE" in r["body"]["type"] + r["body"]["detail"]
        assert "Termin składania ofert minął" in r["body"]["detail"]

    s = db.session()
    offers = {o.id: o for o in s.scalars(select(Offer).where(Offer.contest_id == contest.id))}
    assert len(offers) == N  # nothing lost, nothing added
    assert Counter(o.state for o in offers.values()) == {"submitted": N // 2, "draft": N // 2}
    revs = s.execute(select(OfferRevision.offer_id, func.count()).group_by(OfferRevision.offer_id)).all()
    assert dict(revs) == {oid: 1 for oid in early}  # stored exactly once each
    numbers = [offers[oid].number for oid in early]
    assert None not in numbers and len(set(numbers)) == len(early)
    for oid in early:
        o = offers[oid]
        assert o.revision_count == 1 and o.receipt == receipts[oid]
        assert o.submitted_at <= deadline and o.receipt["number"] == o.number
        assert len(o.receipt["sha256"]) == 64
    rev_hash = dict(s.execute(select(OfferRevision.offer_id, OfferRevision.content_hash)).all())
    assert all(rev_hash[oid] == receipts[oid]["sha256"] for oid in early)
    for oid in late:
        o = offers[oid]
        assert o.number is None and o.receipt is None and o.revision_count == 0 and o.submitted_at is None
    # the audit: exactly one submit entry per accepted offer, none for a refused one
    submits = Counter(s.scalars(select(AuditEntry.object_id).where(AuditEntry.object_type == "offer",
                                                                 AuditEntry.action == "submit")))
    assert submits == Counter({str(oid): 1 for oid in early})
    assert s.scalar(select(func.count()).select_from(AuditEntry)) == audit_before + len(early)
    assert s.scalar(select(func.count()).select_from(OutboxEvent)) == outbox_before + len(early)
    assert elapsed < 60
