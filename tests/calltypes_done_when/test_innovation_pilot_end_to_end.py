"""Issue 8, "done when": an innovation pilot (S9) runs end to end through the pages and the API, from
the concept call to the scale-up recommendation. One story, in the order a city and two
organisations live it; CSRF is on, so every page POST carries the token of the form it submits, read
from the page as a browser would. Ids are kept, not objects: each request ends the test's session.

1. a concept call is announced (API); one organisation writes its concept in the pages, the other
   through /api/v1/concepts; a partnership of NGOs only is refused on both paths, then corrected;
2. the deadline passes; the commission declares and scores the concepts (one card on its page, one
   through the API), closes and approves; the call is decided: one concept shortlisted, one not, and
   the call's public page shows the shortlist;
3. the pilot contest linked by call_params.concept_call_id is announced; the organisation that was not
   shortlisted cannot start an offer (the reason, on the page and in the API); the shortlisted one
   writes and submits the statutory offer; formal review, scoring, protocol and decision;
4. the agreement is drafted, signed and started (API); the officer plans a milestone on the
   agreement's page, the organisation reports progress (API), the officer decides "go" at the
   checkpoint on the page;
5. the tranche is paid, the task ends, the final report with the pilot's evaluation (recommendation
   scale_up) is typed in the report page, submitted there and accepted (API);
6. the officer recommends scaling the pilot up on the agreement's page into the next programme's open
   consultation: the direction and the agreement link to each other (pages and API).
States are read back through the API at each step; the audit trail holds the key actions."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from tests.after_award.helpers import World
from tests.calltypes_innovation.helpers import NGO_ONLY, concept_values
from tests.calltypes_pilot_after.helpers import CHECK_1, consultation, evaluation, milestones, progress
from tests.calltypes_shortlist.helpers import CRITERIA as CONCEPT_CRITERIA
from tests.commissions.test_flow_web import form, post, web_login
from tests.factories import contest_values, offer_content

START = "2026-05-04T10:00"  # the contests' year is 2027; the pilot runs 2027-03-01 to 2027-11-30
GRANT = "9000.00"  # offer_content: lines 9500.00 (action) and 500.00 (admin), own 1000.00


def _json_values(values: dict) -> dict:
    """contest_values as the JSON of POST /api/v1/contests."""
    return {k: (str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, date) else v)
            for k, v in values.items()}


def _page(web, url: str, status: int = 200) -> str:
    r = web.get(url)
    assert r.status_code == status, (url, r.status_code, r.get_data(as_text=True)[:500])
    return r.get_data(as_text=True)


def _flashed(web, r) -> str:
    """A form answered 303 back to a page: that page, with the outcome flashed."""
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    return _page(web, r.headers["Location"])


def _confirmed(web, url: str, data: dict):
    """Posts a page's form of an irreversible action and confirms the step the page then asks for."""
    r = post(web, url, data)
    if r.status_code == 200 and "Tej czynności nie można cofnąć." in r.get_data(as_text=True):
        r = post(web, url, form(r.get_data(as_text=True), url, at=url))
    return r


def _concept_form(page: str, kid: int, values: dict) -> dict:
    """The concept's edit form as read from its page, filled with `values`."""
    data = form(page, f"/concepts/{kid}/edit", at=f"/concepts/{kid}/edit")
    for k in ("title", "problem", "novelty", "pilot_plan", "estimated_budget"):
        data[f"concept.{k}"] = values[k]
    for i, p in enumerate(values["partners"]):
        assert f"concept.partners.{i}.sector" in data["_options"], f"no row {i} on the form"
        assert p["sector"] in data["_options"][f"concept.partners.{i}.sector"]
        for f in ("name", "sector", "role"):
            data[f"concept.partners.{i}.{f}"] = p[f]
    return data


def test_s9_innovation_pilot_from_concept_to_scale_up_recommendation_through_pages_and_api(
        csrf_app, client, session, make_user, make_org, api_token, clock_at):
    app = csrf_app
    clock_at(START)
    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    org_a, org_b = make_org("Fundacja Nowa Huta Innowacje"), make_org("Stowarzyszenie Robotyka Sąsiedzka")
    member_a, member_b = make_user("applicant", org=org_a), make_user("applicant", org=org_b)
    ids = SimpleNamespace(org_a=org_a.id, org_b=org_b.id, org_a_name=org_a.name, org_b_name=org_b.name)
    w = World(client=client, session=session, clock_at=clock_at, officer=officer, officer2=officer2, finance=finance,
              orgs=[org_a], ngos=[member_a], h=api_token(officer), hf=api_token(finance), hn=[api_token(member_a)])
    h, h2, ha, hb = w.h, api_token(officer2), w.hn[0], api_token(member_b)
    people = {"officer": SimpleNamespace(id=officer.id, email=officer.email),
              "member_a": SimpleNamespace(id=member_a.id, email=member_a.email),
              "member_b": SimpleNamespace(id=member_b.id, email=member_b.email),
              "officer2": SimpleNamespace(id=officer2.id, email=officer2.email)}
    tokens = {officer.id: h, officer2.id: h2}
    session.commit()

    # ================================================================ 1. the concept call and two concepts
    body = _json_values(contest_values(call_type="innovation_concept", call_params={"shortlist_size": 1},
                                       title="Pilotaże innowacji 2027 – nabór koncepcji"))
    call = w.ok(w.post("/api/v1/contests", h, body), 201)
    ids.call = call["id"]
    assert [c["code"] for c in call["criteria"]] == list(CONCEPT_CRITERIA)
    assert w.ok(w.post(f"/api/v1/contests/{ids.call}/transitions/publish", h))["state"] == "published"
    deadline = date.fromisoformat(call["deadline"][:10])

    # organisation A in the pages: started from the call's page, written in the edit form, submitted there
    web_a = web_login(app, people["member_a"])
    page = _page(web_a, f"/contests/{ids.call}")
    assert "Złóż koncepcję" in page and f'action="/contests/{ids.call}/offers"' not in page  # takes no offers
    r = post(web_a, f"/contests/{ids.call}/concepts", form(page, f"/contests/{ids.call}/concepts"))
    assert r.status_code == 303 and r.headers["Location"].endswith("/edit")
    ids.concept_a = int(re.search(r"/concepts/(\d+)/edit", r.headers["Location"]).group(1))
    edit = f"/concepts/{ids.concept_a}/edit"
    values_a = concept_values(title="Teatr z aplikacją dla seniorów", partners=NGO_ONLY)
    show = _flashed(web_a, post(web_a, edit, _concept_form(_page(web_a, edit + "?rows=2"), ids.concept_a, values_a)))
    assert "Zapisano koncepcję." in show
    # a partnership of NGOs only: the reason is listed and the submission refused, nothing changes
    assert "wyłącznie z organizacji pozarządowych" in show
    submit = f"/concepts/{ids.concept_a}/transitions/submit"
    page = _flashed(web_a, post(web_a, submit, form(show, submit)))
    assert "wyłącznie z organizacji pozarządowych" in page and "Wykonano" not in page
    assert w.ok(w.get(f"/api/v1/concepts/{ids.concept_a}", ha))["state"] == "draft"
    values_a["partners"] = concept_values()["partners"]  # an NGO and a start-up
    show = _flashed(web_a, post(web_a, edit, _concept_form(_page(web_a, edit), ids.concept_a, values_a)))
    assert "Koncepcja jest kompletna" in show and "AppTeatr sp. z o.o." in show
    page = _flashed(web_a, _confirmed(web_a, submit, form(show, submit)))
    assert "Wykonano czynność „Złóż koncepcję”" in page
    got = w.ok(w.get(f"/api/v1/concepts/{ids.concept_a}", ha))
    assert got["state"] == "submitted" and got["number"] and got["number"] in page

    # organisation B through the API, NGOs only first (refused with the reason), then corrected
    body = concept_values(title="Warsztaty z robotyką", partners=NGO_ONLY) | {
        "contest_id": ids.call, "organisation_id": str(ids.org_b)}
    ids.concept_b = w.ok(w.post("/api/v1/concepts", hb, body), 201)["id"]
    r = w.post(f"/api/v1/concepts/{ids.concept_b}/transitions/submit", hb)
    assert r.status_code == 422 and "wyłącznie z organizacji pozarządowych" in r.get_json()["detail"]
    partners = NGO_ONLY + [{"name": "Politechnika Krakowska", "sector": "university", "role": "Roboty i badania"}]
    w.ok(w.patch(f"/api/v1/concepts/{ids.concept_b}", hb, {"partners": partners}))
    assert w.ok(w.post(f"/api/v1/concepts/{ids.concept_b}/transitions/submit", hb))["state"] == "submitted"
    # one organisation never sees another's concept
    assert w.get(f"/api/v1/concepts/{ids.concept_a}", hb).status_code == 404

    # ================================================================ 2. the commission shortlists
    w.at(deadline + timedelta(days=1))  # the scheduler closes the call at its deadline
    assert w.ok(w.get(f"/api/v1/contests/{ids.call}", h))["state"] == "closed"
    for name in ("start_formal_review", "start_evaluation"):
        w.ok(w.post(f"/api/v1/contests/{ids.call}/transitions/{name}", h))
    ids.com1 = _commission(w, ids.call, [(people["officer"], True), (people["officer2"], False)], tokens,
                           {str(ids.org_a), str(ids.org_b)})
    # the chair scores on the concept card page, the second member through the API
    web_o = web_login(app, people["officer"])
    page = _page(web_o, f"/commissions/{ids.com1}")
    for kid, points in ((ids.concept_a, "9"), (ids.concept_b, "3")):
        url = f"/commissions/{ids.com1}/concepts/{kid}/card"
        assert url in page
        data = form(_page(web_o, url), url)
        data.update({f"scores.{c}": points for c in CONCEPT_CRITERIA})
        data.update({f"justifications.{c}": "Uzasadnienie oceny koncepcji" for c in CONCEPT_CRITERIA})
        data["submit"] = "1"
        assert _confirmed(web_o, url, data).status_code == 303
    for kid, points in ((ids.concept_a, "8"), (ids.concept_b, "2")):
        card = {"scores": {c: points for c in CONCEPT_CRITERIA},
                "justifications": {c: "Uzasadnienie" for c in CONCEPT_CRITERIA}, "submit": True}
        r = w.client.put(f"/api/v1/commissions/{ids.com1}/concept-cards/{kid}", json=card, headers=h2)
        assert w.ok(r)["state"] == "submitted"
    for name in ("close_scoring", "approve_protocol"):
        w.ok(w.post(f"/api/v1/commissions/{ids.com1}/transitions/{name}", h))
    ranking = w.ok(w.get(f"/api/v1/commissions/{ids.com1}/concept-ranking", h))["items"]
    assert [x["concept_id"] for x in ranking] == [str(ids.concept_a), ids.concept_b]
    assert w.ok(w.post(f"/api/v1/contests/{ids.call}/transitions/decide", h))["state"] == "decided"
    assert w.ok(w.get(f"/api/v1/concepts/{ids.concept_a}", ha))["state"] == "shortlisted"
    assert w.ok(w.get(f"/api/v1/concepts/{ids.concept_b}", hb))["state"] == "not_shortlisted"
    public = _page(app.test_client(), f"/contests/{ids.call}")
    shortlist = public.split("Koncepcje zakwalifikowane do etapu II")[1]
    assert "Teatr z aplikacją dla seniorów" in shortlist and ids.org_a_name in shortlist
    assert "Warsztaty z robotyką" not in public and ids.org_b_name not in shortlist

    # ================================================================ 3. the pilot contest and its offer
    body = _json_values(contest_values(call_type="innovation_pilot", call_params={"concept_call_id": int(ids.call)},
                                       title="Pilotaże innowacji 2027 – konkurs na pilotaż"))
    pilot = w.ok(w.post("/api/v1/contests", h, body), 201)
    ids.pilot = pilot["id"]
    assert pilot["call_params"] == {"concept_call_id": int(ids.call)}
    assert w.ok(w.post(f"/api/v1/contests/{ids.pilot}/transitions/publish", h))["state"] == "published"
    page = _page(app.test_client(), f"/contests/{ids.call}")
    assert f'href="/contests/{ids.pilot}"' in page, page[page.find('id="concepts"'):]  # linked from stage 1
    # the organisation that was not shortlisted: the reason on the page, a 422 in the API
    web_b = web_login(app, people["member_b"])
    page = _page(web_b, f"/contests/{ids.pilot}")
    eligibility = page.split("Czy moja organizacja może złożyć ofertę?")[1]
    assert "zakwalifikowano do etapu II w naborze koncepcji" in eligibility
    # a new-offer request from the pages (the session's token, as any form of the page carries it): refused
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    page = _flashed(web_b, post(web_b, f"/contests/{ids.pilot}/offers",
                                {"csrf_token": token, "organisation_id": str(ids.org_b)}))
    assert "Ta organizacja nie ma takiej koncepcji." in page
    r = w.post("/api/v1/offers", hb, {"contest_id": ids.pilot, "organisation_id": str(ids.org_b)})
    assert r.status_code == 422 and "zakwalifikowano do etapu II" in r.get_json()["detail"]
    assert w.ok(w.get("/api/v1/offers", hb))["total"] == 0
    # the shortlisted organisation writes and submits the full statutory offer
    page = _page(web_a, f"/contests/{ids.pilot}")
    assert "tak — koncepcja tej organizacji została zakwalifikowana" in page
    offer = w.ok(w.post("/api/v1/offers", ha, {"contest_id": ids.pilot, "organisation_id": str(ids.org_a)}), 201)
    ids.offer = offer["id"]
    w.offers = [SimpleNamespace(id=ids.offer)]
    task = SimpleNamespace(task_type=pilot["task_type"], task_start=date.fromisoformat(pilot["task_start"]))
    w.ok(w.patch(f"/api/v1/offers/{ids.offer}", ha, offer_content(task, GRANT)))
    assert w.ok(w.get(f"/api/v1/offers/{ids.offer}", ha))["problems"] == []
    submitted = w.ok(w.post(f"/api/v1/offers/{ids.offer}/transitions/submit", ha))
    assert submitted["state"] == "submitted" and submitted["receipt"]
    # formal review, scoring on the pilot criteria, protocol, decision
    w.at(date.fromisoformat(pilot["deadline"][:10]) + timedelta(days=1))
    assert w.ok(w.get(f"/api/v1/contests/{ids.pilot}", h))["state"] == "closed"
    w.ok(w.post(f"/api/v1/contests/{ids.pilot}/transitions/start_formal_review", h))
    checks = {x["code"]: True for x in pilot["formal_checklist"]}
    w.ok(w.patch(f"/api/v1/offers/{ids.offer}/formal-checks", h, {"checks": checks}))
    assert w.ok(w.post(f"/api/v1/offers/{ids.offer}/transitions/accept_formally", h))["state"] == "eligible"
    w.ok(w.post(f"/api/v1/contests/{ids.pilot}/transitions/start_evaluation", h))
    ids.com2 = _commission(w, ids.pilot, [(people["officer"], True), (people["officer2"], False)], tokens,
                           {str(ids.org_a)})
    codes = {c["code"]: c["max_points"] for c in pilot["criteria"]}
    assert {"novelty", "cross_sector", "scalability", "learning"} <= set(codes)  # the pilot's criteria added
    for hh in (h, h2):
        card = {"scores": {c: str(m) for c, m in codes.items()}, "justifications": {c: "Uzasadnienie" for c in codes},
                "submit": True}
        w.ok(w.client.put(f"/api/v1/commissions/{ids.com2}/score-cards/{ids.offer}", json=card, headers=hh))
    for name in ("close_scoring", "approve_protocol"):
        w.ok(w.post(f"/api/v1/commissions/{ids.com2}/transitions/{name}", h))
    assert w.ok(w.post(f"/api/v1/contests/{ids.pilot}/transitions/decide", h))["state"] == "decided"
    assert w.ok(w.get(f"/api/v1/offers/{ids.offer}", ha))["state"] == "ready_for_agreement"

    # ================================================================ 4. agreement and milestones
    a = w.draft(0, pattern="100")
    ids.agreement = a["id"]
    w.sign(ids.agreement)
    w.start_task(ids.agreement)
    assert w.agreement(ids.agreement)["state"] == "in_progress"
    web_o = web_login(app, people["officer"])  # business time moved on: a fresh sign-in
    page = _page(web_o, f"/agreements/{ids.agreement}")
    assert "Pilotaż: kamienie milowe" in page
    plan_url = f"/pilots/{ids.agreement}/milestones"
    data = form(page, plan_url)
    data.update(title="Prototyp usługi w dwóch osiedlach", success_criteria="30 seniorów testuje aplikację",
                checkpoint_on=CHECK_1.isoformat())
    assert "Dodano kamień milowy" in _flashed(web_o, post(web_o, plan_url, data))
    w.ok(progress(w, ids.agreement, 1, "32 seniorów testuje aplikację; dwa spektakle za nami."))
    w.at(CHECK_1)
    web_o = web_login(app, people["officer"])
    page = _page(web_o, f"/agreements/{ids.agreement}")
    assert "32 seniorów testuje aplikację" in page
    decision_url = f"/pilots/{ids.agreement}/milestones/1/decision"
    data = form(page, decision_url)
    assert data["_options"]["decision"] == ["go", "no_go"]
    data.update(decision="go", note="Kryteria sukcesu spełnione: kontynuujemy.")
    assert "Zapisano decyzję przy kamieniu milowym nr 1" in _flashed(web_o, post(web_o, decision_url, data))
    m = milestones(w, ids.agreement)["items"][0]
    assert (m["decision"], m["progress"]) == ("go", "32 seniorów testuje aplikację; dwa spektakle za nami.")

    # ================================================================ 5. payment, the final report with the evaluation
    tranche = w.agreement(ids.agreement)["tranches"][0]
    assert w.pay(tranche["id"], CHECK_1)["state"] == "paid"
    w.end_task(ids.agreement)
    rep = w.final_report(ids.agreement, ha)
    ids.report = rep["id"]
    web_a = web_login(app, people["member_a"])
    url = f"/reports/{ids.report}"
    page = _page(web_a, url)
    data = form(page, url, at=url)
    assert "call.outcome" in data and "call.recommendation" in data  # the evaluation is part of the form
    ev = evaluation()
    data.update({"narrative": "Zrealizowano wszystkie działania pilotażu.",
                 "results.0.result": "Uczestnicy", "results.0.planned": "40", "results.0.achieved": "42",
                 "expenditure.0.line": "0", "expenditure.0.from_grant": "8500.00",
                 "expenditure.0.from_other": "1000.00",
                 "expenditure.1.line": "1", "expenditure.1.from_grant": "500.00", "expenditure.1.from_other": "0.00",
                 "sources.grant": "9000.00", "sources.own_financial": "1000.00",
                 "call.outcome": ev["outcome"], "call.what_worked": ev["what_worked"],
                 "call.what_did_not_work": ev["what_did_not_work"], "call.lessons": ev["lessons"],
                 "call.recommendation": ev["recommendation"], "call.metrics.0.name": ev["metrics"][0]["name"],
                 "call.metrics.0.target": ev["metrics"][0]["target"],
                 "call.metrics.0.achieved": ev["metrics"][0]["achieved"]})
    page = _flashed(web_a, post(web_a, url, data))
    assert "Zapisano sprawozdanie." in page
    got = w.ok(w.get(f"/api/v1/reports/{ids.report}", ha))
    assert got["content"]["call"] == ev and got["problems"] == [], got.get("problems")
    submit = f"/reports/{ids.report}/transitions/submit"
    _flashed(web_a, _confirmed(web_a, submit, form(page, submit)))
    assert w.ok(w.get(f"/api/v1/reports/{ids.report}", ha))["state"] == "submitted"
    for name in ("start_review", "accept"):
        w.ok(w.post(f"/api/v1/reports/{ids.report}/transitions/{name}", h))
    assert w.ok(w.get(f"/api/v1/reports/{ids.report}", h))["state"] == "accepted"

    # ================================================================ 6. scale-up into the next programme
    ids.consultation = consultation(session, officer, "open", "Konsultacje programu współpracy na 2028").id
    web_o = web_login(app, people["officer"])
    page = _page(web_o, f"/agreements/{ids.agreement}")
    assert "Mieszkańcy chętnie korzystali z usługi." in page  # the evaluation, summarised in the panel
    scale_url = f"/pilots/{ids.agreement}/scale-up"
    data = form(page, scale_url)
    assert str(ids.consultation) in data["_options"]["consultation_id"]
    data.update(consultation_id=str(ids.consultation), estimated_funds="250000,00")
    r = post(web_o, scale_url, data)
    assert r.status_code == 303 and r.headers["Location"].startswith("/directions/"), r.get_data(as_text=True)[:2000]
    ids.direction = int(re.search(r"/directions/(\d+)", r.headers["Location"]).group(1))
    page = _page(web_o, r.headers["Location"])
    assert f'href="/agreements/{ids.agreement}#pilot"' in page  # the direction links to the pilot
    page = _page(web_o, f"/agreements/{ids.agreement}")
    assert f'href="/directions/{ids.direction}"' in page and "Rekomenduj upowszechnienie" not in page  # and back
    d = w.ok(w.get(f"/api/v1/directions/{ids.direction}", h))
    assert d["consultation_id"] == str(ids.consultation) and d["estimated_funds"] == "250000.00"
    assert d["scale_up_agreement_id"] == str(ids.agreement)
    assert d["title"].startswith("Upowszechnienie pilotażu")
    assert w.ok(w.get(f"/api/v1/agreements/{ids.agreement}/scale-up", h))["direction_id"] == str(ids.direction)

    # ================================================================ the audit trail holds the key actions
    officer_id, member_a_id, member_b_id = people["officer"].id, people["member_a"].id, people["member_b"].id
    # the refused submissions (NGOs only) left no trace; the pages' saves did
    assert _trail("concept", ids.concept_a) == [("create", member_a_id), ("save", member_a_id),
                                                ("save", member_a_id), ("submit", member_a_id),
                                                ("shortlist", officer_id)]
    assert _trail("concept", ids.concept_b) == [("create", member_b_id), ("save", member_b_id),
                                                ("submit", member_b_id), ("not_shortlist", officer_id)]
    key_actions = {
        ("contest", ids.call): [("publish", officer_id), ("close", None), ("decide", officer_id)],
        ("contest", ids.pilot): [("publish", officer_id), ("close", None), ("start_formal_review", officer_id),
                                 ("decide", officer_id)],
        ("offer", ids.offer): [("create", member_a_id), ("submit", member_a_id), ("accept_formally", officer_id),
                               ("select", officer_id)],
        ("agreement", ids.agreement): [("sign", officer_id), ("start", None), ("milestone_plan", officer_id),
                                       ("milestone_progress", member_a_id), ("milestone_decision", officer_id),
                                       ("finish", None), ("scale_up", officer_id)],
        ("report", ids.report): [("save", member_a_id), ("submit", member_a_id), ("accept", officer_id)],
    }
    for (kind, oid), expected in key_actions.items():
        trail = _trail(kind, oid)
        assert _in_order(expected, trail), (kind, oid, trail)
    assert _trail("direction", ids.direction) == [("create", officer_id)]  # proposed by the officer, from the pilot
    from grants.core import audit, db
    assert audit.verify(db.session()).ok
    db.session.remove()


def _trail(kind: str, oid) -> list[tuple]:
    """(action, actor id) of the object's audit entries in order; None for the system (the scheduler)."""
    from sqlalchemy import select

    from grants.core import db
    from grants.core.audit import AuditEntry
    s = db.session()
    try:
        return [tuple(r) for r in s.execute(select(AuditEntry.action, AuditEntry.actor_id).where(
            AuditEntry.object_type == kind, AuditEntry.object_id == str(oid)).order_by(AuditEntry.seq))]
    finally:
        db.session.remove()


def _in_order(expected: list[str], actions: list[str]) -> bool:
    it = iter(actions)
    return all(any(a == e for a in it) for e in expected)


def _commission(w, contest_id, members, tokens, organisations) -> str:
    """A commission of city officers (the first chairs) for the contest, composed and declared through
    the API, in scoring; `organisations` are the ones its members must declare about."""
    h = w.h
    cid = w.ok(w.post("/api/v1/commissions", h, {"contest_id": str(contest_id)}), 201)["id"]
    for user, chair in members:
        w.ok(w.post(f"/api/v1/commissions/{cid}/members", h, {"user_id": str(user.id), "kind": "city",
                                                             "is_chair": chair}))
    w.ok(w.post(f"/api/v1/commissions/{cid}/transitions/open_declarations", h,
                {"without_ngo_reason": "none_nominated"}))
    orgs = w.ok(w.get(f"/api/v1/commissions/{cid}/declarations", h))["organisations"]
    assert set(orgs) == organisations
    for user, _chair in members:
        for org in orgs:
            w.ok(w.post(f"/api/v1/commissions/{cid}/declarations", tokens[user.id],
                        {"organisation_id": org, "conflict": False, "grounds": []}), 201)
    w.ok(w.post(f"/api/v1/commissions/{cid}/transitions/start_scoring", h))
    return cid
