"""S9 end to end: concepts written and submitted through the API to a concept call, scored by its
commission and shortlisted by its decision (no money at this stage); the pilot contest linked to it
is published and only the shortlisted organisation can start an offer."""
from datetime import timedelta

from grants.calltypes.innovation import scoring
from grants.calltypes.innovation.models import Concept
from grants.contests import operations as cops
from grants.contests.models import Contest
from grants.workflows.base import SYSTEM, apply_transition
from grants.commissions import operations as rops
from reviewers.declarations import organisations_to_declare

from .helpers import NGO_ONLY, concept_call, concept_values, pilot_values

API = "/api/v1/concepts"


def test_s9_concepts_to_shortlist_to_a_pilot_contest_open_only_to_the_shortlisted(
        client, session, people, api_token, make_user, clock_at):
    call = concept_call(session, people.officer, shortlist_size=1, pass_threshold=None)
    call_id, deadline = call.id, call.deadline
    assert [c["code"] for c in call.criteria] == [c["code"] for c in scoring_criteria()]
    ids = {}
    for user, org, title in ((people.member, people.org, "Teatr z aplikacją"),
                             (people.other, people.other_org, "Warsztaty z robotyką")):
        h = api_token(user)
        body = concept_values(title=title) | {"contest_id": str(call_id), "organisation_id": str(org.id)}
        r = client.post(API, json=body, headers=h)
        assert r.status_code == 201, r.get_json()
        ids[org.id] = r.get_json()["id"]
    # a partnership of NGOs only is refused clearly, then corrected
    h = api_token(people.other)
    k2 = ids[people.other_org.id]
    assert client.patch(f"{API}/{k2}", json={"partners": NGO_ONLY}, headers=h).status_code == 200
    r = client.post(f"{API}/{k2}/transitions/submit", headers=h)
    assert r.status_code == 422 and "wyłącznie z organizacji pozarządowych" in r.get_json()["detail"]
    partners = NGO_ONLY + [{"name": "Politechnika Krakowska", "sector": "university", "role": "Roboty"}]
    assert client.patch(f"{API}/{k2}", json={"partners": partners}, headers=h).status_code == 200
    for org_id, kid in ids.items():
        user = people.member if org_id == people.org.id else people.other
        r = client.post(f"{API}/{kid}/transitions/submit", headers=api_token(user))
        assert r.status_code == 200 and r.get_json()["state"] == "submitted"

    # the deadline passes; the commission scores the concepts; the call is decided
    clock_at((deadline + timedelta(days=1)).isoformat())
    call = session.get(Contest, call_id)
    apply_transition(session, call, "close", SYSTEM)
    cops.transition(session, call, "start_formal_review", people.officer)
    cops.transition(session, call, "start_evaluation", people.officer)
    city2 = make_user("officer")
    com = rops.create(session, people.officer, call)
    rops.add_member(session, people.officer, com, user_id=people.officer.id, kind="city", is_chair=True)
    rops.add_member(session, people.officer, com, user_id=city2.id, kind="city")
    session.commit()
    rops.transition(session, com, "open_declarations", people.officer, {"without_ngo_reason": "none_nominated"})
    for u in (people.officer, city2):
        for org_id in organisations_to_declare(session, com):
            rops.declare(session, u, com, org_id, False)
    session.commit()
    rops.transition(session, com, "start_scoring", people.officer, {})
    codes = [c["code"] for c in call.criteria]
    for u in (people.officer, city2):
        for kid, pts in ((ids[people.org.id], "9"), (ids[people.other_org.id], "4")):
            k = session.get(Concept, int(kid))
            scoring.save_card(session, u, com, k, {c: pts for c in codes}, {c: "uzasadnienie" for c in codes}, True)
            session.commit()
    rops.transition(session, com, "close_scoring", people.officer, {})
    rops.transition(session, com, "approve_protocol", people.officer, {})
    cops.transition(session, call, "decide", people.officer)
    session.expire_all()
    states = {org_id: session.get(Concept, int(kid)).state for org_id, kid in ids.items()}
    assert states == {people.org.id: "shortlisted", people.other_org.id: "not_shortlisted"}
    r = client.get(f"{API}/{ids[people.org.id]}", headers=api_token(people.member))
    assert r.get_json()["state"] == "shortlisted"

    # stage 2: the pilot contest names the concept call and opens to the shortlisted organisation only
    pilot = cops.create(session, people.officer, pilot_values(call_id))
    session.commit()
    cops.transition(session, pilot, "publish", people.officer)
    assert pilot.state == "published"
    r = client.post("/api/v1/offers", json={"contest_id": str(pilot.id), "organisation_id": str(people.other_org.id)},
                    headers=api_token(people.other))
    assert r.status_code == 422 and "zakwalifikowano do etapu II" in r.get_json()["detail"]
    r = client.post("/api/v1/offers", json={"contest_id": str(pilot.id), "organisation_id": str(people.org.id)},
                    headers=api_token(people.member))
    assert r.status_code == 201 and r.get_json()["state"] == "draft"


def scoring_criteria():
    from grants.calltypes.innovation.shortlist import CRITERIA
    return CRITERIA
