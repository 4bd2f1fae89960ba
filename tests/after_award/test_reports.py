"""Reports: the final one opened at signing and due 30 days after the task (R-REP-FINAL with R-DAYS),
partial ones demanded no sooner than 30 days ahead, the overdue flag, the content checks
(R-REP-CONTENT) and the cost-line shift comparison (R-AGR-SHIFT). The clock is pinned to 1 October
2026 first, so the contest's year is 2027 and the weekdays below are fixed."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tests.after_award.helpers import count

PINNED = "2026-10-01T10:00"


def test_r_rep_final_opened_at_signing_due_30_days_after_the_task_end_r_days_moved_to_a_working_day(world):
    from grants.reports.models import Report
    w = world(("9000.00", "8000.00"), moved_to=PINNED)
    assert w.contest.year == 2027
    # 2027-10-12 + 30 days = Thursday 11 November 2027, Independence Day: due Friday 12 November
    a = w.draft(0, task_end="2027-10-12")
    # 2027-10-08 + 30 days = Sunday 7 November 2027: due Monday 8 November
    b = w.draft(1, task_end="2027-10-08")
    assert (a["final_report_due"], b["final_report_due"]) == ("2027-11-12", "2027-11-08")
    assert count(Report) == 0  # nothing before signing
    w.sign(a["id"])
    w.sign(b["id"])
    ra, rb = w.final_report(a["id"], w.hn[0]), w.final_report(b["id"], w.hn[1])
    assert (ra["kind"], ra["state"], ra["due_on"]) == ("final", "draft", "2027-11-12")
    assert rb["due_on"] == "2027-11-08"
    assert count(Report) == 2
    # the agreement's own figure agrees (it is what the report was opened with)
    assert w.agreement(a["id"])["final_report_due"] == "2027-11-12"


def test_r_rep_final_partial_report_due_no_sooner_than_30_days_after_the_demand(world):
    from grants.core import clock
    from grants.reports.models import Report
    w = world(("9000.00", "8000.00"), moved_to=PINNED)
    a = w.draft(0)
    draft_b = w.draft(1)
    w.sign(a["id"])
    today = clock.today()
    assert today == date(2026, 10, 1)
    r = w.post("/api/v1/reports", w.h, {"agreement_id": a["id"], "due_on": (today + timedelta(days=29)).isoformat()})
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.get_json()["errors"][0] == {"field": "due_on", "message": "Termin sprawozdania częściowego to co najmniej "
                                                                  "30 dni od wezwania (najwcześniej 31.10.2026)."}
    assert count(Report, Report.kind == "partial") == 0
    # not the applicant's call; not from an unsigned agreement
    due = (today + timedelta(days=30)).isoformat()
    assert w.post("/api/v1/reports", w.hn[0], {"agreement_id": a["id"], "due_on": due}).status_code == 403
    assert w.post("/api/v1/reports", w.h, {"agreement_id": draft_b["id"], "due_on": due}).status_code == 409
    assert count(Report, Report.kind == "partial") == 0
    p = w.ok(w.post("/api/v1/reports", w.h, {"agreement_id": a["id"], "due_on": due}), 201)
    assert (p["kind"], p["state"], p["due_on"]) == ("partial", "draft", "2026-10-31")
    assert {x["kind"] for x in w.ok(w.get("/api/v1/reports", w.hn[0]))["items"]} == {"final", "partial"}


def test_r_rep_final_overdue_flag_after_the_due_date_on_both_homes(world, app, login):
    from grants.core import db
    from grants.reports.models import Report
    from grants.reports.operations import is_overdue
    w = world(("9000.00",), moved_to=PINNED)
    a = w.draft(0, task_end="2027-10-12")
    w.sign(a["id"])
    rep = w.final_report(a["id"])
    due = date.fromisoformat(rep["due_on"])
    assert due == date(2027, 11, 12)

    def homes():
        ngo_home = login(w.ngos[0], app.test_client()).get("/").get_data(as_text=True)
        officer_home = login(w.officer, app.test_client()).get("/").get_data(as_text=True)
        return ngo_home, officer_home

    w.at(due, 23)
    s = db.session()
    r = s.get(Report, int(rep["id"]))
    assert not is_overdue(r, due) and is_overdue(r, due + timedelta(days=1))
    db.session.remove()
    ngo_home, officer_home = homes()
    assert "sprawozdanie po terminie" not in ngo_home and '<strong class="flag">po terminie' not in officer_home
    w.at(due + timedelta(days=1), 0)
    ngo_home, officer_home = homes()
    assert "sprawozdanie po terminie" in ngo_home
    assert '<strong class="flag">po terminie</strong>' in officer_home
    # submitted: no longer overdue
    body = w.report_body([Decimal("8000.00"), Decimal("1000.00")], Decimal("1000.00"))
    w.ok(w.patch(f"/api/v1/reports/{rep['id']}", w.hn[0], body))
    w.ok(w.post(f"/api/v1/reports/{rep['id']}/transitions/submit", w.hn[0]))
    ngo_home, _ = homes()
    assert "sprawozdanie po terminie" not in ngo_home


def _reporting(w, k=0, **patch):
    a = w.draft(k, **patch)
    w.sign(a["id"])
    w.start_task(a["id"])
    w.end_task(a["id"])
    assert w.agreement(a["id"])["state"] == "reporting"
    return a, w.final_report(a["id"])


def test_r_rep_content_submit_refused_until_the_report_is_complete_and_consistent(world):
    from grants.core import db
    from grants.reports.models import Report
    w = world(("9000.00",))
    _a, rep = _reporting(w)
    url = f"/api/v1/reports/{rep['id']}"
    planned = w.planned()  # 9500.00 and 500.00; own contribution 1000.00
    assert planned == [Decimal("9500.00"), Decimal("500.00")]
    good = w.report_body([Decimal("8500.00"), Decimal("500.00")], Decimal("1000.00"))

    def refused(body, field):
        current = w.ok(w.get(url, w.hn[0]))
        w.ok(w.patch(url, w.hn[0], body))
        got = w.ok(w.get(url, w.hn[0]))
        assert field in {p["field"] for p in got["problems"]}, got["problems"]
        r = w.post(f"{url}/transitions/submit", w.hn[0])
        assert r.status_code == 422, r.get_data(as_text=True)
        assert "R-REP-CONTENT" in r.get_json()["type"] and "R-REP-CONTENT" in r.get_json()["detail"]
        after = w.ok(w.get(url, w.hn[0]))
        assert after["state"] == "draft" and after["submitted_at"] is None
        assert after["version"] == got["version"] >= current["version"]

    refused({**good, "narrative": "   "}, "narrative")
    refused({**good, "narrative": "Zrobione.", "results": []}, "results")
    # per-line grant spending 9000.00, the sources say 8900.00
    refused({**good, "results": good["results"], "sources": {**good["sources"], "grant": "8900.00"}}, "sources.grant")
    # other spending 1000.00, own + beneficiaries 900.00 + 50.00
    refused({**good, "sources": {"grant": "9000.00", "own_financial": "900.00", "beneficiaries": "50.00"}}, "sources")
    # more spent from the grant than the agreement grants
    over = w.report_body([Decimal("9500.00"), Decimal("500.00")], Decimal("1000.00"))
    refused(over, "sources.grant")
    w.ok(w.patch(url, w.hn[0], good))
    assert w.ok(w.get(url, w.hn[0]))["problems"] == []
    done = w.ok(w.post(f"{url}/transitions/submit", w.hn[0]))
    assert done["state"] == "submitted" and done["submitted_at"]
    # a submitted report is not edited
    assert w.patch(url, w.hn[0], {"narrative": "Zmiana"}).status_code == 409
    s = db.session()
    assert s.get(Report, int(rep["id"])).content["narrative"] == good["narrative"]
    db.session.remove()


def test_r_rep_content_bad_numbers_on_patch_refused_and_nothing_saved(world):
    w = world(("9000.00",))
    _a, rep = _reporting(w)
    url = f"/api/v1/reports/{rep['id']}"
    good = w.report_body([Decimal("8500.00"), Decimal("500.00")], Decimal("1000.00"))
    saved = w.ok(w.patch(url, w.hn[0], good))
    for bad in ({"expenditure": [{"line": 0, "from_grant": "12,5x"}]},
                {"expenditure": [{"line": 0, "from_grant": "-5.00"}]},
                {"expenditure": [{"line": 0, "from_grant": "1.234"}]},
                {"expenditure": [{"line": 0, "from_grant": 100.5}]},
                {"sources": {"grant": "NaN"}},
                {"income": "abc"},
                {"bank_interest": "-0.01"},
                {"expenditure": [{"line": -1, "from_grant": "1.00"}]},
                {"unknown": "x"}):
        r = w.patch(url, w.hn[0], bad)
        assert r.status_code == 422, (bad, r.get_data(as_text=True))
        assert r.get_json().get("errors"), bad
        now = w.ok(w.get(url, w.hn[0]))
        assert (now["content"], now["version"]) == (saved["content"], saved["version"]), bad
    # the officer does not write the applicant's report
    assert w.patch(url, w.h, {"narrative": "Urzędnik"}).status_code == 403
    assert w.ok(w.get(url, w.hn[0]))["content"] == saved["content"]


def test_r_rep_content_correction_with_a_future_due_date_resubmit_reject_needs_a_note(world):
    from grants.core import clock
    w = world(("9000.00",))
    a, rep = _reporting(w)
    url = f"/api/v1/reports/{rep['id']}"
    w.ok(w.patch(url, w.hn[0], w.report_body([Decimal("8500.00"), Decimal("500.00")], Decimal("1000.00"))))
    w.ok(w.post(f"{url}/transitions/submit", w.hn[0]))
    assert w.post(f"{url}/transitions/start_review", w.hn[0]).status_code == 403
    w.ok(w.post(f"{url}/transitions/start_review", w.h))
    today = clock.today()
    for due in (today, today - timedelta(days=1)):
        r = w.post(f"{url}/transitions/request_correction", w.h, {"note": "Brak faktur", "due_on": due.isoformat()})
        assert r.status_code == 422 and "R-REP-CONTENT" in r.get_json()["type"], r.get_data(as_text=True)
    assert w.post(f"{url}/transitions/request_correction", w.h, {"due_on": (today + timedelta(days=7)).isoformat()}
                  ).status_code == 422  # a note is needed
    assert w.ok(w.get(url, w.h))["state"] == "under_review"
    fixed = w.ok(w.post(f"{url}/transitions/request_correction", w.h,
                        {"note": "Brak faktur", "due_on": (today + timedelta(days=7)).isoformat()}))
    assert (fixed["state"], fixed["correction_due"], fixed["review_note"]) == (
        "needs_correction", (today + timedelta(days=7)).isoformat(), "Brak faktur")
    # the correction is saved and resubmitted; a broken one is refused like a submission
    w.ok(w.patch(url, w.hn[0], {"narrative": ""}))
    r = w.post(f"{url}/transitions/resubmit", w.hn[0])
    assert r.status_code == 422 and "R-REP-CONTENT" in r.get_json()["type"]
    w.ok(w.patch(url, w.hn[0], {"narrative": "Uzupełniono faktury."}))
    again = w.ok(w.post(f"{url}/transitions/resubmit", w.hn[0]))
    assert again["state"] == "submitted" and again["correction_due"] is None
    w.ok(w.post(f"{url}/transitions/start_review", w.h))
    for body in ({}, {"note": ""}, {"note": "x"}):
        assert w.post(f"{url}/transitions/reject", w.h, body).status_code == 422
    assert w.ok(w.get(url, w.h))["state"] == "under_review"
    assert w.post(f"{url}/transitions/reject", w.hn[0], {"note": "Sam odrzucam"}).status_code == 403
    done = w.ok(w.post(f"{url}/transitions/reject", w.h, {"note": "Wydatki niezgodne z umową."}))
    assert (done["state"], done["review_note"]) == ("rejected", "Wydatki niezgodne z umową.")
    assert w.agreement(a["id"])["state"] == "reporting"  # a rejected final report opens no settlement
    assert w.ok(w.get("/api/v1/settlements", w.hf))["items"] == []


def test_r_agr_shift_a_line_over_the_allowed_shift_shown_ineligible_and_returned(world):
    w = world(("9000.00",))
    a, rep = _reporting(w, pattern="100")
    tranche = w.agreement(a["id"])["tranches"][0]
    w.pay(tranche["id"], date.fromisoformat(a["task_start"]))
    # planned 9500.00 and 500.00, shift 10 %: limits 10450.00 and 550.00. Line 1 takes 800.00 from the
    # grant: 250.00 over its limit. Line 0 (8200.00) stays within its own.
    assert Decimal(a["shift_pct"]) == Decimal(10)
    body = w.report_body([Decimal("8200.00"), Decimal("800.00")], Decimal("1000.00"))
    url = f"/api/v1/reports/{rep['id']}"
    got = w.ok(w.patch(url, w.hn[0], body))
    assert got["problems"] == []  # the excess does not block submission: it is shown and returned
    shift = got["shift"]
    assert shift["ineligible_excess"] == "250.00"
    lines = {x["line"]: x for x in shift["lines"]}
    assert (lines["Koordynacja"]["planned"], lines["Koordynacja"]["limit"], lines["Koordynacja"]["excess"]) == (
        "500.00", "550.00", "250.00")
    assert lines["Instruktor"]["excess"] == "0.00"
    # exactly at the limit: no excess
    at_limit = w.report_body([Decimal("8450.00"), Decimal("550.00")], Decimal("1000.00"))
    assert w.ok(w.patch(url, w.hn[0], at_limit))["shift"]["ineligible_excess"] == "0.00"
    w.ok(w.patch(url, w.hn[0], body))
    w.accept_report(rep["id"])
    s = w.settlement(a["id"])
    s = w.ok(w.post(f"/api/v1/settlements/{s['id']}/transitions/calculate", w.hf))
    by_code = {x["code"]: x for x in s["lines"]}
    assert by_code["shift_excess"]["amount"] == "250.00" and by_code["shift_excess"]["kind"] == "excessive"
    assert "Koordynacja" in by_code["shift_excess"]["formula"]
    assert by_code["unused"]["amount"] == "0.00"
    assert by_code["eligible"]["amount"] == "8750.00"
    assert s["total_to_return"] == "250.00"
    assert [(o["kind"], o["amount"]) for o in s["obligations"]] == [("excessive", "250.00")]


def test_r_rep_content_correction_due_date_compared_with_warsaw_today(world):
    """At 00:30 in Warsaw the UTC date is still yesterday: a correction "due" today is not in the future."""
    w = world(("9000.00",), moved_to=PINNED)
    a, rep = _reporting(w)
    url = f"/api/v1/reports/{rep['id']}"
    w.ok(w.patch(url, w.hn[0], w.report_body([Decimal("8500.00"), Decimal("500.00")], Decimal("1000.00"))))
    w.ok(w.post(f"{url}/transitions/submit", w.hn[0]))
    w.ok(w.post(f"{url}/transitions/start_review", w.h))
    day = date.fromisoformat(a["task_end"]) + timedelta(days=5)
    w.clock_at(f"{day.isoformat()}T00:30")
    r = w.post(f"{url}/transitions/request_correction", w.h, {"note": "Brak faktur", "due_on": day.isoformat()})
    assert r.status_code == 422, r.get_data(as_text=True)
    tomorrow = (day + timedelta(days=1)).isoformat()
    assert w.ok(w.post(f"{url}/transitions/request_correction", w.h, {"note": "Brak faktur", "due_on": tomorrow})
                )["correction_due"] == tomorrow
