"""The youth offer's extra section (offer.content["call"]): saved through the API with its format
checked (bad input refused clearly, nothing changed), and the type's eligibility checks refusing the
submission with a clear reason (age range outside the contest's bounds, no child-protection
declaration, a venture without a mentor, …) while a complete offer is submitted."""
from __future__ import annotations

import copy

import pytest

from grants.offers.models import Offer, OfferRevision
from grants.offers.validation import problems
from tests.calltypes_youth.helpers import count, section, without, youth_contest, youth_content
from tests.factories import offer_content


@pytest.fixture
def setup(client, session, make_user, make_org, api_token):
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    contest = youth_contest(session, officer)  # bounds 13-19, at least one venture
    h = api_token(ngo)
    r = client.post("/api/v1/offers", json={"contest_id": str(contest.id), "organisation_id": str(org.id)}, headers=h)
    assert r.status_code == 201, r.get_data(as_text=True)
    return {"contest": contest, "org": org, "ngo": ngo, "h": h, "oid": r.get_json()["id"], "officer": officer}


def _patch(client, s, body):
    return client.patch(f"/api/v1/offers/{s['oid']}", json=body, headers=s["h"])


def _get(client, s):
    return client.get(f"/api/v1/offers/{s['oid']}", headers=s["h"]).get_json()


def test_new_youth_offer_starts_with_an_empty_extra_section(client, setup):
    got = _get(client, setup)
    assert got["content"]["call"]["ventures"] == [] and got["content"]["call"]["child_protection_standards"] is False
    fields = {p["field"] for p in got["problems"]}
    assert {"call.partner.name", "call.age_from", "call.ventures", "call.child_protection_standards"} <= fields


def test_youth_offer_extra_section_saved_through_the_api(client, setup):
    body = youth_content(setup["contest"])
    body["call"]["participants"] = "15"  # digits in text are read as the number
    r = _patch(client, setup, body)
    assert r.status_code == 200, r.get_data(as_text=True)
    got = r.get_json()
    assert got["problems"] == [], got["problems"]
    call = got["content"]["call"]
    assert call["participants"] == 15 and call["age_from"] == 14
    assert call["ventures"][1]["mentor"] == {"name": "Ewa Wrona", "role": "doradczyni spółdzielni socjalnych"}
    assert call["child_protection_standards"] is True
    # the section alone can be saved again, the rest of the offer stays
    r = _patch(client, setup, {"call": section(participants=20)})
    assert r.status_code == 200 and r.get_json()["content"]["call"]["participants"] == 20
    assert r.get_json()["content"]["task"]["title"] == body["task"]["title"]


@pytest.mark.parametrize("bad, field", [
    ({"age_from": -1}, "call.age_from"),
    ({"age_to": "osiemnaście"}, "call.age_to"),
    ({"participants": 12.5}, "call.participants"),
    ({"participants": True}, "call.participants"),
    ({"partner": {"name": "UJ", "kind": "kindergarten"}}, "call.partner.kind"),
    ({"ventures": [{"name": "X", "kind": "corporation"}]}, "call.ventures.0.kind"),
    ({"ventures": [{"name": "X", "mentor": "Jan"}]}, "call.ventures.0.mentor"),
    ({"child_protection_standards": "maybe"}, "call.child_protection_standards"),
    ({"ventures": "mini-firma"}, "call.ventures"),
    ({"shares": 3}, "call.shares"),
])
def test_bad_youth_section_refused_on_patch_and_nothing_changed(client, setup, bad, field):
    saved = _patch(client, setup, youth_content(setup["contest"])).get_json()
    r = _patch(client, setup, {"call": {**section(), **bad}})
    assert r.status_code == 422, r.get_data(as_text=True)
    errors = r.get_json()["errors"]
    assert field in [e["field"] for e in errors], errors
    assert all(e["message"] for e in errors)
    now = _get(client, setup)
    assert (now["content"], now["version"]) == (saved["content"], saved["version"])


def test_bad_youth_section_messages_are_polish(client, setup):
    r = _patch(client, setup, {"call": section(age_from=-3, participants="dużo", child_protection_standards="może")})
    msgs = {e["field"]: e["message"] for e in r.get_json()["errors"]}
    assert msgs == {"call.age_from": "wartość nie może być ujemna", "call.participants": "podaj liczbę całkowitą",
                    "call.child_protection_standards": "podaj tak albo nie (true/false)"}


def _refused(client, session, setup, call, *words):
    """Saves a complete offer with this extra section, then submission is refused naming `words`;
    the offer stays a draft with nothing frozen."""
    r = _patch(client, setup, {**offer_content(setup["contest"]), "call": call})
    assert r.status_code == 200, r.get_data(as_text=True)
    before = r.get_json()
    r = client.post(f"/api/v1/offers/{setup['oid']}/transitions/submit", json={}, headers=setup["h"])
    assert r.status_code == 422, r.get_data(as_text=True)
    detail = r.get_json()["detail"]
    for w in words:
        assert w in detail, detail
    after = _get(client, setup)
    assert (after["state"], after["version"], after["number"], after["submitted_at"], after["receipt"]) == (
        "draft", before["version"], None, None, None)
    assert count(session, OfferRevision, OfferRevision.offer_id == int(setup["oid"])) == 0
    return after


def test_submission_refused_when_the_age_range_is_outside_the_contest_bounds(client, session, setup):
    after = _refused(client, session, setup, section(age_from=12, age_to=18), "pole: najniższy wiek uczestników",
                     "od 12 lat wykracza poza granice konkursu", "od 13 do 19 lat")
    assert [p["field"] for p in after["problems"]] == ["call.age_from"]
    _refused(client, session, setup, section(age_from=16, age_to=21), "pole: najwyższy wiek uczestników", "do 21 lat", "od 13 do 19 lat")


def test_submission_refused_without_the_child_protection_declaration(client, session, setup):
    _refused(client, session, setup, section(child_protection_standards=False), "pole: oświadczenie o standardach ochrony małoletnich",
             "standardy ochrony małoletnich", "15 lutego 2024")
    _refused(client, session, setup, without(section(), "child_protection_standards"), "standardy ochrony małoletnich")


def test_submission_refused_without_the_sex_offender_register_declaration(client, session, setup):
    _refused(client, session, setup, section(offender_register_checked=False), "pole: oświadczenie o sprawdzeniu w Rejestrze",
             "Rejestrze Sprawców Przestępstw na Tle Seksualnym", "2017")


def test_submission_refused_for_a_venture_without_a_mentor(client, session, setup):
    s = without(section(), "ventures", 1, "mentor")
    after = _refused(client, session, setup, s, "pole: mentor przedsięwzięcia (imię i nazwisko) (wiersz 2)", "Przedsięwzięcie 2 nie ma mentora")
    assert after["content"]["call"]["ventures"][1]["mentor"] == {"name": "", "role": ""}
    s = copy.deepcopy(section())
    s["ventures"][0]["mentor"]["name"] = "   "  # blank is no mentor
    _refused(client, session, setup, s, "Przedsięwzięcie 1 nie ma mentora")


def test_valid_youth_offer_submitted_with_a_receipt(client, session, setup):
    r = _patch(client, setup, youth_content(setup["contest"]))
    assert r.status_code == 200 and r.get_json()["problems"] == []
    r = client.post(f"/api/v1/offers/{setup['oid']}/transitions/submit", json={}, headers=setup["h"])
    assert r.status_code == 200, r.get_data(as_text=True)
    done = r.get_json()
    assert done["state"] == "submitted" and done["receipt"]["number"]
    # the frozen revision keeps the extra section
    rev = session.query(OfferRevision).filter_by(offer_id=int(setup["oid"])).one()
    assert rev.content["content"]["call"]["ventures"][0]["name"] == "Szkolny sklepik ekologiczny"
    # a submitted offer's section is not changed any more
    assert _patch(client, setup, {"call": section(participants=99)}).status_code == 409
    assert session.get(Offer, int(setup["oid"])).content["call"]["participants"] == 15


def test_another_organisation_cannot_write_the_youth_section(client, setup, make_user, make_org, api_token):
    other = make_user("applicant", org=make_org())
    before = _get(client, setup)
    r = client.patch(f"/api/v1/offers/{setup['oid']}", json={"call": section()}, headers=api_token(other))
    assert r.status_code in (403, 404)
    r = client.patch(f"/api/v1/offers/{setup['oid']}", json={"call": section()}, headers=api_token(setup["officer"]))
    assert r.status_code in (403, 404)
    assert client.patch(f"/api/v1/offers/{setup['oid']}", json={"call": section()}).status_code == 401
    assert _get(client, setup)["version"] == before["version"]


# ------------------------------------------------------------------ the checks one by one (no HTTP)

def _issues(contest, **call):
    content = youth_content(contest)
    content["call"] = {**content["call"], **call}
    return {(i.field, i.text) for i in problems(contest, content, 1, [])}


def _fields(contest, **call):
    return sorted(f for f, _ in _issues(contest, **call))


@pytest.fixture
def contest(session, make_user):
    return youth_contest(session, make_user("officer"), call_params={"min_age": 13, "max_age": 19, "min_ventures": 2})


def test_youth_complete_section_has_no_problems(contest):
    assert _issues(contest) == set()


def test_youth_age_range_at_the_bounds_is_accepted_and_one_year_outside_refused(contest):
    assert _fields(contest, age_from=13, age_to=19) == []
    assert _fields(contest, age_from=13, age_to=13) == []
    assert _fields(contest, age_from=19, age_to=19) == []
    assert _fields(contest, age_from=12, age_to=19) == ["call.age_from"]
    assert _fields(contest, age_from=13, age_to=20) == ["call.age_to"]
    assert _fields(contest, age_from=5, age_to=40) == ["call.age_from", "call.age_to"]


def test_youth_reversed_age_range_refused(contest):
    issues = _issues(contest, age_from=18, age_to=14)
    assert issues == {("call.age_to", "Przedział wieku jest odwrócony: „od” (18) jest większe niż „do” (14).")}


def test_youth_missing_partner_refused(contest):
    assert _fields(contest, partner={}) == ["call.partner.kind", "call.partner.name"]
    issues = dict(_issues(contest, partner={"name": "Uniwersytet Ekonomiczny", "kind": "university"}))
    assert issues == {"call.partner.role": "Opisz, co szkoła lub uczelnia robi w zadaniu."}


def test_youth_no_venture_and_fewer_ventures_than_required_refused(contest):
    assert dict(_issues(contest, ventures=[])) == {
        "call.ventures": "Opisz co najmniej jedno przedsięwzięcie prowadzone przez młodzież."}
    one = section()["ventures"][:1]
    assert dict(_issues(contest, ventures=one)) == {
        "call.ventures": "Konkurs wymaga co najmniej 2 przedsięwzięć młodzieżowych; oferta opisuje 1."}


def test_youth_venture_needs_name_kind_description_and_the_mentor_role(contest):
    v = section()["ventures"]
    v[0] = {"mentor": {"name": "Jan Mentor"}}
    assert _fields(contest, ventures=v) == ["call.ventures.0.description", "call.ventures.0.kind",
                                            "call.ventures.0.mentor.role", "call.ventures.0.name"]


def test_youth_participants_needed(contest):
    assert _fields(contest, participants=None) == ["call.participants"]
    assert _fields(contest, participants=0) == ["call.participants"]


def test_youth_adult_participants_need_no_declarations_on_minors(session, make_user):
    c = youth_contest(session, make_user("officer"), call_params={"min_age": 13, "max_age": 30})
    adults = {"age_from": 18, "age_to": 26, "partner": {**section()["partner"], "kind": "university"},
              "child_protection_standards": False, "offender_register_checked": False}
    assert _fields(c, **adults) == []
    # one seventeen-year-old among them: both declarations are needed
    assert _fields(c, **{**adults, "age_from": 17}) == ["call.child_protection_standards",
                                                        "call.offender_register_checked"]


def test_youth_checks_do_not_touch_standard_contests(session, make_user):
    from tests.factories import make_contest
    c = make_contest(session, make_user("officer"))
    assert [i for i in problems(c, offer_content(c), 1, []) if i.field.startswith("call")] == []
