"""Issue 7's path through the API alone: proposals from an NGO and a business participant, one accepted
into next year's programme and visible in the calendar feed (R-CONSULT)."""
from datetime import date, timedelta

from icalendar import Calendar


def test_r_consult_proposal_accepted_into_the_programme_through_the_api(client, session, make_user, make_org,
                                                                          api_token):
    from grants.consultations import operations as cops
    from grants.core import clock
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    firm = make_user("participant", stakeholder_type="business")
    now = clock.now()
    c = cops.create(session, officer, title="Program 2028", starts_at=now - timedelta(days=1),
                    ends_at=now + timedelta(days=10))
    session.commit()
    cops.transition(session, c, "open", officer)
    cid = str(c.id)
    h, hn, hb = api_token(officer), api_token(ngo), api_token(firm)
    made = []
    for hh, extra in ((hn, {"organisation_id": str(org.id)}), (hb, {})):
        r = client.post("/api/v1/directions", headers=hh, json={
            "consultation_id": cid, "title": "Kluby sąsiedzkie", "problem": "Samotność", "proposed_task": "Kluby",
            "estimated_funds": "50000.00", "field": "seniors", **extra})
        assert r.status_code == 201, r.get_data(as_text=True)
        made.append(r.get_json())
        assert client.post(f"/api/v1/directions/{made[-1]['id']}/transitions/submit", json={}, headers=hh).status_code == 200
    assert [m["stakeholder_type"] for m in made] == ["ngo", "business"]
    did = made[0]["id"]
    assert client.post(f"/api/v1/directions/{did}/supports", json={}, headers=hb).status_code == 201
    assert client.post(f"/api/v1/directions/{did}/transitions/start_review", json={}, headers=h).status_code == 200
    r = client.post(f"/api/v1/directions/{did}/transitions/accept", json={"answer": "Przyjęte do programu."}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    announce = date(clock.today().year + 1, 2, 1)
    assert client.post(f"/api/v1/directions/{did}/planned-contest", json={"announcement": "x"}, headers=h).status_code == 422
    assert client.post(f"/api/v1/directions/{did}/planned-contest", json={"announcement": announce.isoformat()},
                       headers=hn).status_code == 403
    r = client.post(f"/api/v1/directions/{did}/planned-contest", json={"announcement": announce.isoformat()}, headers=h)
    assert r.status_code == 201, r.get_data(as_text=True)
    contest_id = r.get_json()["contest_id"]
    assert client.get(f"/api/v1/contests/{contest_id}").get_json()["state"] == "planned"
    feed = Calendar.from_ical(client.get("/calendar.ics").data)
    uids = [str(e.get("uid")) for e in feed.walk("VEVENT")]
    assert f"contest-{contest_id}-planned@grants" in uids
