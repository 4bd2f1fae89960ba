"""After the award of a youth contest: the agreement, then the final report's venture records and
indicators (report.content["call"]) through the API. Bad numbers are refused on save (nothing
changed); an incomplete or inconsistent section refuses the submission (R-REP-CONTENT) naming the
field; a complete one is submitted and accepted."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.after_award.helpers import World
from tests.calltypes_youth.helpers import report_call, youth_decided


@pytest.fixture
def reporting(client, session, make_user, make_org, api_token, clock_at):
    """A decided youth contest, its agreement signed and the task over: the final report open."""
    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    org = make_org()
    ngo = make_user("applicant", org=org)
    w = World(client=client, session=session, clock_at=clock_at, officer=officer, officer2=officer2,
              finance=finance, orgs=[org], ngos=[ngo], h=api_token(officer), hf=api_token(finance),
              hn=[api_token(ngo)])
    w.contest, w.offers = youth_decided(session, officer, officer2, [(ngo, org, "9000.00")])
    a = w.draft(0)
    w.sign(a["id"])
    w.start_task(a["id"])
    w.end_task(a["id"])
    assert w.agreement(a["id"])["state"] == "reporting"
    rep = w.final_report(a["id"], w.hn[0])
    w.url = f"/api/v1/reports/{rep['id']}"
    w.agreement_id = a["id"]
    # the statutory part, complete (9500.00 + 500.00 planned; own contribution 1000.00)
    w.ok(w.patch(w.url, w.hn[0], w.report_body([Decimal("8500.00"), Decimal("500.00")], Decimal("1000.00"))))
    return w


def _problems(w):
    return {p["field"]: p["message"] for p in w.ok(w.get(w.url, w.hn[0]))["problems"]}


def test_youth_agreement_carries_the_contest_and_its_final_report_asks_for_ventures(reporting):
    w = reporting
    assert w.contest.call_type == "youth_entrepreneurship" and w.contest.state == "decided"
    probs = _problems(w)
    assert "call.ventures" in probs and "call.indicators.ventures_started" in probs
    r = w.post(f"{w.url}/transitions/submit", w.hn[0])
    assert r.status_code == 422 and "R-REP-CONTENT" in r.get_json()["type"], r.get_data(as_text=True)


def test_youth_final_report_with_venture_records_and_indicators_submitted_and_accepted(reporting):
    w = reporting
    got = w.ok(w.patch(w.url, w.hn[0], {"call": report_call()}))
    assert got["problems"] == [], got["problems"]
    call = got["content"]["call"]
    assert call["ventures"][0]["continues"] is True and call["ventures"][1]["participants"] == 7
    assert call["indicators"]["mentor_hours"] == "64.5" and call["indicators"]["ventures_active_at_end"] == 1
    # the rest of the report stays as it was
    assert got["content"]["narrative"] == "Zrealizowano wszystkie działania."
    w.accept_report(got["id"])
    assert w.ok(w.get(w.url, w.h))["state"] == "accepted"


@pytest.mark.parametrize("bad, field", [
    ({"indicators": {"ventures_started": -1}}, "call.indicators.ventures_started"),
    ({"indicators": {"ventures_active_at_end": "dwa"}}, "call.indicators.ventures_active_at_end"),
    ({"indicators": {"mentor_hours": "-5"}}, "call.indicators.mentor_hours"),
    ({"indicators": {"mentor_hours": 12.25}}, "call.indicators.mentor_hours"),
    ({"indicators": {"age_groups": [{"age_from": 14, "age_to": 15, "participants": -3}]}},
     "call.indicators.age_groups.0.participants"),
    ({"ventures": [{"name": "X", "participants": 2.5}]}, "call.ventures.0.participants"),
    ({"ventures": [{"name": "X", "continues": "chyba"}]}, "call.ventures.0.continues"),
    ({"indicators": {"profit": "100"}}, "call.indicators.profit"),
])
def test_youth_bad_indicators_refused_on_save_and_nothing_changed(reporting, bad, field):
    w = reporting
    saved = w.ok(w.patch(w.url, w.hn[0], {"call": report_call()}))
    r = w.patch(w.url, w.hn[0], {"call": bad})
    assert r.status_code == 422, (bad, r.get_data(as_text=True))
    errors = r.get_json()["errors"]
    assert field in [e["field"] for e in errors], errors
    now = w.ok(w.get(w.url, w.hn[0]))
    assert (now["content"], now["version"]) == (saved["content"], saved["version"])


def _refused(w, call, field, words):
    w.ok(w.patch(w.url, w.hn[0], {"call": call}))
    probs = _problems(w)
    assert field in probs and words in probs[field], probs
    before = w.ok(w.get(w.url, w.hn[0]))
    r = w.post(f"{w.url}/transitions/submit", w.hn[0])
    assert r.status_code == 422, r.get_data(as_text=True)
    assert "R-REP-CONTENT" in r.get_json()["type"]
    after = w.ok(w.get(w.url, w.hn[0]))
    assert (after["state"], after["submitted_at"], after["version"]) == ("draft", None, before["version"])


def test_youth_report_more_ventures_active_at_the_end_than_started_refused(reporting):
    call = report_call()
    call["indicators"]["ventures_active_at_end"] = 3
    _refused(reporting, call, "call.indicators.ventures_active_at_end", "(3) niż założono (2)")


def test_youth_report_missing_indicators_refused(reporting):
    call = report_call()
    call["indicators"] = {}
    w = reporting
    _refused(w, call, "call.indicators.ventures_started", "liczbę założonych przedsięwzięć")
    assert {"call.indicators.age_groups", "call.indicators.ventures_active_at_end",
            "call.indicators.mentor_hours"} <= set(_problems(w))


def test_youth_report_without_venture_records_refused(reporting):
    _refused(reporting, report_call(ventures=[]), "call.ventures", "Opisz każde przedsięwzięcie")


def test_youth_report_venture_record_needs_what_it_did_and_whether_it_continues(reporting):
    call = report_call()
    call["ventures"][1] = {"name": "Spółdzielnia Kawa na Ławę", "participants": 7}
    _refused(reporting, call, "call.ventures.1.activity", "opisz, co zrobiło")
    assert "call.ventures.1.continues" in _problems(reporting)


def test_youth_report_each_started_venture_recorded(reporting):
    call = report_call()
    call["indicators"]["ventures_started"] = 3
    _refused(reporting, call, "call.indicators.ventures_started", "Założono 3 przedsięwzięć, a opisano 2")


def test_youth_report_continuing_ventures_not_more_than_active_at_the_end(reporting):
    call = report_call()
    call["ventures"][1]["continues"] = True  # two continue, one active at the end
    _refused(reporting, call, "call.indicators.ventures_active_at_end", "2 przedsięwzięć działa dalej")


def test_youth_report_reversed_age_group_refused(reporting):
    call = report_call()
    call["indicators"]["age_groups"][0] = {"age_from": 16, "age_to": 14, "participants": 6}
    _refused(reporting, call, "call.indicators.age_groups.0.age_to", "„od” (16) jest większe niż „do” (14)")


def test_youth_report_section_written_only_by_the_organisation(reporting, make_user, make_org, api_token):
    w = reporting
    before = w.ok(w.get(w.url, w.hn[0]))
    assert w.patch(w.url, w.h, {"call": report_call()}).status_code == 403
    other = api_token(make_user("applicant", org=make_org()))
    assert w.patch(w.url, other, {"call": report_call()}).status_code == 404
    assert w.client.patch(w.url, json={"call": report_call()}).status_code == 401
    assert w.ok(w.get(w.url, w.hn[0]))["version"] == before["version"]


# ------------------------------------------------------------------ the report form (pages)

def _report_form(w, rid, **call):
    from werkzeug.datastructures import MultiDict

    from grants.core import db
    from grants.reports.models import Report
    version = db.session().get(Report, int(rid)).version
    db.session.remove()
    fields = [("version", str(version)), ("narrative", "Zrealizowano wszystkie działania."),
              ("results.0.result", "Uczestnicy"), ("results.0.planned", "40"), ("results.0.achieved", "42"),
              ("expenditure.0.line", "0"), ("expenditure.0.from_grant", "8500.00"), ("expenditure.0.from_other", "1000.00"),
              ("expenditure.1.line", "1"), ("expenditure.1.from_grant", "500.00"), ("expenditure.1.from_other", "0.00"),
              ("sources.grant", "9000.00"), ("sources.own_financial", "1000.00")]
    base = {
        "call.ventures.0.name": "Szkolny sklepik ekologiczny", "call.ventures.0.activity": "Sześć kiermaszy.",
        "call.ventures.0.participants": "8", "call.ventures.0.continues": "yes",
        "call.ventures.1.name": "Spółdzielnia Kawa na Ławę", "call.ventures.1.activity": "Kawiarenka.",
        "call.ventures.1.participants": "7", "call.ventures.1.continues": "no",
        "call.ventures.2.name": "", "call.ventures.2.activity": "", "call.ventures.2.participants": "",
        "call.ventures.2.continues": "",  # the blank row
        "call.indicators.age_groups.0.age_from": "14", "call.indicators.age_groups.0.age_to": "18",
        "call.indicators.age_groups.0.participants": "15",
        "call.indicators.ventures_started": "2", "call.indicators.ventures_active_at_end": "1",
        "call.indicators.mentor_hours": "40,5",
    }
    base.update(call)
    return MultiDict(fields + [(k, v) for k, v in base.items() if v is not None])


def test_youth_report_venture_records_typed_in_the_report_page_then_shown_read_only(reporting, app, login):
    w = reporting
    rid = w.url.rsplit("/", 1)[1]
    web = login(w.ngos[0], app.test_client())
    from tests.web.test_accessibility import problems as a11y
    page = web.get(f"/reports/{rid}").get_data(as_text=True)
    assert a11y(page) == []
    for name in ("call.ventures.0.name", "call.ventures.0.continues", "call.indicators.age_groups.0.participants",
                 "call.indicators.ventures_started", "call.indicators.mentor_hours"):
        assert f'name="{name}"' in page, name
    r = web.post(f"/reports/{rid}", data=_report_form(w, rid))
    assert r.status_code == 303, r.get_data(as_text=True)[-3000:]
    got = w.ok(w.get(w.url, w.hn[0]))
    assert got["problems"] == [], got["problems"]
    call = got["content"]["call"]
    assert [(v["name"], v["continues"]) for v in call["ventures"]] == [
        ("Szkolny sklepik ekologiczny", True), ("Spółdzielnia Kawa na Ławę", False)]
    assert call["indicators"]["mentor_hours"] == "40.5" and call["indicators"]["ventures_started"] == 2
    assert web.post(f"/reports/{rid}/transitions/submit", data={"version": str(got["version"])}).status_code == 303
    page = login(w.officer, app.test_client()).get(f"/reports/{rid}").get_data(as_text=True)
    assert "Spółdzielnia Kawa na Ławę" in page and 'name="call.ventures.0.name"' not in page
    assert "Godziny pracy mentorów" in page and "40.5" in page
    assert a11y(page) == []


def test_youth_report_page_bad_indicator_shown_beside_its_field_and_nothing_saved(reporting, app, login):
    import re
    w = reporting
    rid = w.url.rsplit("/", 1)[1]
    web = login(w.ngos[0], app.test_client())
    before = w.ok(w.get(w.url, w.hn[0]))
    r = web.post(f"/reports/{rid}", data=_report_form(w, rid, **{"call.indicators.ventures_started": "-2"}))
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    m = re.search(r'<p class="error-message" id="call-indicators-ventures_started-error">(.*?)</p>', page, re.S)
    assert m and "nie może być ujemna" in m.group(1)
    assert 'value="-2"' in page  # what was typed is shown again
    from tests.web.test_accessibility import problems as a11y
    assert a11y(page) == []
    after = w.ok(w.get(w.url, w.hn[0]))
    assert (after["content"], after["version"]) == (before["content"], before["version"])
