"""Stage 2 of an innovation pilot (S9): the pilot contest names its concept call in
call_params.concept_call_id; it is published only when the link is valid (a decided concept call
that shortlisted someone), and only organisations with a shortlisted concept can start an offer."""
import pytest
from sqlalchemy import select

from grants.calltypes.innovation import pilot as pilot_mod
from grants.contests import operations as cops
from grants.contests.models import Contest
from grants.offers import operations as oops
from grants.offers.models import Offer
from grants.workflows.errors import GuardRefused

from .helpers import concept_call, decide_by_hand, pilot_contest, pilot_values, submitted_concept


@pytest.fixture
def decided(session, people):
    """A decided concept call: the organisation's concept shortlisted, the other's not."""
    call = concept_call(session, people.officer)
    mine = submitted_concept(session, people.member, people.org, call)
    theirs = submitted_concept(session, people.other, people.other_org, call)
    decide_by_hand(session, people.officer, call, shortlist=[mine], not_shortlist=[theirs])
    return session.get(Contest, call.id)


def test_pilot_contest_adds_the_pilot_criteria_to_the_art_15_ones(session, people):
    c = pilot_contest(session, people.officer, None, publish=False)
    codes = [x["code"] for x in c.criteria]
    assert codes[:3] == ["capacity", "costs", "quality"]  # R-EVAL-CRITERIA first
    assert {"novelty", "cross_sector", "scalability", "learning"} <= set(codes)
    assert all(x["support_only"] is False for x in c.criteria if x["code"] in pilot_mod.CRITERIA_CODES)


def test_pilot_params_format_is_checked_and_a_bad_link_changes_nothing(session, people, client, api_token):
    with pytest.raises(cops.ContestError) as e:
        cops.create(session, people.officer, pilot_values(None) | {"call_params": {"concept_call_id": "abc"}})
    assert e.value.errors[0]["field"] == "call_params.concept_call_id"
    session.rollback()
    c = pilot_contest(session, people.officer, None, publish=False)
    h = api_token(people.officer)
    for params in ({"concept_call_id": "x"}, {"concept_call_id": 0}, {"concept_call": 1}):
        r = client.patch(f"/api/v1/contests/{c.id}", json={"call_params": params}, headers=h)
        assert r.status_code == 422, params
        assert r.get_json()["errors"][0]["field"].startswith("call_params")
    session.expire_all()
    assert session.get(Contest, c.id).call_params == {"concept_call_id": None}


def _publish_refusal(session, people, concept_call_id) -> str:
    c = pilot_contest(session, people.officer, concept_call_id, publish=False)
    with pytest.raises(GuardRefused) as e:
        cops.transition(session, c, "publish", people.officer)
    session.expire_all()
    assert session.get(Contest, c.id).state == "draft"
    return str(e.value.detail)


def test_pilot_contest_is_not_published_without_a_link_to_a_concept_call(session, people):
    assert "Wskaż nabór koncepcji" in _publish_refusal(session, people, None)
    assert "Nie ma naboru koncepcji o numerze 987654" in _publish_refusal(session, people, 987654)


def test_pilot_contest_is_not_published_when_the_link_names_another_kind_of_contest(session, people):
    from tests.factories import make_contest
    standard = make_contest(session, people.officer)
    assert "nie jest naborem koncepcji" in _publish_refusal(session, people, standard.id)


def test_pilot_contest_is_not_published_before_the_concept_call_is_decided(session, people):
    call = concept_call(session, people.officer)
    submitted_concept(session, people.member, people.org, call)
    assert "nie jest jeszcze rozstrzygnięty" in _publish_refusal(session, people, call.id)


def test_pilot_contest_is_not_published_when_nobody_was_shortlisted(session, people):
    call = concept_call(session, people.officer)
    k = submitted_concept(session, people.member, people.org, call)
    decide_by_hand(session, people.officer, call, not_shortlist=[k])
    assert "żadnej koncepcji nie zakwalifikowano" in _publish_refusal(session, people, call.id)


def test_pilot_contest_is_published_when_linked_to_a_decided_concept_call(session, people, decided):
    c = pilot_contest(session, people.officer, decided.id)
    assert c.state == "published" and c.call_params == {"concept_call_id": decided.id}


def test_only_an_organisation_with_a_shortlisted_concept_starts_an_offer(session, people, decided):
    c = pilot_contest(session, people.officer, decided.id)
    o = oops.create(session, people.member, c, people.org.id)
    session.commit()
    assert o.state == "draft"
    for user, org in ((people.other, people.other_org),):  # submitted, not shortlisted
        with pytest.raises(GuardRefused) as e:
            oops.create(session, user, c, org.id)
        session.rollback()
        assert "zakwalifikowano do etapu II" in str(e.value.detail) and decided.title in str(e.value.detail)
    assert session.scalars(select(Offer.organisation_id)).all() == [people.org.id]


def test_a_withdrawn_concept_does_not_open_the_pilot_contest(session, people, make_org, make_user):
    from grants.calltypes.innovation import operations as kops
    call = concept_call(session, people.officer)
    keep = submitted_concept(session, people.member, people.org, call)
    gone = submitted_concept(session, people.other, people.other_org, call)
    kops.transition(session, gone, "withdraw", people.other)
    decide_by_hand(session, people.officer, call, shortlist=[keep])
    c = pilot_contest(session, people.officer, call.id)
    assert pilot_mod.may_apply(session, c, people.other_org.id) is not None
    assert pilot_mod.may_apply(session, c, people.org.id) is None


def test_the_reason_is_given_through_the_api_and_the_page(session, people, decided, client, api_token, app, login):
    c = pilot_contest(session, people.officer, decided.id)
    cid, other_org_id, org_id = c.id, people.other_org.id, people.org.id
    r = client.post("/api/v1/offers", json={"contest_id": str(cid), "organisation_id": str(other_org_id)},
                    headers=api_token(people.other))
    assert r.status_code == 422 and "zakwalifikowano do etapu II" in r.get_json()["detail"]
    web = app.test_client()
    login(people.other, web)
    page = web.get(f"/contests/{cid}").get_data(as_text=True)
    assert "Czy moja organizacja może złożyć ofertę?" in page and "zakwalifikowano do etapu II" in page
    r = web.post(f"/contests/{cid}/offers", data={"organisation_id": str(other_org_id)}, follow_redirects=True)
    assert "Ofertę w konkursie na pilotaż może złożyć tylko organizacja" in r.get_data(as_text=True)
    assert session.scalar(select(Offer.id)) is None
    r = client.post("/api/v1/offers", json={"contest_id": str(cid), "organisation_id": str(org_id)},
                    headers=api_token(people.member))
    assert r.status_code == 201


def test_the_two_contest_pages_link_to_each_other(session, people, decided, app, login):
    c = pilot_contest(session, people.officer, decided.id)
    pilot_id, call_id = c.id, decided.id
    public = app.test_client()
    call_page = public.get(f"/contests/{call_id}").get_data(as_text=True)
    assert f'href="/contests/{pilot_id}"' in call_page and "Konkursy na pilotaż (etap II)" in call_page
    pilot_page = public.get(f"/contests/{pilot_id}").get_data(as_text=True)
    assert f'href="/contests/{call_id}#shortlist"' in pilot_page
    web = app.test_client()
    login(people.member, web)
    page = web.get(f"/contests/{pilot_id}").get_data(as_text=True)
    assert "tak — koncepcja tej organizacji została zakwalifikowana" in page


def test_draft_pilot_contests_are_not_linked_for_the_public(session, people, decided, app):
    pilot_contest(session, people.officer, decided.id, publish=False)
    page = app.test_client().get(f"/contests/{decided.id}").get_data(as_text=True)
    assert "Konkursy na pilotaż (etap II)" not in page
