"""The decision's budget guard (R-ALLOC) reads the sum of the proposed grants exactly: Money is
whole grosze in a BIGINT, the sum comes back as PLN. One grosz over the budget is refused with
nothing changed; exactly the budget is decided. Runs on PostgreSQL and on SQLite."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select, update

from grants.contests.models import Contest
from grants.core import db
from grants.core.audit import AuditEntry
from grants.core.outbox import OutboxEvent
from grants.offers.models import Offer

from . import support


def _decided_world(session):
    w = support.build(session, real=3, members=3, grants={0: "40000.00", 1: "30000.00", 2: "9000.05"},
                      points=lambda k, mid: 4, complete=True)
    support.close_scoring(session, w)
    support.approve(session, w)
    return w


def _snapshot(session, w):
    session.expire_all()
    return {
        "contest": session.scalar(select(Contest.state).where(Contest.id == w.contest_id)),
        "offers": sorted(session.execute(select(Offer.id, Offer.state, Offer.awarded_grant)
                                         .where(Offer.contest_id == w.contest_id)).all()),
        "mails": session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.topic == "email.send")),
        "audit": session.scalar(select(func.count()).select_from(AuditEntry)),
    }


def test_r_alloc_decide_refuses_a_grosz_over_the_budget_and_accepts_exactly_the_budget(app, session, api_token):
    w = _decided_world(session)
    proposed = dict(session.execute(select(Offer.id, Offer.proposed_grant).where(Offer.contest_id == w.contest_id)).all())
    total = sum(proposed.values())
    assert total == Decimal("79000.05")  # the default proposal: every offer passed, the full amounts
    h = api_token(w.officer)
    client = app.test_client()
    url = f"/api/v1/contests/{w.contest_id}/transitions/decide"

    session.execute(update(Contest).where(Contest.id == w.contest_id).values(budget=total - Decimal("0.01")))
    session.commit()
    before = _snapshot(session, w)
    db.session.remove()
    r = client.post(url, json={}, headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)
    body = r.get_json()
    assert body["detail"] == ("R-ALLOC: Suma proponowanych dotacji (79\u00a0000,05 zł) przekracza budżet konkursu "
                              "(79\u00a0000,04 zł)."), body
    assert _snapshot(db.session(), w) == before  # nothing changed: no award, no e-mail, no audit entry

    db.session.execute(update(Contest).where(Contest.id == w.contest_id).values(budget=total))
    db.session.commit()
    db.session.remove()
    r = client.post(url, json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    s = db.session()
    s.expire_all()
    awarded = dict(s.execute(select(Offer.id, Offer.awarded_grant).where(Offer.contest_id == w.contest_id)).all())
    assert awarded == proposed


def test_r_alloc_decide_counts_only_the_offers_it_awards(app, session, api_token):
    """A proposal left on an offer that is no longer eligible (withdrawn after scoring) is not
    awarded by the decision, so it does not count against the budget either."""
    w = _decided_world(session)
    withdrawn = w.offer_ids[0]
    session.execute(update(Offer).where(Offer.id == withdrawn).values(state="withdrawn"))
    session.execute(update(Contest).where(Contest.id == w.contest_id).values(budget=Decimal("39000.05")))
    session.commit()
    h = api_token(w.officer)
    db.session.remove()
    r = app.test_client().post(f"/api/v1/contests/{w.contest_id}/transitions/decide", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    s = db.session()
    s.expire_all()
    states = dict(s.execute(select(Offer.id, Offer.state).where(Offer.contest_id == w.contest_id)).all())
    assert states[withdrawn] == "withdrawn"
    assert s.scalar(select(func.sum(Offer.awarded_grant)).where(Offer.contest_id == w.contest_id)) == Decimal("39000.05")
