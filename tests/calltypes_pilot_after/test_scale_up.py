"""recommend_scale_up (S9): a pilot whose final report is accepted and recommends scaling up becomes a
proposed contest direction (state submitted, author the officer, stakeholder type city_unit) in a
consultation of the next programme that is draft or open, linked both ways, once per pilot."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.calltypes_pilot_after.helpers import (audit_actions, consultation, count, evaluation, reported_pilot,
                                                 running_pilot)


def _directions():
    from grants.directions.models import Direction
    return count(Direction)


def test_scale_up_creates_the_linked_direction_once(pilot_world, session, client, login):
    w = pilot_world()
    a, _rep = reported_pilot(session, w)
    c = consultation(session, w.officer)
    url = f"/api/v1/agreements/{a['id']}/scale-up"
    assert w.ok(w.get(url, w.h)) == {"direction_id": None, "allowed": True, "reason": None}
    r = w.post(url, w.h, {"consultation_id": str(c.id), "estimated_funds": "250000.00"})
    assert r.status_code == 201, r.get_data(as_text=True)
    body = r.get_json()
    assert body["state"] == "submitted" and body["scale_up_agreement_id"] == a["id"]
    assert body["link"] == f"/directions/{body['direction_id']}"
    d = w.ok(w.get(f"/api/v1/directions/{body['direction_id']}", w.hn[0]))
    assert (d["consultation_id"], d["stakeholder_type"], d["state"]) == (str(c.id), "city_unit", "submitted")
    assert d["title"] == f"Upowszechnienie pilotażu: {a['title']}"
    assert "Mieszkańcy chętnie korzystali z usługi." in d["problem"] and "Użytkownicy usługi: 60 (cel: 100)" in d["problem"]
    assert "Zacząć rekrutację wcześniej" in d["proposed_task"] and d["estimated_funds"] == "250000.00"
    from grants.core import db
    from grants.directions.models import Direction
    row = db.session.get(Direction, int(body["direction_id"]))
    assert row.author_id == w.officer.id and row.submitted_at is not None
    db.session.remove()
    # the public sees it in the consultation, without a token
    assert client.get(f"/api/v1/directions/{body['direction_id']}").status_code == 200
    # once per pilot
    r = w.post(url, w.h, {"consultation_id": str(c.id)})
    assert r.status_code == 409 and "już zarekomendowano" in r.get_json()["detail"]
    assert _directions() == 1
    assert w.ok(w.get(url, w.hn[0]))["direction_id"] == body["direction_id"]
    assert "scale_up" in audit_actions("agreement", a["id"])
    assert "create" in audit_actions("direction", body["direction_id"])
    # linked both ways on the pages
    login(w.officer)
    page = client.get(f"/directions/{body['direction_id']}").get_data(as_text=True)
    assert "Kierunek zaproponowany na podstawie pilotażu" in page and f"/agreements/{a['id']}#pilot" in page
    page = client.get(f"/agreements/{a['id']}").get_data(as_text=True)
    assert f"/directions/{body['direction_id']}" in page


def test_scale_up_refused_when_the_evaluation_does_not_recommend_it(pilot_world, session):
    w = pilot_world()
    a, _rep = reported_pilot(session, w, ev=evaluation(outcome="achieved", recommendation="repeat"))
    c = consultation(session, w.officer)
    url = f"/api/v1/agreements/{a['id']}/scale-up"
    got = w.ok(w.get(url, w.h))
    assert got["allowed"] is False and "nie rekomenduje upowszechnienia" in got["reason"]
    r = w.post(url, w.h, {"consultation_id": str(c.id)})
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.get_json()["errors"][0]["field"] == "recommendation"
    assert _directions() == 0


def test_scale_up_refused_until_the_final_report_is_accepted(pilot_world, session):
    from tests.calltypes_pilot_after.helpers import save_report
    w = pilot_world()
    a = running_pilot(w)
    w.end_task(a["id"])
    rep = w.final_report(a["id"])
    content = w.report_body([Decimal("8500.00"), Decimal("500.00")], Decimal("1000.00"))
    content["call"] = evaluation()
    save_report(w, rep["id"], content)
    w.ok(w.post(f"/api/v1/reports/{rep['id']}/transitions/submit", w.hn[0]))
    c = consultation(session, w.officer)
    r = w.post(f"/api/v1/agreements/{a['id']}/scale-up", w.h, {"consultation_id": str(c.id)})
    assert r.status_code == 409 and "przyjętego sprawozdania końcowego" in r.get_json()["detail"]
    assert _directions() == 0


def test_scale_up_goes_to_a_draft_or_open_consultation_only(pilot_world, session):
    w = pilot_world()
    a, _rep = reported_pilot(session, w)
    closed = consultation(session, w.officer, "closed", "Zamknięte konsultacje")
    url = f"/api/v1/agreements/{a['id']}/scale-up"
    for cid in (str(closed.id), "999999", "abc"):
        r = w.post(url, w.h, {"consultation_id": cid})
        assert r.status_code == 422, r.get_data(as_text=True)
        assert r.get_json()["errors"][0]["field"] == "consultation_id"
    assert w.post(url, w.h, {"consultation_id": "1", "bogus": 1}).status_code == 422
    r = w.post(url, w.h, {"consultation_id": str(closed.id), "estimated_funds": "dużo"})
    assert r.status_code == 422
    assert _directions() == 0
    draft = consultation(session, w.officer, "draft", "Konsultacje w przygotowaniu")
    r = w.post(url, w.h, {"consultation_id": str(draft.id), "title": "Aplikacja dla seniorów w całym mieście"})
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["title"] == "Aplikacja dla seniorów w całym mieście"


def test_scale_up_is_the_officers_recommendation_401_404_403(pilot_world, session):
    w = pilot_world()
    a, _rep = reported_pilot(session, w)
    c = consultation(session, w.officer)
    url = f"/api/v1/agreements/{a['id']}/scale-up"
    body = {"consultation_id": str(c.id)}
    assert w.client.post(url, json=body).status_code == 401
    assert w.post(url, w.ho, body).status_code == 404
    assert w.post(url, w.hx, body).status_code == 404
    assert w.post(url, w.hn[0], body).status_code == 403
    assert w.post(url, w.hf, body).status_code == 403
    assert _directions() == 0


def test_scale_up_of_an_agreement_that_is_not_a_pilot_is_a_404(pilot_world, session):
    w = pilot_world(pilot=False)
    a = w.draft(0)
    c = consultation(session, w.officer)
    assert w.post(f"/api/v1/agreements/{a['id']}/scale-up", w.h, {"consultation_id": str(c.id)}).status_code == 404


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_concurrent_scale_up_recommendations_make_one_direction(app, pilot_world, session):
    import threading
    w = pilot_world()
    a, _rep = reported_pilot(session, w)
    c = consultation(session, w.officer)
    clients = [app.test_client() for _ in range(4)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def call(client):
        barrier.wait(timeout=30)
        r = client.post(f"/api/v1/agreements/{a['id']}/scale-up", json={"consultation_id": str(c.id)}, headers=w.h)
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=call, args=(k,)) for k in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [201, 409, 409, 409]
    assert _directions() == 1
