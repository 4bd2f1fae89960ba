"""Building blocks for the after-award integration tests: a decided contest (optionally with partial
awards), agreements drafted, signed and walked through time, reports filled in, all through the API."""
from __future__ import annotations

import time

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

IBAN = "PL61109010140000071219812874"
CENT = Decimal("0.01")


@dataclass
class World:
    client: object
    session: object
    clock_at: object
    officer: object
    officer2: object
    finance: object
    orgs: list
    ngos: list
    h: dict  # officer
    hf: dict  # finance
    hn: list  # one per applicant
    contest: object = None
    offers: list = field(default_factory=list)

    # ------------------------------------------------------------ plain API calls
    def get(self, url, headers):
        return self.client.get(url, headers=headers)

    def post(self, url, headers, body=None, **kw):
        return self.client.post(url, json={} if body is None else body, headers=headers, **kw)

    def patch(self, url, headers, body):
        return self.client.patch(url, json=body, headers=headers)

    def ok(self, r, status=200):
        assert r.status_code == status, r.get_data(as_text=True)
        return r.get_json()

    # ------------------------------------------------------------ agreements
    def draft(self, k=0, pattern=None, iban=IBAN, **patch) -> dict:
        body = {"offer_id": str(self.offers[k].id)}
        if pattern:
            body["tranche_pattern"] = pattern
        if iban:
            body["iban"] = iban
        a = self.ok(self.post("/api/v1/agreements", self.h, body), 201)
        if patch:
            a = self.ok(self.patch(f"/api/v1/agreements/{a['id']}", self.h, patch))
        return a

    def sign(self, aid, org_on=None, grantor_on=None):
        a = self.agreement(aid)
        start = date.fromisoformat(a["task_start"])
        body = {"signed_by_organisation_on": (org_on or start - timedelta(days=20)).isoformat(),
                "signed_by_grantor_on": (grantor_on or start - timedelta(days=19)).isoformat()}
        return self.ok(self.post(f"/api/v1/agreements/{aid}/transitions/sign", self.h, body))

    def agreement(self, aid, headers=None):
        return self.ok(self.get(f"/api/v1/agreements/{aid}", headers or self.h))

    def at(self, day: date, hours: int = 10):
        """Moves business time to `day`, `hours` o'clock in Warsaw, and runs the scheduler."""
        from grants.core import db
        from grants.core.dates import start_of_day
        from grants.workflows.scheduler import run_due
        db.session.remove()
        self.clock_at(start_of_day(day) + timedelta(hours=hours))
        run_due()
        # the scheduler skips a row another transaction holds (SKIP LOCKED: a worker issuing the
        # agreement's document); in production its next minute does it, here the next call
        for _ in range(40):
            if not _anything_due():
                break
            time.sleep(0.05)
            run_due()

    def start_task(self, aid):
        self.at(date.fromisoformat(self.agreement(aid)["task_start"]), 1)

    def end_task(self, aid):
        self.at(date.fromisoformat(self.agreement(aid)["task_end"]) + timedelta(days=1), 1)

    def pay(self, tid, paid_on: date, ref="PRZELEW/1"):
        return self.ok(self.post(f"/api/v1/tranches/{tid}/transitions/pay", self.hf,
                                 {"paid_on": paid_on.isoformat(), "transfer_ref": ref}))

    # ------------------------------------------------------------ reports
    def final_report(self, aid, headers=None) -> dict:
        items = self.ok(self.get("/api/v1/reports?per_page=500", headers or self.h))["items"]
        return next(r for r in items if r["agreement_id"] == str(aid) and r["kind"] == "final")

    def planned(self, k=0) -> list[Decimal]:
        """Planned values of the offer's cost lines (what the agreement copies)."""
        costs = self.ok(self.get(f"/api/v1/offers/{self.offers[k].id}", self.h))["content"]["costs"]
        return [(Decimal(c["unit_cost"]) * Decimal(c["units"])).quantize(CENT) for c in costs]

    def report_body(self, from_grant: list[Decimal], own: Decimal) -> dict:
        """A complete report: grant spending per line as given, the own contribution on line 0."""
        exp = [{"line": i, "from_grant": str(v), "from_other": "0.00"} for i, v in enumerate(from_grant)]
        exp[0]["from_other"] = str(own)
        return {"narrative": "Zrealizowano wszystkie działania.",
                "results": [{"result": "Uczestnicy", "planned": "40", "achieved": "42"}],
                "expenditure": exp,
                "sources": {"grant": str(sum(from_grant, Decimal("0.00"))), "own_financial": str(own)}}

    def accept_report(self, rid, k=0):
        for name, hh in (("submit", self.hn[k]), ("start_review", self.h), ("accept", self.h)):
            self.ok(self.post(f"/api/v1/reports/{rid}/transitions/{name}", hh))

    # ------------------------------------------------------------ settlements
    def settlement(self, aid, headers=None) -> dict:
        items = self.ok(self.get("/api/v1/settlements?per_page=500", headers or self.hf))["items"]
        sid = next(s["id"] for s in items if s["agreement_id"] == str(aid))
        return self.ok(self.get(f"/api/v1/settlements/{sid}", headers or self.hf))


def count(model, *where) -> int:
    from grants.core import db
    s = db.session()
    try:
        return s.scalar(select(func.count()).select_from(model).where(*where))
    finally:
        db.session.remove()


def audit_actions(object_type: str, object_id) -> list[str]:
    from grants.core import db
    from grants.core.audit import AuditEntry
    s = db.session()
    try:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.object_type == object_type,
                                                                AuditEntry.object_id == str(object_id))
                              .order_by(AuditEntry.id)))
    finally:
        db.session.remove()


def decided(session, officer, second_officer, members_and_grants, amounts: dict[int, str] | None = None):
    """tests.factories.decided_contest, with the officer's allocation changed before the protocol is
    approved: `amounts` maps an offer's position to its award (less than requested: update_required)."""
    from tests.factories import decided_contest
    return decided_contest(session, officer, members_and_grants, second_officer, amounts)


def decided_world(client, session, make_user, make_org, api_token, clock_at, grants, amounts=None) -> World:
    """A decided contest with one offer per grant, each from its own organisation: two officers of the
    department, a finance user and one applicant per organisation, each with an API token."""
    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    orgs = [make_org() for _ in grants]
    ngos = [make_user("applicant", org=o) for o in orgs]
    w = World(client=client, session=session, clock_at=clock_at, officer=officer, officer2=officer2,
              finance=finance, orgs=orgs, ngos=ngos, h=api_token(officer), hf=api_token(finance),
              hn=[api_token(u) for u in ngos])
    w.contest, w.offers = decided(session, officer, officer2, list(zip(ngos, orgs, grants)), amounts)
    return w


def _anything_due() -> bool:
    """Whether an object the scheduler serves has a transition due now (not merely a check moment)."""
    from grants.core import clock, db
    from grants.workflows.scheduler import _due_transition, models
    s = db.session()
    try:
        now = clock.now()
        for model in models().values():
            for obj in s.scalars(select(model).where(model.next_check_at <= now)):
                if _due_transition(obj, now) is not None:
                    return True
        return False
    finally:
        db.session.remove()
