"""Formal review with corrections (R-FORM-CORRECT) and the contest's cancellation (R-CANCEL)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from grants.contests import operations as cops
from grants.contests.models import Contest
from grants.core.dates import end_of_day, is_working_day
from grants.offers import operations as oops
from grants.offers.models import Offer
from grants.workflows.errors import GuardRefused, InvalidPayload, TransitionNotAvailable
from grants.workflows.scheduler import run_due
from tests.factories import make_contest

from .support import audit_count, submitted, w

US = timedelta(microseconds=1)


def _reload(session, obj):
    return session.get(type(obj), obj.id)


@pytest.fixture
def review(session, make_user, make_org, clock_at):
    """A contest in formal review with two submitted offers; business time 2026-12-18 (a Friday) 15:00."""
    clock_at("2026-11-02T10:00")
    officer = make_user("officer")
    orgs = [make_org(), make_org()]
    ngos = [make_user("applicant", org=o) for o in orgs]
    c = make_contest(session, officer, deadline=w("2026-12-01T12:00"), correction_days=7)
    ids = [submitted(session, c, n, o).id for n, o in zip(ngos, orgs)]
    cid, officer_id, ngo_ids = c.id, officer.id, [n.id for n in ngos]
    clock_at("2026-12-01T12:00:01")
    run_due()  # closes the contest
    User = type(officer)
    officer = session.get(User, officer_id)
    c = session.get(Contest, cid)
    assert c.state == "closed"
    cops.transition(session, c, "start_formal_review", officer)
    clock_at("2026-12-18T15:00")
    return c, officer, [session.get(Offer, i) for i in ids], [session.get(User, i) for i in ngo_ids]


def _after_scheduler(session, c, officer, ngos):
    """run_due closes the test's session: fresh instances."""
    return (session.get(Contest, c), session.get(type(officer), officer), [session.get(type(officer), n) for n in ngos])


# ---------------------------------------------------------------- R-FORM-CORRECT

def test_r_form_correct_due_date_counted_by_r_days_from_the_request_day(session, review):
    c, officer, (o, _o2), _ngos = review
    oops.transition(session, o, "request_correction", officer, {"deficiencies": ["Brak podpisu", "Brak statutu"]})
    o = _reload(session, o)
    # Friday 18 Dec + 7 days = Friday 25 Dec (Christmas) → Monday 28 Dec, to the end of that Warsaw day
    assert o.correction_due_at == end_of_day(date(2026, 12, 28))
    assert is_working_day(date(2026, 12, 28))
    assert o.state == "needs_correction" and o.deficiencies == ["Brak podpisu", "Brak statutu"]
    assert o.next_check_at == o.correction_due_at


@pytest.mark.parametrize("requested, days, due", [
    ("2026-12-18T15:00", 1, date(2026, 12, 21)),    # Saturday → Monday
    ("2026-12-18T23:59", 3, date(2026, 12, 21)),    # late Friday evening still counts as Friday
    ("2026-12-21T00:30", 3, date(2026, 12, 24)),    # Thursday 24 Dec is a holiday (since 2025) → 28 Dec
    ("2026-12-22T09:00", 14, date(2027, 1, 5)),     # Tuesday 5 Jan
    ("2026-12-23T09:00", 14, date(2027, 1, 7)),     # Wednesday 6 Jan (Epiphany) → Thursday 7 Jan
])
def test_r_form_correct_due_date_uses_the_contest_correction_days(session, review, clock_at, requested, days, due):
    c, officer, (o, _o2), _ngos = review
    c.correction_days = days  # the contest's own period (set directly: the announcement is frozen)
    session.commit()
    clock_at(requested)
    oops.transition(session, o, "request_correction", officer, {"deficiencies": ["Brak podpisu"]})
    from grants.core.dates import roll_to_working_day
    assert _reload(session, o).correction_due_at == end_of_day(roll_to_working_day(due))


def test_r_form_correct_request_needs_deficiencies(session, review):
    c, officer, (o, _o2), _ngos = review
    version, audits = o.version, audit_count(session, "offer", o.id)
    for payload in ({}, {"deficiencies": []}, {"deficiencies": "Brak podpisu"}):
        with pytest.raises(InvalidPayload):
            oops.transition(session, _reload(session, o), "request_correction", officer, payload)
    o = _reload(session, o)
    assert (o.state, o.version, o.correction_due_at) == ("submitted", version, None)
    assert audit_count(session, "offer", o.id) == audits


def test_r_form_correct_resubmit_at_the_due_instant_accepted_after_it_refused(session, review):
    c, officer, (o1, o2), (n1, n2) = review
    for o in (o1, o2):
        oops.transition(session, o, "request_correction", officer, {"deficiencies": ["Brak podpisu"]})
    due = _reload(session, o1).correction_due_at
    oops.transition(session, _reload(session, o1), "resubmit", n1, received_at=due)
    o1 = _reload(session, o1)
    assert o1.state == "submitted" and o1.revision_count == 2 and o1.correction_due_at is None
    o2 = _reload(session, o2)
    version = o2.version
    with pytest.raises(GuardRefused) as e:
        oops.transition(session, o2, "resubmit", n2, received_at=due + US)
    assert e.value.reason.rule == "R-FORM-CORRECT"
    o2 = _reload(session, o2)
    assert (o2.state, o2.version, o2.revision_count) == ("needs_correction", version, 1)


def test_r_form_correct_scheduler_rejects_uncorrected_offers_at_the_due_date(session, review, clock_at):
    c, officer, (o1, o2), (n1, n2) = review
    for o in (o1, o2):
        oops.transition(session, o, "request_correction", officer, {"deficiencies": ["Brak podpisu"]})
    due = _reload(session, o1).correction_due_at
    oops.transition(session, _reload(session, o1), "resubmit", n1)  # corrected in time
    ids = (o1.id, o2.id)
    clock_at(due - timedelta(minutes=5))
    assert run_due() == 0
    session.expire_all()
    assert session.get(Offer, ids[1]).state == "needs_correction"
    clock_at(due + timedelta(seconds=1))
    assert run_due() == 1
    assert run_due() == 0  # idempotent
    session.expire_all()
    o1, o2 = session.get(Offer, ids[0]), session.get(Offer, ids[1])
    assert o1.state == "submitted"
    assert o2.state == "formally_rejected" and "terminie" in o2.rejection_reasons
    assert o2.next_check_at is None


def test_r_form_correct_start_evaluation_refused_while_offers_await_formal_decisions(session, review, client,
                                                                                    api_token):
    c, officer, (o1, o2), (n1, n2) = review
    checks = {x["code"]: True for x in c.formal_checklist}
    oops.set_formal_checks(session, o1, officer, checks)
    session.commit()
    oops.transition(session, _reload(session, o1), "accept_formally", officer)
    oops.transition(session, _reload(session, o2), "request_correction", officer, {"deficiencies": ["Brak podpisu"]})
    c = _reload(session, c)
    version = c.version
    with pytest.raises(GuardRefused) as e:
        cops.transition(session, c, "start_evaluation", officer)
    assert e.value.reason.rule == "R-FORM-CORRECT" and "1" in e.value.detail
    h = api_token(officer)
    r = client.post(f"/api/v1/contests/{c.id}/transitions/start_evaluation", json={}, headers=h)
    assert r.status_code == 422 and "R-FORM-CORRECT" in r.get_json()["type"]
    c = _reload(session, c)
    assert (c.state, c.version) == ("formal_review", version)
    # the applicant corrects; once the last offer is decided formally, evaluation starts
    oops.transition(session, _reload(session, o2), "resubmit", n2)
    with pytest.raises(GuardRefused):
        cops.transition(session, _reload(session, c), "start_evaluation", officer)
    oops.transition(session, _reload(session, o2), "reject_formally", officer, {"reasons": "Brak podpisu"})
    cops.transition(session, _reload(session, c), "start_evaluation", officer)
    assert _reload(session, c).state == "evaluation"


def test_r_form_correct_accept_needs_the_whole_checklist(session, review):
    c, officer, (o1, _o2), _ngos = review
    codes = [x["code"] for x in c.formal_checklist]
    oops.set_formal_checks(session, o1, officer, {k: True for k in codes[:-1]})
    session.commit()
    with pytest.raises(GuardRefused) as e:
        oops.transition(session, _reload(session, o1), "accept_formally", officer)
    assert e.value.reason.rule == "R-FORM-CORRECT"
    assert _reload(session, o1).state == "submitted"


# ---------------------------------------------------------------- R-CANCEL

def test_r_cancel_requires_a_reason(client, session, make_user, api_token):
    officer = make_user("officer")
    c = make_contest(session, officer)
    h = api_token(officer)
    for body in ({}, {"reason": ""}, {"reason": "x"}, {"reason": 5}, None):
        r = client.post(f"/api/v1/contests/{c.id}/transitions/cancel", json=body, headers=h)
        assert r.status_code == 422, (body, r.get_data(as_text=True))
        assert [e["field"] for e in r.get_json()["errors"]] == ["reason"]
    got = client.get(f"/api/v1/contests/{c.id}", headers=h).get_json()
    assert got["state"] == "published" and got["cancel_reason"] is None
    r = client.post(f"/api/v1/contests/{c.id}/transitions/cancel", json={"reason": "Zmiana budżetu gminy"}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["state"] == "cancelled" and r.get_json()["cancel_reason"] == "Zmiana budżetu gminy"


def test_r_cancel_allowed_from_every_state_before_decided_refused_after(session, make_user):
    officer = make_user("officer")
    before = ["planned", "draft", "published", "closed", "formal_review", "evaluation"]
    after = ["decided", "concluded", "cancelled"]
    for state in before + after:
        c = make_contest(session, officer, publish=False)
        c.state = state  # set up directly: reaching each state through its flow is tested elsewhere
        session.commit()
        if state in before:
            cops.transition(session, c, "cancel", officer, {"reason": "Powód unieważnienia"})
            c = _reload(session, c)
            assert c.state == "cancelled" and c.cancelled_at is not None, state
        else:
            version = c.version
            with pytest.raises(TransitionNotAvailable):
                cops.transition(session, c, "cancel", officer, {"reason": "Powód unieważnienia"})
            c = _reload(session, c)
            assert (c.state, c.version) == (state, version)


def test_r_cancel_mandatory_when_closed_with_no_offers(app, client, session, make_user, make_org, api_token, login,
                                                       clock_at):
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    c = make_contest(session, officer)
    oops.create(session, ngo, c, org.id)  # a draft never submitted does not count
    session.commit()
    cid, officer_id = c.id, officer.id
    h = api_token(officer)
    assert cops.cancellation_mandatory(session, c) is False  # still accepting offers
    assert client.get(f"/api/v1/contests/{cid}", headers=h).get_json()["cancellation_mandatory"] is False
    clock_at(c.deadline + timedelta(seconds=1))
    run_due()
    c = session.get(Contest, cid)
    assert c.state == "closed"
    assert cops.cancellation_mandatory(session, c) is True
    assert client.get(f"/api/v1/contests/{cid}", headers=h).get_json()["cancellation_mandatory"] is True
    web = app.test_client()
    login(session.get(type(officer), officer_id), web)
    home = web.get("/").get_data(as_text=True)
    assert "unieważnienie obowiązkowe" in home and c.title in home


def test_r_cancel_mandatory_when_every_offer_formally_rejected(app, client, session, review, api_token, login):
    c, officer, (o1, o2), (n1, n2) = review
    h = api_token(officer)
    web = app.test_client()
    login(officer, web)
    oops.transition(session, o1, "reject_formally", officer, {"reasons": "Oferta niepodpisana"})
    assert cops.cancellation_mandatory(session, _reload(session, c)) is False  # one offer still in review
    assert client.get(f"/api/v1/contests/{c.id}", headers=h).get_json()["cancellation_mandatory"] is False
    assert "unieważnienie obowiązkowe" not in web.get("/").get_data(as_text=True)
    oops.transition(session, _reload(session, o2), "withdraw", n2, {"reason": "Rezygnujemy"})
    c = _reload(session, c)
    assert cops.cancellation_mandatory(session, c) is True
    assert client.get(f"/api/v1/contests/{c.id}", headers=h).get_json()["cancellation_mandatory"] is True
    assert "unieważnienie obowiązkowe" in web.get("/").get_data(as_text=True)
    # evaluation cannot start: the refusal names R-CANCEL
    with pytest.raises(GuardRefused) as e:
        cops.transition(session, c, "start_evaluation", officer)
    assert e.value.reason.rule == "R-CANCEL"
    cops.transition(session, _reload(session, c), "cancel", officer, {"reason": "Brak ofert spełniających wymogi"})
    c = _reload(session, c)
    assert c.state == "cancelled" and cops.cancellation_mandatory(session, c) is False


def test_r_cancel_mandatory_reaches_a_visitors_kept_contest_list(client, session, review):
    """A visitor's API list is kept by ETag (grants.web.public_cache): an offer withdrawn or rejected
    changes no contest row, yet flips the contest's `cancellation_mandatory` in the list at once."""
    c, officer, (o1, o2), (n1, n2) = review

    def listed():
        r = client.get("/api/v1/contests")
        assert r.status_code == 200 and r.headers["Cache-Control"].startswith("public")
        return r.headers["ETag"], {x["id"]: x for x in r.get_json()["items"]}[str(c.id)]["cancellation_mandatory"]

    etag, mandatory = listed()
    assert mandatory is False and listed() == (etag, False)  # kept: the same answer again
    assert client.get("/api/v1/contests", headers={"If-None-Match": etag}).status_code == 304
    oops.transition(session, o1, "reject_formally", officer, {"reasons": "Oferta niepodpisana"})
    oops.transition(session, _reload(session, o2), "withdraw", n2, {"reason": "Rezygnujemy"})
    etag_after, mandatory = listed()
    assert mandatory is True and etag_after != etag
