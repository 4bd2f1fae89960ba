"""The pilot's evaluation in its report (S9, R-REP-CONTENT): required in the final report of an
innovation pilot, field by field with clear Polish messages; optional in a partial one; an honest
"not achieved" is accepted like any other outcome and its settlement asks back only the unused grant."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tests.calltypes_pilot_after.helpers import evaluation, reported_pilot, running_pilot, save_report


def _report(w, rid, headers=None):
    return w.ok(w.get(f"/api/v1/reports/{rid}", headers or w.hn[0]))


def test_r_rep_content_final_pilot_report_requires_the_evaluation_field_by_field(pilot_world):
    w = pilot_world()
    a = running_pilot(w)
    w.end_task(a["id"])
    rep = w.final_report(a["id"])
    url = f"/api/v1/reports/{rep['id']}"
    w.ok(w.patch(url, w.hn[0], w.report_body([Decimal("8500.00"), Decimal("500.00")], Decimal("1000.00"))))
    got = _report(w, rep["id"])
    fields = {p["field"]: p["message"] for p in got["problems"]}
    assert {"call.outcome", "call.what_worked", "call.what_did_not_work", "call.metrics", "call.lessons",
            "call.recommendation"} <= set(fields), got["problems"]
    assert all(f.startswith("call.") for f in fields)  # the statutory part is complete
    assert "Ocena pilotażu" in fields["call.outcome"] and "także gdy go nie osiągnięto" in fields["call.outcome"]
    r = w.post(f"{url}/transitions/submit", w.hn[0])
    assert r.status_code == 422 and "R-REP-CONTENT" in r.get_json()["type"]
    assert "Ocena pilotażu" in r.get_json()["detail"]
    assert _report(w, rep["id"])["state"] == "draft"
    # a metric needs its name, target and achieved value
    save_report(w, rep["id"], {"call": evaluation(metrics=[{"name": "Użytkownicy"}])})
    fields = {p["field"] for p in _report(w, rep["id"])["problems"]}
    assert fields == {"call.metrics.0.target", "call.metrics.0.achieved"}
    save_report(w, rep["id"], {"call": evaluation()})
    assert _report(w, rep["id"])["problems"] == []
    assert w.ok(w.post(f"{url}/transitions/submit", w.hn[0]))["state"] == "submitted"


def test_bad_evaluation_values_are_refused_on_save_and_change_nothing(pilot_world):
    w = pilot_world()
    a = running_pilot(w)
    rep = w.final_report(a["id"])
    save_report(w, rep["id"], {"call": evaluation(outcome="partially")})
    before = _report(w, rep["id"])
    for bad, field in ((evaluation(outcome="great"), "call.outcome"),
                       (evaluation(recommendation="forget"), "call.recommendation"),
                       (evaluation(lessons=5), "call.lessons"),
                       (evaluation(what_worked="x" * 10001), "call.what_worked"),
                       ({**evaluation(), "budget": "1"}, "call.budget"),
                       (evaluation(metrics=[{"name": "x", "unit": "osoby"}]), "call.metrics.0.unit")):
        errors = save_report(w, rep["id"], {"call": bad}, status=422)["errors"]
        assert field in {x["field"] for x in errors}, errors
    errors = save_report(w, rep["id"], {"call": evaluation(outcome="great")}, status=422)["errors"]
    assert "osiągnięty częściowo" in errors[0]["message"]  # Polish, naming the choices
    assert save_report(w, rep["id"], {"call": ["not", "an", "object"]}, status=422)["errors"]
    after = _report(w, rep["id"])
    assert after["content"]["call"]["outcome"] == "partially" and after["version"] == before["version"]


def test_partial_pilot_report_may_leave_the_evaluation_out(pilot_world):
    from grants.core import clock
    w = pilot_world()
    a = running_pilot(w)
    due = (clock.today() + timedelta(days=30)).isoformat()
    p = w.ok(w.post("/api/v1/reports", w.h, {"agreement_id": a["id"], "due_on": due}), 201)
    url = f"/api/v1/reports/{p['id']}"
    w.ok(w.patch(url, w.hn[0], w.report_body([Decimal("3000.00"), Decimal("200.00")], Decimal("400.00"))))
    assert _report(w, p["id"])["problems"] == []
    assert w.ok(w.post(f"{url}/transitions/submit", w.hn[0]))["state"] == "submitted"


def test_honest_not_achieved_pilot_is_accepted_and_its_settlement_returns_only_the_unused_grant(pilot_world, session):
    """9000.00 paid; 6000.00 + 500.00 spent from the grant (own 1000.00); the pilot did not reach its
    result. The settlement: 2500.00 unused, due 15 days after the task (30 November 2027 + 15 =
    15 December 2027, a Wednesday); no misuse, no interest, nothing else."""
    w = pilot_world()
    ev = evaluation(outcome="not_achieved", recommendation="stop",
                    what_worked="Partnerzy z uczelni dobrze prowadzili badania.",
                    what_did_not_work="Mieszkańcy nie korzystali z aplikacji.",
                    metrics=[{"name": "Aktywni użytkownicy", "target": "500", "achieved": "37"}])
    a, rep = reported_pilot(session, w, ev=ev, from_grant=(Decimal("6000.00"), Decimal("500.00")))
    got = _report(w, rep["id"], w.h)
    assert got["state"] == "accepted" and got["content"]["call"]["outcome"] == "not_achieved"
    assert w.agreement(a["id"])["state"] == "settling"
    s = w.settlement(a["id"])
    s = w.ok(w.post(f"/api/v1/settlements/{s['id']}/transitions/calculate", w.hf, {"findings": []}))
    lines = {x["code"]: x["amount"] for x in s["lines"]}
    assert (lines["paid"], lines["spent"], lines["unused"]) == ("9000.00", "6500.00", "2500.00")
    assert s["total_to_return"] == "2500.00"
    assert [(o["kind"], o["amount"], o["due"]) for o in s["obligations"]] == [("unused", "2500.00", "2027-12-15")]


def test_report_form_saves_the_evaluation_and_shows_it_read_only_once_submitted(pilot_world, login, client):
    w = pilot_world()
    a = running_pilot(w)
    w.end_task(a["id"])
    rep = w.final_report(a["id"])
    w.ok(w.patch(f"/api/v1/reports/{rep['id']}", w.hn[0],
                 w.report_body([Decimal("8500.00"), Decimal("500.00")], Decimal("1000.00"))))
    from tests.web.test_accessibility import problems as a11y
    login(w.ngos[0])
    page = client.get(f"/reports/{rep['id']}").get_data(as_text=True)
    assert a11y(page) == []
    assert 'name="call.outcome"' in page and 'name="call.metrics.0.name"' in page
    assert "nieosiągnięty" in page  # the honest answer is offered
    current = _report(w, rep["id"])
    form = {"version": str(current["version"]), "narrative": current["content"]["narrative"],
            "results.0.result": "Uczestnicy", "results.0.planned": "40", "results.0.achieved": "42",
            "expenditure.0.line": "0", "expenditure.0.from_grant": "8500.00", "expenditure.0.from_other": "1000.00",
            "expenditure.1.line": "1", "expenditure.1.from_grant": "500.00", "expenditure.1.from_other": "0.00",
            "sources.grant": "9000.00", "sources.own_financial": "1000.00",
            "call.outcome": "great", "call.what_worked": "Warsztaty z artystami."}
    r = client.post(f"/reports/{rep['id']}", data=form)
    assert r.status_code == 422
    assert "Wybierz jedną z wartości" in r.get_data(as_text=True) and a11y(r.get_data(as_text=True)) == []
    assert 'id="call-outcome-error"' in r.get_data(as_text=True)  # beside its field
    assert _report(w, rep["id"])["content"]["call"] == {}
    form.update({"call.outcome": "partially", "call.what_did_not_work": "Za mało mieszkańców.",
                 "call.metrics.0.name": "Uczestnicy", "call.metrics.0.target": "100", "call.metrics.0.achieved": "64",
                 "call.metrics.1.name": "", "call.metrics.1.target": "", "call.metrics.1.achieved": "",
                 "call.lessons": "Więcej promocji.", "call.recommendation": "repeat"})
    r = client.post(f"/reports/{rep['id']}", data=form)
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    call = _report(w, rep["id"])["content"]["call"]
    assert call["outcome"] == "partially" and call["metrics"] == [{"name": "Uczestnicy", "target": "100",
                                                                    "achieved": "64"}]
    w.ok(w.post(f"/api/v1/reports/{rep['id']}/transitions/submit", w.hn[0]))
    page = client.get(f"/reports/{rep['id']}").get_data(as_text=True)
    assert 'name="call.outcome"' not in page and a11y(page) == []
    assert "osiągnięty częściowo" in page and "Więcej promocji." in page and "powtórzyć pilotaż" in page
