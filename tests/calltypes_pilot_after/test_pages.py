"""The pilot's panel on the agreement's page (S9): the officer plans milestones and decides go or
no-go, the organisation reports progress, the evaluation and the scale-up form; refusals flashed and
nothing changed; who may see and post what (404 for what one does not see, 403 for a role)."""
from __future__ import annotations

from datetime import date

from tests.calltypes_pilot_after.helpers import (CHECK_1, consultation, decide, milestones, plan, progress,
                                                 reported_pilot, running_pilot)


def _page(client, aid):
    from tests.web.test_accessibility import problems as a11y
    r = client.get(f"/agreements/{aid}")
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    page = r.get_data(as_text=True)
    assert a11y(page) == []
    return page


def _flash(client, r):
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    return client.get(r.headers["Location"]).get_data(as_text=True)


def test_officer_plans_and_decides_organisation_reports_progress_through_the_page(pilot_world, app, login):
    w = pilot_world()
    a = running_pilot(w)
    officer = login(w.officer, app.test_client())
    page = _page(officer, a["id"])
    assert "Pilotaż: kamienie milowe" in page and "Zaplanuj kamień milowy" in page
    r = officer.post(f"/pilots/{a['id']}/milestones", data={"title": "Prototyp", "success_criteria": "30 osób testuje",
                                                            "checkpoint_on": CHECK_1.isoformat()})
    page = _flash(officer, r)
    assert "Dodano kamień milowy" in page and "Prototyp" in page
    # a checkpoint outside the task period: the reason is shown, nothing added
    r = officer.post(f"/pilots/{a['id']}/milestones", data={"title": "Za późno", "success_criteria": "x",
                                                            "checkpoint_on": "2028-01-10"})
    assert "w okresie realizacji zadania" in _flash(officer, r)
    assert milestones(w, a["id"])["total"] == 1
    ngo = login(w.ngos[0], app.test_client())
    page = _page(ngo, a["id"])
    assert "Zgłoś postęp" in page and "Zaplanuj kamień milowy" not in page and "Zapisz decyzję" not in page
    r = ngo.post(f"/pilots/{a['id']}/milestones/1/progress", data={"progress": "32 osoby testują.", "version": "1"})
    assert "Zapisano postęp" in _flash(ngo, r)
    # the organisation may not decide or plan
    assert ngo.post(f"/pilots/{a['id']}/milestones/1/decision", data={"decision": "go", "note": "ok ok",
                                                                        "version": "2"}).status_code == 403
    assert ngo.post(f"/pilots/{a['id']}/milestones", data={"title": "x", "success_criteria": "y",
                                                           "checkpoint_on": "2027-06-01"}).status_code == 403
    # before the checkpoint the officer's decision is refused with the reason
    page = _page(officer, a["id"])
    assert "punktu kontrolnego (03.05.2027) lub później" in page and "32 osoby testują." in page
    r = officer.post(f"/pilots/{a['id']}/milestones/1/decision", data={"decision": "go", "note": "Dobrze.", "version": "2"})
    assert "lub później" in _flash(officer, r)
    assert milestones(w, a["id"])["items"][0]["decision"] == "pending"
    w.at(CHECK_1)
    page = _page(officer, a["id"])
    assert "Zapisz decyzję" in page
    # a stale page: refused, nothing changed
    r = officer.post(f"/pilots/{a['id']}/milestones/1/decision", data={"decision": "no_go", "note": "Stop.", "version": "1"})
    assert "w międzyczasie zmieniony" in _flash(officer, r)
    r = officer.post(f"/pilots/{a['id']}/milestones/1/decision", data={"decision": "no_go", "note": "Za mało osób.",
                                                                     "version": "2"})
    page = _flash(officer, r)
    assert "Zapisano decyzję" in page and "Pilotaż zatrzymano decyzją no-go przy kamieniu milowym nr 1" in page
    assert "Rozwiąż umowę" in page
    m = milestones(w, a["id"])["items"][0]
    assert (m["decision"], m["decision_note"]) == ("no_go", "Za mało osób.")
    # twice: refused, the first decision stays
    r = officer.post(f"/pilots/{a['id']}/milestones/1/decision", data={"decision": "go", "note": "Jednak tak.",
                                                                     "version": "3"})
    assert "ostateczna" in _flash(officer, r)
    assert milestones(w, a["id"])["items"][0]["decision"] == "no_go"


def test_pilot_pages_answer_404_to_those_who_do_not_see_the_agreement(pilot_world, app, login):
    w = pilot_world()
    a = running_pilot(w)
    plan(w, a["id"])
    for user in (w.outsider, w.other_officer):
        c = login(user, app.test_client())
        assert c.get(f"/agreements/{a['id']}").status_code == 404
        assert c.post(f"/pilots/{a['id']}/milestones/1/progress", data={"progress": "x", "version": "1"}).status_code == 404
        assert c.post(f"/pilots/{a['id']}/milestones/1/decision", data={"decision": "go", "note": "ok ok"}).status_code == 404
        assert c.post(f"/pilots/{a['id']}/milestones", data={"title": "x"}).status_code == 404
        assert c.post(f"/pilots/{a['id']}/scale-up", data={"consultation_id": "1"}).status_code == 404
    anon = app.test_client()
    assert anon.post(f"/pilots/{a['id']}/milestones", data={"title": "x"}).status_code in (302, 401)
    assert milestones(w, a["id"])["items"][0]["progress"] is None


def test_standard_agreement_has_no_pilot_panel_and_no_pilot_routes(pilot_world, app, login):
    w = pilot_world(pilot=False)
    a = w.draft(0)
    officer = login(w.officer, app.test_client())
    assert "kamienie milowe" not in _page(officer, a["id"])
    assert officer.post(f"/pilots/{a['id']}/milestones", data={"title": "x", "success_criteria": "y",
                                                               "checkpoint_on": "2027-05-03"}).status_code == 404


def test_scale_up_form_lists_eligible_consultations_and_recommends_through_the_page(pilot_world, app, login, session):
    w = pilot_world()
    a, rep = reported_pilot(session, w)
    open_c = consultation(session, w.officer, "open", "Konsultacje programu 2028")
    consultation(session, w.officer, "closed", "Konsultacje zamknięte")
    officer = login(w.officer, app.test_client())
    page = _page(officer, a["id"])
    assert "Rekomenduj upowszechnienie" in page and "Konsultacje programu 2028" in page
    assert "Konsultacje zamknięte" not in page
    assert "Mieszkańcy chętnie korzystali z usługi." in page  # the evaluation summary
    ngo = login(w.ngos[0], app.test_client())
    assert "Rekomenduj upowszechnienie" not in _page(ngo, a["id"])
    assert ngo.post(f"/pilots/{a['id']}/scale-up", data={"consultation_id": str(open_c.id)}).status_code == 403
    r = officer.post(f"/pilots/{a['id']}/scale-up", data={"consultation_id": str(open_c.id), "title": ""})
    assert r.status_code == 303 and r.headers["Location"].startswith("/directions/")
    page = officer.get(r.headers["Location"]).get_data(as_text=True)
    assert "Kierunek zaproponowany na podstawie pilotażu" in page
    page = _page(officer, a["id"])
    assert "Kierunek zaproponowany na podstawie pilotażu:" in page and "Rekomenduj upowszechnienie" not in page
    r = officer.post(f"/pilots/{a['id']}/scale-up", data={"consultation_id": str(open_c.id)})
    assert "już zarekomendowano" in _flash(officer, r)


def test_milestone_forms_need_the_csrf_token(pilot_world, app, login):
    w = pilot_world()
    a = running_pilot(w)
    officer = login(w.officer, app.test_client())
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        r = officer.post(f"/pilots/{a['id']}/milestones", data={"title": "Prototyp", "success_criteria": "x",
                                                                "checkpoint_on": date(2027, 5, 3).isoformat()})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert r.status_code == 400
    assert milestones(w, a["id"])["total"] == 0


def test_homes_list_checkpoints_to_decide_and_progress_to_report(pilot_world, app, login):
    w = pilot_world()
    a = running_pilot(w)
    plan(w, a["id"])
    plan(w, a["id"], checkpoint=date(2027, 8, 2), title="Skala trzech dzielnic")
    officer = login(w.officer, app.test_client())
    ngo = login(w.ngos[0], app.test_client())
    outsider = login(w.outsider, app.test_client())
    other_officer = login(w.other_officer, app.test_client())
    # two weeks before the first checkpoint the organisation is asked for its progress
    w.at(date(2027, 4, 18))
    assert "Postęp pilotaży do zgłoszenia" not in ngo.get("/").get_data(as_text=True)
    w.at(date(2027, 4, 20))
    home = ngo.get("/").get_data(as_text=True)
    assert "Postęp pilotaży do zgłoszenia" in home and f"/agreements/{a['id']}#milestone-1" in home
    assert "Postęp pilotaży do zgłoszenia" not in outsider.get("/").get_data(as_text=True)
    assert "Punkty kontrolne pilotaży do decyzji" not in officer.get("/").get_data(as_text=True)
    w.ok(progress(w, a["id"], 1))
    assert "Postęp pilotaży do zgłoszenia" not in ngo.get("/").get_data(as_text=True)
    # from the checkpoint the officer is asked to decide, the earliest pending milestone only
    w.at(date(2027, 8, 3))
    home = officer.get("/").get_data(as_text=True)
    assert "Punkty kontrolne pilotaży do decyzji" in home and "#milestone-1" in home and "#milestone-2" not in home
    assert "Punkty kontrolne pilotaży do decyzji" not in other_officer.get("/").get_data(as_text=True)
    w.ok(decide(w, a["id"], 1, "no_go", "Stop."))
    assert "Punkty kontrolne pilotaży do decyzji" not in officer.get("/").get_data(as_text=True)
