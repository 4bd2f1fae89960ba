"""Agreements drafted from awarded offers (R-AGR-FROM-OFFER) and their tranches (R-AGR-TRANCHES),
through the API and the operations."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.after_award.helpers import IBAN, audit_actions, count


def _update_offer(w, k, grant: str):
    """R-UPDATE: the applicant scales the offer down to the award and submits the update."""
    from tests.factories import offer_content
    body = offer_content(w.contest, grant)
    body["costs"][1]["name"] = "Koordynacja (po aktualizacji)"
    w.ok(w.patch(f"/api/v1/offers/{w.offers[k].id}", w.hn[k], {"costs": body["costs"], "sources": body["sources"]}))
    w.ok(w.post(f"/api/v1/offers/{w.offers[k].id}/transitions/submit_update", w.hn[k]))
    return body


def test_r_agr_from_offer_agreement_follows_the_updated_offer_after_a_partial_award(world):
    from grants.agreements.models import Agreement
    from grants.core import db
    w = world(("9000.00",), amounts={0: "8000.00"})
    oid = w.offers[0].id
    assert w.ok(w.get(f"/api/v1/offers/{oid}", w.h))["state"] == "update_required"
    # not yet ready for an agreement: refused, nothing drafted
    r = w.post("/api/v1/agreements", w.h, {"offer_id": str(oid)})
    assert r.status_code == 409, r.get_data(as_text=True)
    assert count(Agreement) == 0
    updated = _update_offer(w, 0, "8000.00")
    a = w.draft(0, pattern="80/20")
    assert a["grant"] == "8000.00"  # the award, not the 9000.00 requested
    assert [t["amount"] for t in a["tranches"]] == ["6400.00", "1600.00"]
    assert (a["shift_pct"], a["own_tolerance_pp"]) == (str(w.contest.shift_pct), str(w.contest.own_tolerance_pp))
    assert Decimal(a["shift_pct"]) == Decimal(10) and Decimal(a["own_tolerance_pp"]) == Decimal(5)
    # the content is the update (the last revision), not the first submission
    got = [(c["name"], Decimal(c["unit_cost"]), Decimal(c["units"])) for c in a["content"]["costs"]]
    assert got == [(c["name"], Decimal(c["unit_cost"]), Decimal(c["units"])) for c in updated["costs"]]
    assert got[1][0] == "Koordynacja (po aktualizacji)"
    assert a["content"]["sources"]["grant"] == "8000.00"
    row = db.session().get(Agreement, int(a["id"]))
    revs = row.offer.revisions
    assert [r.kind for r in revs] == ["submission", "update"]
    assert row.content == revs[-1].content and row.content != revs[0].content
    db.session.remove()


def test_r_agr_from_offer_only_from_ready_for_agreement_and_one_per_offer(world, make_user):
    from grants.agreements import operations as ops
    from grants.agreements.models import Agreement
    from grants.core import db
    from grants.core.permissions import PermissionDenied
    w = world(("9000.00", "8000.00"))
    a = w.draft(0)
    r = w.post("/api/v1/agreements", w.h, {"offer_id": str(w.offers[0].id)})
    assert r.status_code == 409 and "ma już umowę" in r.get_json()["detail"]
    assert count(Agreement) == 1
    # the applicant declines the second award: no agreement from a declined offer
    w.ok(w.post(f"/api/v1/offers/{w.offers[1].id}/transitions/decline", w.hn[1], {"reason": "Brak kadry"}))
    r = w.post("/api/v1/agreements", w.h, {"offer_id": str(w.offers[1].id)})
    assert r.status_code == 409
    assert count(Agreement) == 1
    # officers of the contest's department only (and never an applicant or finance)
    stranger = make_user("officer", department_code="ZZZ")
    s = db.session()
    offer = s.get(type(w.offers[0]), w.offers[0].id)
    for who in (stranger, w.ngos[0], w.finance):
        who = s.merge(who)
        with pytest.raises(PermissionDenied):
            ops.draft_from_offer(s, who, offer)
        s.rollback()
    db.session.remove()
    for hh in (w.hn[0], w.hf):
        r = w.post("/api/v1/agreements", hh, {"offer_id": str(w.offers[0].id)})
        assert r.status_code in (403, 422), r.get_data(as_text=True)
    assert count(Agreement) == 1
    assert audit_actions("agreement", a["id"]).count("create") == 1


def test_r_agr_from_offer_applicant_sees_only_its_own_signed_agreement(world):
    from grants.agreements.models import Agreement
    w = world(("9000.00", "8000.00"))
    a0, a1 = w.draft(0), w.draft(1)
    # drafts: invisible to the applicants, listed for the officer
    for k in (0, 1):
        assert w.get(f"/api/v1/agreements/{a0['id']}", w.hn[k]).status_code == 404
        assert w.ok(w.get("/api/v1/agreements", w.hn[k]))["items"] == []
        assert w.ok(w.get("/api/v1/tranches", w.hn[k]))["items"] == []
    assert w.ok(w.get("/api/v1/agreements", w.h))["total"] == 2
    w.sign(a0["id"])
    w.sign(a1["id"])
    assert w.agreement(a0["id"], w.hn[0])["state"] == "signed"
    # never another organisation's
    assert w.get(f"/api/v1/agreements/{a1['id']}", w.hn[0]).status_code == 404
    assert w.get(f"/api/v1/agreements/{a0['id']}", w.hn[1]).status_code == 404
    assert [x["id"] for x in w.ok(w.get("/api/v1/agreements", w.hn[0]))["items"]] == [a0["id"]]
    assert {t["agreement_id"] for t in w.ok(w.get("/api/v1/tranches", w.hn[0]))["items"]} == {a0["id"]}
    assert {r["agreement_id"] for r in w.ok(w.get("/api/v1/reports", w.hn[0]))["items"]} == {a0["id"]}
    other_tranche = a1["tranches"][0]["id"]
    assert w.get(f"/api/v1/tranches/{other_tranche}", w.hn[0]).status_code == 404
    # an applicant cannot edit its agreement either
    r = w.patch(f"/api/v1/agreements/{a0['id']}", w.hn[0], {"iban": IBAN})
    assert r.status_code in (403, 409)
    assert count(Agreement) == 2


def test_r_agr_tranches_80_20_on_an_odd_grant_loses_no_grosz(world):
    w = world(("9000.03",))
    a = w.draft(0, pattern="80/20")
    amounts = [Decimal(t["amount"]) for t in a["tranches"]]
    # 80 % of 9000.03 = 7200.024 -> 7200.02 (half up); the last takes the rest: 1800.01
    assert amounts == [Decimal("7200.02"), Decimal("1800.01")]
    assert sum(amounts) == Decimal("9000.03")
    assert a["grant"] == "9000.03"


def test_r_agr_tranches_bad_pattern_refused_and_nothing_drafted(world):
    from grants.agreements.models import Agreement, Tranche
    w = world(("9000.00",))
    for pattern in ("80/30", "abc", "0/100"):
        r = w.post("/api/v1/agreements", w.h, {"offer_id": str(w.offers[0].id), "tranche_pattern": pattern})
        assert r.status_code == 422, (pattern, r.get_data(as_text=True))
        assert r.get_json()["errors"]
    assert count(Agreement) == 0 and count(Tranche) == 0


def test_r_agr_tranches_sign_refused_without_valid_iban_or_with_a_broken_schedule(world):
    from grants.agreements.models import Agreement, Tranche
    from grants.core import db
    w = world(("9000.00",))
    a = w.draft(0, pattern="80/20", iban="")
    sign = {"signed_by_organisation_on": "2026-12-01", "signed_by_grantor_on": "2026-12-02"}
    r = w.post(f"/api/v1/agreements/{a['id']}/transitions/sign", w.h, sign)
    assert r.status_code == 422 and "R-AGR-TRANCHES" in r.get_json()["type"] and "IBAN" in r.get_json()["detail"]
    # a bad IBAN is refused on PATCH and nothing is saved
    bad = IBAN[:-1] + ("5" if IBAN[-1] != "5" else "6")
    r = w.patch(f"/api/v1/agreements/{a['id']}", w.h, {"iban": bad})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "iban"
    after = w.agreement(a["id"])
    assert after["iban"] == "" and after["version"] == a["version"]
    w.ok(w.patch(f"/api/v1/agreements/{a['id']}", w.h, {"iban": IBAN}))
    # a schedule that no longer sums to the grant (a tranche changed behind the operations' back)
    s = db.session()
    t = s.get(Tranche, int(a["tranches"][1]["id"]))
    t.amount = Decimal("1799.99")
    s.commit()
    db.session.remove()
    r = w.post(f"/api/v1/agreements/{a['id']}/transitions/sign", w.h, sign)
    assert r.status_code == 422 and "R-AGR-TRANCHES" in r.get_json()["type"], r.get_data(as_text=True)
    assert r.get_json()["detail"] == "R-AGR-TRANCHES: Transze sumują się do 8\u00a0999,99 zł, a dotacja wynosi 9\u00a0000,00 zł."
    assert w.agreement(a["id"])["state"] == "draft"
    assert count(Agreement, Agreement.signed_by_grantor_on.is_not(None)) == 0


def test_r_agr_tranches_due_by_date_paid_once_by_finance_within_the_grant(world):
    from grants.agreements.models import Tranche
    from grants.core import db
    w = world(("9000.00",))
    a = w.draft(0, pattern="60/40")
    w.sign(a["id"], org_on=date.fromisoformat(a["task_start"]) - timedelta(days=10),
           grantor_on=date.fromisoformat(a["task_start"]) - timedelta(days=9))
    signed_on = date.fromisoformat(a["task_start"]) - timedelta(days=9)
    first, second = a["tranches"]
    due2 = date.fromisoformat(second["due_on"])
    assert date.fromisoformat(first["due_on"]) < due2
    # before the first date nothing is due
    w.at(date.fromisoformat(first["due_on"]) - timedelta(days=1), 23)
    assert [t["state"] for t in w.agreement(a["id"])["tranches"]] == ["scheduled", "scheduled"]
    r = w.post(f"/api/v1/tranches/{first['id']}/transitions/pay", w.hf,
               {"paid_on": first["due_on"], "transfer_ref": "P/1"})
    assert r.status_code == 409  # not due yet
    w.start_task(a["id"])
    assert [t["state"] for t in w.agreement(a["id"])["tranches"]] == ["due", "scheduled"]
    # only finance pays; nobody pays with a date before the signing
    pay = {"paid_on": first["due_on"], "transfer_ref": "P/1"}
    for hh in (w.h, w.hn[0]):
        assert w.post(f"/api/v1/tranches/{first['id']}/transitions/pay", hh, pay).status_code == 403
    early = {"paid_on": (signed_on - timedelta(days=1)).isoformat(), "transfer_ref": "P/1"}
    r = w.post(f"/api/v1/tranches/{first['id']}/transitions/pay", w.hf, early)
    assert r.status_code == 422 and "R-AGR-TRANCHES" in r.get_json()["type"]
    for bad in ({"paid_on": "2027-02-30", "transfer_ref": "P/1"}, {"paid_on": first["due_on"]},
                {"paid_on": first["due_on"], "transfer_ref": "P/1", "amount": "1.00"}):
        assert w.post(f"/api/v1/tranches/{first['id']}/transitions/pay", w.hf, bad).status_code == 422
    t1 = w.ok(w.get(f"/api/v1/tranches/{first['id']}", w.hf))
    assert (t1["state"], t1["paid_on"], t1["paid_amount"]) == ("due", None, None)
    paid = w.pay(first["id"], date.fromisoformat(first["due_on"]))
    assert (paid["state"], paid["paid_amount"], paid["transfer_ref"]) == ("paid", first["amount"], "PRZELEW/1")
    assert w.post(f"/api/v1/tranches/{first['id']}/transitions/pay", w.hf, pay).status_code == 409
    # the second: due on its own date only
    w.at(due2 - timedelta(days=1), 23)
    assert w.agreement(a["id"])["tranches"][1]["state"] == "scheduled"
    w.at(due2, 0)
    assert w.agreement(a["id"])["tranches"][1]["state"] == "due"
    # the paid total never exceeds the grant: a second tranche inflated behind the operations' back is refused
    s = db.session()
    t = s.get(Tranche, int(second["id"]))
    t.amount = Decimal("3600.01")
    s.commit()
    db.session.remove()
    r = w.post(f"/api/v1/tranches/{second['id']}/transitions/pay", w.hf,
               {"paid_on": due2.isoformat(), "transfer_ref": "P/2"})
    assert r.status_code == 422 and "R-AGR-TRANCHES" in r.get_json()["type"], r.get_data(as_text=True)
    assert r.get_json()["detail"] == "R-AGR-TRANCHES: Wypłacono by razem 9\u00a0000,01 zł, więcej niż dotacja 9\u00a0000,00 zł."
    assert w.ok(w.get(f"/api/v1/tranches/{second['id']}", w.hf))["state"] == "due"
    assert audit_actions("tranche", first["id"]).count("pay") == 1


def test_r_agr_tranches_withheld_and_resumed_by_finance(world):
    w = world(("9000.00",))
    a = w.draft(0, pattern="50/50")
    w.sign(a["id"])
    w.start_task(a["id"])
    first = w.agreement(a["id"])["tranches"][0]
    url = f"/api/v1/tranches/{first['id']}/transitions"
    assert w.post(f"{url}/withhold", w.h, {"reason": "Brak sprawozdania"}).status_code == 403
    assert w.post(f"{url}/withhold", w.hf, {}).status_code == 422  # a reason is needed
    assert w.ok(w.get(f"/api/v1/tranches/{first['id']}", w.hf))["state"] == "due"
    t = w.ok(w.post(f"{url}/withhold", w.hf, {"reason": "Sprawozdanie częściowe nieprzyjęte"}))
    assert (t["state"], t["withheld_reason"]) == ("withheld", "Sprawozdanie częściowe nieprzyjęte")
    r = w.post(f"{url}/pay", w.hf, {"paid_on": a["task_start"], "transfer_ref": "P/1"})
    assert r.status_code == 409  # withheld: not payable
    assert w.post(f"{url}/resume", w.hn[0]).status_code == 403
    assert w.ok(w.post(f"{url}/resume", w.hf))["state"] == "due"
    assert w.pay(first["id"], date.fromisoformat(a["task_start"]))["state"] == "paid"
    assert w.post(f"{url}/withhold", w.hf, {"reason": "za późno"}).status_code == 409  # paid: final


def test_r_agr_tranches_no_payment_dated_before_both_parties_signed(world):
    """The agreement binds from the later signature: a transfer dated after the grantor signed but
    before the organisation did is refused like one before any signature."""
    w = world(("9000.00",))
    a = w.draft(0, pattern="100")
    start = date.fromisoformat(a["task_start"])
    w.sign(a["id"], org_on=start - timedelta(days=5), grantor_on=start - timedelta(days=19))
    w.start_task(a["id"])
    tid = a["tranches"][0]["id"]
    r = w.post(f"/api/v1/tranches/{tid}/transitions/pay", w.hf,
               {"paid_on": (start - timedelta(days=10)).isoformat(), "transfer_ref": "P/1"})
    assert r.status_code == 422 and "R-AGR-TRANCHES" in r.get_json()["type"], r.get_data(as_text=True)
    assert w.ok(w.get(f"/api/v1/tranches/{tid}", w.hf))["state"] == "due"
    assert w.pay(tid, start - timedelta(days=5))["paid_on"] == (start - timedelta(days=5)).isoformat()


def test_r_agr_from_offer_bad_dates_on_patch_refused_nothing_changed_and_no_edit_after_signing(world):
    w = world(("9000.00",))
    a = w.draft(0)
    url = f"/api/v1/agreements/{a['id']}"
    for bad in ({"task_end": "2027-01-01"}, {"task_start": "2027-13-01"}, {"task_end": None}, {"grant": "1.00"}):
        r = w.patch(url, w.h, bad)
        assert r.status_code == 422, (bad, r.get_data(as_text=True))
        now = w.agreement(a["id"])
        assert (now["task_start"], now["task_end"], now["final_report_due"], now["grant"], now["version"]) == (
            a["task_start"], a["task_end"], a["final_report_due"], a["grant"], a["version"]), bad
    w.sign(a["id"])
    r = w.patch(url, w.h, {"task_end": "2027-10-29"})
    assert r.status_code == 409  # after signing, only by annex
    assert w.agreement(a["id"])["task_end"] == a["task_end"]
