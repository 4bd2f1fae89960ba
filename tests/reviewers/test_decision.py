"""R-COM-MANDATORY, R-RESULTS, R-UPDATE, R-EVAL-SINGLE: the authority decides after the approved
protocol, results are public at once with the organisations notified in the same transaction, and
partial awards go through an update whose grant equals the award and whose own share stays within
the contest's tolerance."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.core.audit import AuditEntry
from grants.core.outbox import OutboxEvent
from tests.factories import offer_content
from tests.reviewers.helpers import World, counts

D = Decimal


def _states(client, h, w):
    return [client.get(f"/api/v1/offers/{i}", headers=h).get_json()["state"] for i in w.offer_ids]


def _emails(session):
    """The results mails to the organisations' addresses (R-RESULTS); each member's own notifications
    (grants.notifications, issue 12) go to their accounts' addresses and are not counted here."""
    from grants.accounts.models import User
    session.expire_all()
    people = set(session.scalars(select(User.email)))
    return [e for e in session.scalars(select(OfferOutbox).where(OfferOutbox.topic == "email.send")
                                       .order_by(OfferOutbox.id)) if e.data["to"] not in people]


OfferOutbox = OutboxEvent


def test_r_com_mandatory_decide_refused_until_protocol_approved(client, session, make_user, make_org, api_token):
    w = World(session, make_user, make_org)
    h = api_token(w.officer)
    for step in (lambda: None, lambda: w.declared(), lambda: w.scored(), lambda: w.closed()):
        step()
        before = counts(session)
        r = client.post(f"/api/v1/contests/{w.contest_id}/transitions/decide", json={}, headers=h)
        assert r.status_code == 422 and "R-COM-MANDATORY" in r.get_data(as_text=True), r.get_data(as_text=True)
        assert counts(session) == before
        assert _states(client, h, w) == ["eligible"] * 3
    w.approved()
    r = client.post(f"/api/v1/contests/{w.contest_id}/transitions/decide", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)


def test_r_com_mandatory_commission_never_changes_offer_states(client, session, make_user, make_org, api_token):
    w = World(session, make_user, make_org)
    offer_entries = select(func.count()).select_from(AuditEntry).where(AuditEntry.object_type == "offer")
    before = session.scalar(offer_entries)
    w.declared().scored().closed().approved()
    session.expire_all()
    assert [o.state for o in w.offers] == ["eligible"] * 3
    assert session.scalar(offer_entries) == before
    # the commission's members may not take the decision themselves either
    for u in (w.nominee, w.expert):
        r = client.post(f"/api/v1/contests/{w.contest_id}/transitions/decide", json={}, headers=api_token(u))
        assert r.status_code in (403, 404)
        r = client.post(f"/api/v1/offers/{w.offer_ids[0]}/transitions/select", json={}, headers=api_token(u))
        assert r.status_code in (403, 404)
    assert [o.state for o in w.offers] == ["eligible"] * 3


def _decided(client, session, w, h, amounts=None):
    w.declared().scored().closed()
    if amounts:
        r = client.patch(f"/api/v1/commissions/{w.cid}/allocation",
                         json={"amounts": {str(w.offer_ids[i]): a for i, a in amounts.items()}}, headers=h)
        assert r.status_code == 200, r.get_data(as_text=True)
    w.approved()
    r = client.post(f"/api/v1/contests/{w.contest_id}/transitions/decide", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r


def test_r_results_public_with_amounts_and_one_email_per_organisation(client, session, make_user, make_org,
                                                                      api_token, app, login):
    w = World(session, make_user, make_org)
    h = api_token(w.officer)
    mails = len(_emails(session))
    _decided(client, session, w, h, {0: "35000.00"})
    assert _states(client, h, w) == ["update_required", "ready_for_agreement", "not_selected"]
    anon = app.test_client()
    body = anon.get(f"/api/v1/contests/{w.contest_id}").get_json()
    assert body["state"] == "decided"
    page = anon.get(f"/contests/{w.contest_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # the public reads the results (issue 14: no rule id for them); the officer sees the rule in the
    # "podstawa" note of the same heading
    assert "R-RESULTS" not in html
    staff = login(w.officer, app.test_client()).get(f"/contests/{w.contest_id}").get_data(as_text=True)
    assert re.search(r'<h2 id="results-h">Wyniki konkursu<span class="basis">podstawa: R-RESULTS', staff)
    results = html[html.index('<h2 id="results-h">Wyniki konkursu</h2>'):]
    rows = {org.name: next(r for r in re.findall(r"<tr>.*?</tr>", results, re.S) if org.name in r) for org in w.orgs}
    a, b, c = (rows[o.name] for o in w.orgs)
    assert "35\u00a0000,00\u00a0zł" in a and "30\u00a0000,00\u00a0zł" in b
    assert "zł" not in c and "—" in c  # not funded, listed all the same
    assert len({re.sub(r"<[^>]+>|[\d\s\u00a0,]|zł|—", "", x) for x in (b, c)}) == 2  # the outcome is written out
    emails = _emails(session)[mails:]
    assert len(emails) == 3  # one per organisation
    bodies = " ".join(e.data["body"] for e in emails)
    assert "35\u00a0000,00\u00a0zł" in bodies and "30\u00a0000,00\u00a0zł" in bodies and "35000.00" not in bodies and "nie została wybrana" in bodies


def test_r_results_organisation_with_two_offers_gets_one_email(client, session, make_user, make_org, api_token):
    from tests.reviewers.helpers import compose, declare_all, score
    from grants.commissions import operations as ops
    from tests.reviewers.helpers import contest_in_evaluation
    officer, org = make_user("officer"), make_org()
    a = make_user("applicant", org=org)
    contest, offers = contest_in_evaluation(session, officer, [(a, org, "9000.00"), (a, org, "8000.00")])
    city2 = make_user("officer")
    c = compose(session, officer, contest, [(officer, "city", None, True), (city2, "city", None, False)])
    ops.transition(session, c, "open_declarations", officer, {"without_ngo_reason": "none_nominated"})
    declare_all(session, c, [officer, city2])
    ops.transition(session, c, "start_scoring", officer, {})
    for u in (officer, city2):
        for o in offers:
            score(session, c, u, o, 5)
    ops.transition(session, c, "close_scoring", officer, {})
    ops.transition(session, c, "approve_protocol", officer, {})
    mails = len(_emails(session))
    r = client.post(f"/api/v1/contests/{contest.id}/transitions/decide", json={}, headers=api_token(officer))
    assert r.status_code == 200, r.get_data(as_text=True)
    (mail,) = _emails(session)[mails:]
    assert "9\u00a0000,00\u00a0zł" in mail.data["body"] and "8\u00a0000,00\u00a0zł" in mail.data["body"]


def test_r_results_decision_and_notifications_in_one_transaction(session, make_user, make_org, monkeypatch):
    """A failure at the very end of the decision (its audit entry) leaves no e-mail, no award, no result."""
    from grants.contests import operations as cops
    from grants.core import audit
    w = World(session, make_user, make_org)
    w.declared().scored().closed().approved()
    before = counts(session)
    # the audit entry is written by audit.record (SQLite) or in the engine's one statement from
    # audit.entry_values (PostgreSQL): either fails here
    real_record, real_values = audit.record, audit.entry_values

    def failing(real):
        def fn(s, object_type, object_id, action, *a, **kw):
            if object_type == "contest" and action == "decide":
                raise RuntimeError("disk full")
            return real(s, object_type, object_id, action, *a, **kw)
        return fn
    monkeypatch.setattr(audit, "record", failing(real_record))
    monkeypatch.setattr(audit, "entry_values", failing(real_values))
    with pytest.raises(RuntimeError):
        cops.transition(w.s, w.contest, "decide", w.officer)
    w.s.rollback()
    monkeypatch.setattr(audit, "record", real_record)
    monkeypatch.setattr(audit, "entry_values", real_values)
    assert counts(session) == before
    assert w.contest.state == "evaluation" and w.contest.results_published_at is None
    assert [(o.state, o.awarded_grant) for o in w.offers] == [("eligible", None)] * 3


# ---------------------------------------------------------------- R-UPDATE

def _update_body(contest, action: str, admin: str, grant: str, own: str) -> dict:
    c = offer_content(contest, grant)
    c["costs"][0]["unit_cost"], c["costs"][1]["unit_cost"] = action, admin
    c["sources"].update(grant=grant, own_financial=own)
    return {"costs": c["costs"], "sources": c["sources"]}


def test_r_update_own_share_tolerance_boundary(client, session, make_user, make_org, api_token):
    # requested 9 000 of 10 000 (own 10 %); awarded 7 600; tolerance 5 pp: own share may fall to 5 % exactly
    w = World(session, make_user, make_org, grants=("9000.00", "30000.00", "9000.00"))
    assert w.contest.own_tolerance_pp == D("5")
    h = api_token(w.officer)
    _decided(client, session, w, h, {0: "7600.00"})
    assert _states(client, h, w)[0] == "update_required"
    ha = api_token(w.applicants[0])
    oid = w.offer_ids[0]

    def attempt(body):
        r = client.patch(f"/api/v1/offers/{oid}", json=body, headers=ha)
        assert r.status_code == 200, r.get_data(as_text=True)
        before = counts(session)
        r = client.post(f"/api/v1/offers/{oid}/transitions/submit_update", json={}, headers=ha)
        if r.status_code != 200:
            assert counts(session) == before
        return r

    # a grosz below 5 %: 399.99 of 7 999.99 is 4.99999… % (shown rounded it would read 5,00%)
    r = attempt(_update_body(w.contest, "7599.99", "400.00", "7600.00", "399.99"))
    assert r.status_code == 422 and "R-UPDATE" in r.get_data(as_text=True), r.get_data(as_text=True)
    assert r.get_json()["detail"] == ("R-UPDATE: Aktualizacja oferty: Udział wkładu własnego spadł z 10,00% do 4,99%; "
                                      "dopuszczalny spadek to 5,00 pkt proc.")
    # the grant must equal the award
    r = attempt(_update_body(w.contest, "7600.01", "400.00", "7600.01", "400.00"))
    assert r.status_code == 422, r.get_data(as_text=True)
    assert "Dotacja w aktualizacji (7\u00a0600,01) musi być równa przyznanej kwocie (7\u00a0600,00)." in r.get_json()["detail"]
    assert client.get(f"/api/v1/offers/{oid}", headers=h).get_json()["state"] == "update_required"
    # exactly 5 pp lower: 400 of 8 000
    r = attempt(_update_body(w.contest, "7600.00", "400.00", "7600.00", "400.00"))
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["state"] == "ready_for_agreement"


def test_r_update_full_award_ready_partial_can_decline(client, session, make_user, make_org, api_token):
    w = World(session, make_user, make_org)
    h = api_token(w.officer)
    _decided(client, session, w, h, {0: "35000.00"})
    assert _states(client, h, w) == ["update_required", "ready_for_agreement", "not_selected"]
    # the fully funded one needs no update
    r = client.post(f"/api/v1/offers/{w.offer_ids[1]}/transitions/submit_update", json={},
                    headers=api_token(w.applicants[1]))
    assert r.status_code == 409
    # another organisation cannot decline for A
    r = client.post(f"/api/v1/offers/{w.offer_ids[0]}/transitions/decline", json={}, headers=api_token(w.applicants[1]))
    assert r.status_code in (403, 404)
    r = client.post(f"/api/v1/offers/{w.offer_ids[0]}/transitions/decline", json={"reason": "Za mało środków"},
                    headers=api_token(w.applicants[0]))
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["state"] == "declined"
    assert w.offers[0].awarded_grant == D("35000.00")


# ---------------------------------------------------------------- R-EVAL-SINGLE

@pytest.mark.parametrize("points, state", [(4, "ready_for_agreement"), (3, "not_selected")])
def test_r_eval_single_offer_scored_thresholded_and_allocated(client, session, make_user, make_org, api_token,
                                                              points, state):
    w = World(session, make_user, make_org, grants=("9000.00",), budget=D("9000.00"), max_grant=D("9000.00"))
    h = api_token(w.officer)
    w.declared().scored({0: points}).closed()
    rank = client.get(f"/api/v1/commissions/{w.cid}/ranking", headers=h).get_json()["items"]
    assert len(rank) == 1 and rank[0]["rank"] == 1
    assert rank[0]["passed"] is (points * 6 >= 20)
    # the same allocation rule: the default proposal, and edits within [minimum, requested] and the budget
    assert rank[0]["proposed"] == ("9000.00" if points == 4 else "0.00")
    r = client.patch(f"/api/v1/commissions/{w.cid}/allocation", json={"amounts": {str(w.offer_ids[0]): "9000.01"}},
                     headers=h)
    assert r.status_code == 422
    w.approved()
    assert client.post(f"/api/v1/contests/{w.contest_id}/transitions/decide", json={}, headers=h).status_code == 200
    assert _states(client, h, w) == [state]
