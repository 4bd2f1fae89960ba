"""Settlements through /api/v1/settlements: figures and findings, return due dates (R-SET-RETURN,
R-SET-MISUSE with R-DAYS), statutory interest across a rate change (R-SET-INTEREST), partial
payments split in proportion (R-SET-PARTIAL), closing, and who may do what.

The 2025 flows move the clock back to 1 October 2024 before the contest is built, so the contest's
year is 2025 and the rate table of DOMAIN.md applies: 11.5 % from 2025-11-06, 11.0 % from 2025-12-04."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.after_award.helpers import count

IN_2024 = "2024-10-01T10:00"
GRANT = Decimal("40000.00")
# offer_content(contest, "40000.00"): total 44444.45 (own share at least 10 %), admin line 5 % = 2222.22,
# action line 42222.23; own contribution 4444.45
OWN = Decimal("4444.45")


def _settling(w, k=0, *, task_end: str, from_grant: list[Decimal], paid_on=date(2025, 3, 3)):
    """Signed in February 2025, the one tranche paid on `paid_on`, the task ending on `task_end`, the
    final report (grant spending per line `from_grant`) accepted: the settlement is open."""
    a = w.draft(k, pattern="100", task_end=task_end)
    assert a["task_start"] == "2025-03-01" and a["grant"] == str(GRANT)
    w.sign(a["id"], org_on=date(2025, 2, 10), grantor_on=date(2025, 2, 11))
    w.start_task(a["id"])
    w.at(paid_on)
    w.pay(a["tranches"][0]["id"], paid_on)
    w.end_task(a["id"])
    rep = w.final_report(a["id"])
    w.ok(w.patch(f"/api/v1/reports/{rep['id']}", w.hn[k], w.report_body(from_grant, OWN)))
    w.accept_report(rep["id"], k)
    assert w.agreement(a["id"])["state"] == "settling"
    s = w.settlement(a["id"])
    assert s["state"] == "open"
    return a, s


def _calculate(w, sid, findings=None, status=200):
    r = w.post(f"/api/v1/settlements/{sid}/transitions/calculate", w.hf, {"findings": findings or []})
    assert r.status_code == status, r.get_data(as_text=True)
    return r.get_json()


def _pay(w, sid, on: date, amount: str, status=201):
    r = w.post(f"/api/v1/settlements/{sid}/returns", w.hf, {"paid_on": on.isoformat(), "amount": amount,
                                                             "reference": "ZW/1"})
    assert r.status_code == status, r.get_data(as_text=True)
    return r.get_json()


def test_r_set_return_unused_grant_due_15_days_after_the_task_or_31_january_r_days_moved_to_monday(world):
    """R-SET-RETURN with R-DAYS: a task ending on Friday 14 November 2025 returns by Saturday 29
    November, moved to Monday 1 December; one ending on 31 December 2025 returns by 31 January 2026,
    a Saturday, moved to Monday 2 February."""
    w = world(("40000.00", "40000.00"), moved_to=IN_2024)
    assert w.contest.year == 2025
    _a, s = _settling(w, 0, task_end="2025-11-14", from_grant=[Decimal("18000.00"), Decimal("2000.00")])
    s = _calculate(w, s["id"])
    lines = {x["code"]: x["amount"] for x in s["lines"]}
    assert (lines["paid"], lines["spent"], lines["unused"], lines["shift_excess"]) == (
        "40000.00", "20000.00", "20000.00", "0.00")
    assert s["total_to_return"] == "20000.00"
    assert s["obligations"] == [{"kind": "unused", "amount": "20000.00", "due": "2025-12-01",
                                 "start": "after_due_date", "transferred_on": None}]
    _b, s2 = _settling(w, 1, task_end="2025-12-31", from_grant=[Decimal("37000.00"), Decimal("2000.00")])
    s2 = _calculate(w, s2["id"])
    assert [(o["kind"], o["amount"], o["due"]) for o in s2["obligations"]] == [("unused", "1000.00", "2026-02-02")]


def test_r_set_interest_return_paid_10_days_late_across_the_rate_change(world):
    """20,000.00 unused, due Monday 1 December 2025, paid Thursday 11 December: 10 days late.
    Interest runs from the day after the due date to the payment day, both inclusive:
        2 December - 3 December 2025:  2 days at 11.5 %: 20000 × 0.115 × 2 / 365 =  4600 / 365 = 12.6027...
        4 December - 11 December 2025: 8 days at 11.0 %: 20000 × 0.110 × 8 / 365 = 17600 / 365 = 48.2191...
        together 22200 / 365 = 60.8219..., rounded to whole złoty: 61.00
    (11.0 % for all ten days would give 60.27 -> 60; 11.5 % for all, 63.01 -> 63; nine days, 55.)"""
    from grants.settlements.models import ReturnPayment
    w = world(("40000.00",), moved_to=IN_2024)
    a, s = _settling(w, task_end="2025-11-14", from_grant=[Decimal("18000.00"), Decimal("2000.00")])
    sid = s["id"]
    s = _calculate(w, sid)
    # close refused while anything is owed
    r = w.post(f"/api/v1/settlements/{sid}/transitions/close", w.hf)
    assert r.status_code == 422 and "R-SET-RETURN" in r.get_json()["type"]
    # returns are booked only once the return is requested
    assert w.post(f"/api/v1/settlements/{sid}/returns", w.hf, {"paid_on": "2025-12-11", "amount": "1.00"}
                  ).status_code == 409
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/request_return", w.hf))
    w.at(date(2025, 12, 11), 12)
    assert w.ok(w.get(f"/api/v1/settlements/{sid}", w.hf))["outstanding_today"] == "20061.00"
    # a payment above what is owed, a negative one, one dated before the agreement: refused, nothing booked
    for body in ({"paid_on": "2025-12-11", "amount": "20061.01"}, {"paid_on": "2025-12-11", "amount": "-5.00"},
                 {"paid_on": "2025-12-11", "amount": "0.00"}, {"paid_on": "2025-02-10", "amount": "100.00"},
                 {"paid_on": "2025-12-11", "amount": "1.001"}, {"paid_on": "2025-12-11", "amount": "1e3"},
                 {"paid_on": "2025-12-11", "amount": "2.5e3"}, {"paid_on": "2025-12-11", "amount": 100.5}):
        r = w.post(f"/api/v1/settlements/{sid}/returns", w.hf, body)
        assert r.status_code == 422, (body, r.get_data(as_text=True))
    assert count(ReturnPayment) == 0
    assert w.ok(w.get(f"/api/v1/settlements/{sid}", w.hf))["payments"] == []
    s = _pay(w, sid, date(2025, 12, 11), "20061.00")
    (ob,) = s["explanation"]
    (split,) = ob["splits"]
    assert (split["to_principal"], split["to_interest"]) == ("20000.00", "61.00")
    assert any("dni × 11,5% →" in x for x in split["lines"]) and any("dni × 11,0% →" in x for x in split["lines"])
    assert (ob["principal_left"], ob["interest_left"], s["outstanding_today"]) == ("0.00", "0.00", "0.00")
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/mark_returned", w.hf))
    assert w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/close", w.hf))["state"] == "closed"
    assert w.agreement(a["id"])["state"] == "closed"
    assert w.ok(w.get(f"/api/v1/contests/{w.contest.id}", w.h))["state"] == "concluded"


def test_r_set_partial_payment_split_in_proportion_and_interest_keeps_running(world):
    """The same 20,000.00 due 1 December 2025. On 11 December 10,000.00 is paid: owed then 20,000.00
    principal and 61.00 interest (see the R-SET-INTEREST test), so
        to interest  = 10000 × 61 / (20000 + 61) = 610000 / 20061 = 30.4072... -> 30.41
        to principal = 10000 − 30.41 = 9969.59
    leaving 10,030.41 principal and 30.59 interest. Interest runs on 10,030.41 from 12 December:
    on 21 December, 10 days at 11.0 %: 10030.41 × 0.11 × 10 / 365 = 30.2286... -> 30.00, so
    10,030.41 + 30.59 + 30.00 = 10,091.00 settles everything."""
    w = world(("40000.00",), moved_to=IN_2024)
    a, s = _settling(w, task_end="2025-11-14", from_grant=[Decimal("18000.00"), Decimal("2000.00")])
    sid = s["id"]
    _calculate(w, sid)
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/request_return", w.hf))
    w.at(date(2025, 12, 11), 12)
    s = _pay(w, sid, date(2025, 12, 11), "10000.00")
    (split,) = s["explanation"][0]["splits"]
    assert (split["to_interest"], split["to_principal"]) == ("30.41", "9969.59")
    assert (s["explanation"][0]["principal_left"], s["explanation"][0]["interest_left"]) == ("10030.41", "30.59")
    assert s["outstanding_today"] == "10061.00"  # nothing accrued yet for the payment day itself
    r = w.post(f"/api/v1/settlements/{sid}/transitions/mark_returned", w.hf)
    assert r.status_code == 422 and "R-SET-PARTIAL" in r.get_json()["type"]
    assert w.post(f"/api/v1/settlements/{sid}/transitions/close", w.hf).status_code == 409
    w.at(date(2025, 12, 21), 12)
    assert w.ok(w.get(f"/api/v1/settlements/{sid}", w.hf))["outstanding_today"] == "10091.00"
    _pay(w, sid, date(2025, 12, 21), "10091.01", status=422)
    s = _pay(w, sid, date(2025, 12, 21), "10091.00")
    last = s["explanation"][0]["splits"][1]
    assert (last["to_principal"], last["to_interest"]) == ("10030.41", "60.59")
    assert s["outstanding_today"] == "0.00"
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/mark_returned", w.hf))
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/close", w.hf))
    assert w.agreement(a["id"])["state"] == "closed"


def test_r_set_misuse_interest_from_the_transfer_day_for_misuse_after_the_due_date_otherwise(world):
    """The whole grant reported spent; the officer finds 5,000.00 used against its purpose (the grant
    was transferred on Monday 3 March 2025) and 1,000.00 paid unduly, both on 20 November 2025. Both are
    due within 15 days of the finding: Friday 5 December 2025. Paid on that day:
    - misuse bears interest from the transfer day, 3 March to 5 December 2025 inclusive (278 days):
        3 Mar - 7 May   66 days × 14.5 % =  957.0
        8 May - 2 Jul   56 days × 13.5 % =  756.0
        3 Jul - 3 Sep   63 days × 13.0 % =  819.0
        4 Sep - 8 Oct   35 days × 12.5 % =  437.5
        9 Oct - 5 Nov   28 days × 12.0 % =  336.0
        6 Nov - 3 Dec   28 days × 11.5 % =  322.0
        4 Dec - 5 Dec    2 days × 11.0 % =   22.0
                                      Σ = 3649.5 (day-percent)
        5000 × 3649.5 / 100 / 365 = 499.9315... -> 500.00
    - the undue payment only from the day after its due date: nothing on the due date itself."""
    w = world(("40000.00",), moved_to=IN_2024)
    a, s = _settling(w, task_end="2025-11-14", from_grant=[Decimal("38000.00"), Decimal("2000.00")])
    sid = s["id"]
    w.at(date(2025, 11, 20), 12)
    # misuse needs the transfer date; findings cannot exceed the eligible spending; bad amounts refused;
    # a finding is dated between the signature and today, a transfer between the signature and the finding
    for bad, status in (([{"kind": "misused", "amount": "5000.00", "found_on": "2025-11-20"}], 422),
                        ([{"kind": "misused", "amount": "5000.00", "found_on": "2025-11-20",
                           "transferred_on": "2020-01-01"}], 422),
                        ([{"kind": "misused", "amount": "5000.00", "found_on": "2025-11-20",
                           "transferred_on": "2025-11-21"}], 422),
                        ([{"kind": "undue", "amount": "5000.00", "found_on": "2025-11-21"}], 422),
                        ([{"kind": "undue", "amount": "5000.00", "found_on": "2025-02-01"}], 422),
                        ([{"kind": "undue", "amount": "40000.01", "found_on": "2025-11-20"}], 422),
                        ([{"kind": "undue", "amount": "-1.00", "found_on": "2025-11-20"}], 422),
                        ([{"kind": "unused", "amount": "1.00", "found_on": "2025-11-20"}], 422)):
        _calculate(w, sid, bad, status=status)
    assert w.settlement(a["id"])["state"] == "open"
    findings = [{"kind": "misused", "amount": "5000.00", "found_on": "2025-11-20", "transferred_on": "2025-03-03",
                 "note": "Zakup niezwiązany z zadaniem"},
                {"kind": "undue", "amount": "1000.00", "found_on": "2025-11-20"}]
    s = _calculate(w, sid, findings)
    assert s["total_to_return"] == "6000.00"
    assert [(o["kind"], o["amount"], o["due"], o["start"], o["transferred_on"]) for o in s["obligations"]] == [
        ("misused", "5000.00", "2025-12-05", "from_transfer", "2025-03-03"),
        ("undue", "1000.00", "2025-12-05", "after_due_date", None)]
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/request_return", w.hf))
    w.at(date(2025, 12, 5), 12)
    assert w.ok(w.get(f"/api/v1/settlements/{sid}", w.hf))["outstanding_today"] == "6500.00"
    s = _pay(w, sid, date(2025, 12, 5), "6500.00")
    misuse, undue = s["explanation"]
    assert (misuse["splits"][0]["to_principal"], misuse["splits"][0]["to_interest"]) == ("5000.00", "500.00")
    assert (undue["splits"][0]["to_principal"], undue["splits"][0]["to_interest"]) == ("1000.00", "0.00")
    assert s["outstanding_today"] == "0.00"


def test_r_set_return_terminate_opens_a_settlement_closing_the_last_one_concludes_the_contest(world):
    from grants.settlements.models import Settlement
    w = world(("9000.00", "8000.00"))
    a = w.draft(0)
    url = f"/api/v1/agreements/{a['id']}/transitions/terminate"
    assert w.post(url, w.h, {}).status_code == 422  # a reason is needed
    assert w.post(url, w.hn[0], {"reason": "Rezygnacja"}).status_code == 404  # a draft: not the applicant's to see
    assert w.post(url, w.hf, {"reason": "Rezygnacja"}).status_code == 403
    assert count(Settlement) == 0
    t = w.ok(w.post(url, w.h, {"reason": "Organizacja nie podpisała umowy."}))
    assert (t["state"], t["terminated_reason"]) == ("terminated", "Organizacja nie podpisała umowy.")
    s = w.settlement(a["id"])
    assert s["state"] == "open"
    s = _calculate(w, s["id"])
    assert s["total_to_return"] == "0.00" and s["obligations"] == []
    assert w.post(f"/api/v1/settlements/{s['id']}/transitions/request_return", w.hf).status_code == 422
    assert w.ok(w.post(f"/api/v1/settlements/{s['id']}/transitions/close", w.hf))["state"] == "closed"
    assert w.agreement(a["id"])["state"] == "terminated"
    # the second award has no agreement yet: the contest is not concluded
    assert w.ok(w.get(f"/api/v1/contests/{w.contest.id}", w.h))["state"] == "decided"
    b = w.draft(1)
    w.sign(b["id"])
    w.ok(w.post(f"/api/v1/agreements/{b['id']}/transitions/terminate", w.h, {"reason": "Naruszenie umowy."}))
    s2 = w.settlement(b["id"])
    _calculate(w, s2["id"])
    assert w.ok(w.get(f"/api/v1/contests/{w.contest.id}", w.h))["state"] == "decided"
    w.ok(w.post(f"/api/v1/settlements/{s2['id']}/transitions/close", w.hf))
    assert w.ok(w.get(f"/api/v1/contests/{w.contest.id}", w.h))["state"] == "concluded"


def test_r_set_return_finance_only_and_applicants_see_their_own_settlement(world):
    from grants.settlements.models import ReturnPayment
    w = world(("9000.00", "8000.00"))
    a, b = w.draft(0), w.draft(1)
    w.sign(a["id"])
    w.sign(b["id"])
    w.start_task(a["id"])
    w.pay(a["tranches"][0]["id"], date.fromisoformat(a["task_start"]))
    for x in (a, b):
        w.ok(w.post(f"/api/v1/agreements/{x['id']}/transitions/terminate", w.h, {"reason": "Naruszenie umowy."}))
    sa, sb = w.settlement(a["id"]), w.settlement(b["id"])
    calc = f"/api/v1/settlements/{sa['id']}/transitions/calculate"
    for hh in (w.h, w.hn[0]):
        assert w.post(calc, hh, {"findings": []}).status_code == 403
    assert w.settlement(a["id"])["state"] == "open"
    s = _calculate(w, sa["id"])
    assert s["obligations"][0]["kind"] == "unused"  # the tranche paid, nothing reported: all returned
    w.ok(w.post(f"/api/v1/settlements/{sa['id']}/transitions/request_return", w.hf))
    for hh in (w.h, w.hn[0]):
        r = w.post(f"/api/v1/settlements/{sa['id']}/returns", hh, {"paid_on": a["task_start"], "amount": "1.00"})
        assert r.status_code == 403, r.get_data(as_text=True)
    assert count(ReturnPayment) == 0
    # the applicant sees its own settlement and what it owes, never the other organisation's
    mine = w.ok(w.get(f"/api/v1/settlements/{sa['id']}", w.hn[0]))
    assert mine["total_to_return"] == s["total_to_return"] and mine["obligations"] == s["obligations"]
    assert [x["id"] for x in w.ok(w.get("/api/v1/settlements", w.hn[0]))["items"]] == [sa["id"]]
    assert w.get(f"/api/v1/settlements/{sb['id']}", w.hn[0]).status_code == 404
    r = w.post(f"/api/v1/settlements/{sb['id']}/returns", w.hn[0], {"paid_on": a["task_start"], "amount": "1.00"})
    assert r.status_code == 404
    assert {t["name"]: t["allowed"] for t in mine["transitions"]} == {"mark_returned": False}


def test_r_set_return_final_report_accepted_before_the_task_ends_the_contest_still_concludes(world):
    """The final report accepted while the task still runs opens the settlement; the agreement reaches
    its settlement only after the task ends. Closing the agreement then concludes the contest."""
    w = world(("9000.00",))
    a = w.draft(0, pattern="100")
    w.sign(a["id"])
    w.start_task(a["id"])
    w.pay(a["tranches"][0]["id"], date.fromisoformat(a["task_start"]))
    rep = w.final_report(a["id"])
    w.ok(w.patch(f"/api/v1/reports/{rep['id']}", w.hn[0],
                 w.report_body([Decimal("8500.00"), Decimal("500.00")], Decimal("1000.00"))))
    w.accept_report(rep["id"])
    assert w.agreement(a["id"])["state"] == "in_progress"
    s = w.settlement(a["id"])
    assert _calculate(w, s["id"])["total_to_return"] == "0.00"
    w.ok(w.post(f"/api/v1/settlements/{s['id']}/transitions/close", w.hf))
    assert w.ok(w.get(f"/api/v1/contests/{w.contest.id}", w.h))["state"] == "decided"  # the task still runs
    w.end_task(a["id"])
    w.ok(w.post(f"/api/v1/agreements/{a['id']}/transitions/begin_settlement", w.h))
    assert w.post(f"/api/v1/agreements/{a['id']}/transitions/close", w.h).status_code == 403
    assert w.ok(w.post(f"/api/v1/agreements/{a['id']}/transitions/close", w.hf))["state"] == "closed"
    assert w.ok(w.get(f"/api/v1/contests/{w.contest.id}", w.h))["state"] == "concluded"
