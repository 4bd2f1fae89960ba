"""An offer's submission over the API runs a fixed, small number of SQL statements (issue 20: the
deadline afternoon is when hundreds submit at once; each statement is a round trip to the database)."""
from __future__ import annotations

from sqlalchemy import select

from grants.core import clock
from grants.offers.models import Offer, OfferRevision
from tests.factories import complete_draft, make_contest, offer_content

# token with its user, roles and memberships; the offer with its contest and applicants (what the
# checks read: not read again, the write proves nothing moved); the required attachments missing;
# the write (UPDATE, the chain's head read under its lock, revision, audit entry hashed on it,
# outbox event, the notified audiences with their accounts and preferences); the notifications;
# the idempotency record (not looked up first: a retry collides with it)
SUBMIT_STATEMENTS = 6


def test_r_off_deadline_submitting_an_offer_runs_a_fixed_number_of_statements(app, session, make_user, make_org,
                                                                               api_token, client, monkeypatch,
                                                                               count_queries):
    officer = make_user("officer")
    org = make_org()
    applicant = make_user("applicant", org=org)
    contest = make_contest(session, officer)
    content = offer_content(contest)
    headers = api_token(applicant)
    monkeypatch.setattr(clock, "_CACHE_TTL", 3600.0)  # the clock's offset read once, before
    clock.invalidate_cache()
    clock.now()
    counts = []
    for k in range(2):  # the first warms what a process caches
        r = client.post("/api/v1/offers", json={"contest_id": str(contest.id), "organisation_id": str(org.id)},
                        headers=headers)
        oid = int(r.get_json()["id"])
        assert client.patch(f"/api/v1/offers/{oid}", json=content, headers=headers).status_code == 200
        with count_queries() as n:
            r = client.post(f"/api/v1/offers/{oid}/transitions/submit", json={},
                            headers={**headers, "Idempotency-Key": f"submit-{oid}"})
        assert r.status_code == 200, r.get_data(as_text=True)
        assert r.get_json()["receipt"]["revision"] == 1
        counts.append(n())
    if session.bind.dialect.name == "postgresql":
        assert counts[-1] == SUBMIT_STATEMENTS, counts
    else:  # no row lock and no one-statement write: more, but as fixed
        assert counts[0] == counts[1], counts
    session.expire_all()
    offer = session.get(Offer, oid)
    assert offer.state == "submitted" and offer.receipt["sha256"]
    rev = session.scalars(select(OfferRevision).where(OfferRevision.offer_id == oid)).one()
    assert rev.content_hash == offer.receipt["sha256"] and rev.kind == "submission"


def test_an_offer_is_checked_as_loaded_only_in_the_transaction_that_loaded_it_with_its_checks(
        app, session, make_user, make_org, api_token, client):
    """load_for_transition loads the offer with what submit's checks read (contest, applicants): in
    that transaction the engine does not read it again. Loaded so in an earlier transaction, its
    contest or partners may have changed since without the offer's version: it is read again."""
    from sqlalchemy import event

    from grants.core import db
    from grants.workflows.base import apply_transition, load_for_transition

    officer = make_user("officer")
    org = make_org()
    applicant = make_user("applicant", org=org)
    contest = make_contest(session, officer)
    headers = api_token(applicant)
    ids = []
    for _ in range(2):
        r = client.post("/api/v1/offers", json={"contest_id": str(contest.id), "organisation_id": str(org.id)},
                        headers=headers)
        ids.append(int(r.get_json()["id"]))
        assert client.patch(f"/api/v1/offers/{ids[-1]}", json=offer_content(contest), headers=headers).status_code == 200
    session.expire_all()
    sent = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split()))

    def reads_of_the_offer():
        return [s for s in sent if s.startswith("SELECT") and "FROM offers" in s and "audit_heads" in s]

    earlier = load_for_transition(session, select(Offer).where(Offer.id == ids[0]))
    session.commit()
    event.listen(db.get_engine(), "before_cursor_execute", note)
    try:
        apply_transition(session, earlier, "submit", applicant, {})
        first = reads_of_the_offer()
        sent.clear()
        now = load_for_transition(session, select(Offer).where(Offer.id == ids[1]))
        sent.clear()
        apply_transition(session, now, "submit", applicant, {})
    finally:
        event.remove(db.get_engine(), "before_cursor_execute", note)
    if session.bind.dialect.name == "postgresql":
        assert len(first) == 1 and reads_of_the_offer() == []
    session.expire_all()
    assert [session.get(Offer, i).state for i in ids] == ["submitted", "submitted"]


def test_an_offers_checks_do_not_read_its_contests_long_texts_nor_frozen_announcement(app, session, make_user,
                                                                                     make_org):
    """The announcement (frozen at publication) and the contest's long texts can be tens of
    kilobytes: read and decoded on every submission they were most of what its load moved. They
    are left out of the load for the offer's transitions, and still read when something asks."""
    from sqlalchemy import event

    from grants.core import db
    from grants.offers import operations as ops
    from grants.workflows.base import load_for_transition

    officer = make_user("officer")
    org = make_org()
    applicant = make_user("applicant", org=org)
    contest = make_contest(session, officer)
    contest.grant_rules = "Zasady " * 2000
    session.flush()
    oid = ops.create(session, applicant, contest, org.id).id
    session.commit()
    session.expire_all()
    sent = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.get_engine(), "before_cursor_execute", note)
    try:
        loaded = load_for_transition(session, select(Offer).where(Offer.id == oid))
    finally:
        event.remove(db.get_engine(), "before_cursor_execute", note)
    load = [x for x in sent if "FROM offers" in x]
    assert len(load) == 1 and "contests_1.deadline" in load[0], sent
    assert "grant_rules" not in load[0] and "contests_1.announcement," not in load[0]
    assert loaded.contest.grant_rules.startswith("Zasady ")  # read when asked


def test_a_submission_parses_the_offers_content_once(app, session, make_user, make_org, monkeypatch):
    """The check (R-OFF-SECTIONS and the rest) and the frozen revision's figures read the same
    content: it is parsed once per transition, not once for each."""
    from grants.offers.content import Content
    from grants.workflows.base import apply_transition

    officer = make_user("officer")
    org = make_org()
    applicant = make_user("applicant", org=org)
    offer = complete_draft(session, applicant, make_contest(session, officer), org)
    parses = []
    original = Content.model_validate.__func__

    def counted(cls, *args, **kwargs):
        parses.append(1)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Content, "model_validate", classmethod(counted))
    apply_transition(session, offer, "submit", applicant, {})
    assert offer.state == "submitted" and offer.requested_grant is not None
    assert len(parses) == 1
