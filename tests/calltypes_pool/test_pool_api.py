"""The standing pool of NGO candidates for commissions through the API (S2): nomination, the
candidate's own consent, the public list (name and nominating organisation only), withdrawal."""
from __future__ import annotations

from sqlalchemy import select

from grants.calltypes.federation.models import PoolCandidate
from grants.core import audit

from .helpers import SECRET_PROFILE, counts, named, nominate_api


def _setup(session, make_user, make_org):
    org = make_org("Stowarzyszenie Seniorzy Razem")
    nominator = make_user("applicant", org=org)
    candidate = named(session, make_user("applicant", email="anna.nowak@test.example.org"), "Anna Nowak")
    return org, nominator, candidate


def test_nominate_consent_then_public_list_shows_name_and_organisation_only(client, session, make_user, make_org,
                                                                           api_token):
    org, nominator, candidate = _setup(session, make_user, make_org)
    officer = make_user("officer")
    r = nominate_api(client, api_token(nominator), org, candidate, fields=["seniors", "culture"])
    assert r.status_code == 201, r.get_data(as_text=True)
    pid = r.get_json()["id"]
    assert r.get_json()["status"] == "awaiting_consent"
    # not in the pool before the candidate's consent
    assert client.get("/api/v1/commission-pool").get_json()["total"] == 0
    r = client.post(f"/api/v1/commission-pool/{pid}/consent", headers=api_token(candidate))
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["status"] == "consented"

    r = client.get("/api/v1/commission-pool")
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 1
    item = body["items"][0]
    assert set(item) == {"id", "name", "organisation", "fields"}
    assert item["name"] == "Anna Nowak"
    assert item["organisation"] == {"id": str(org.id), "name": "Stowarzyszenie Seniorzy Razem"}
    assert item["fields"] == ["seniors", "culture"]
    text = r.get_data(as_text=True)
    assert candidate.email not in text and "anna.nowak" not in text
    assert "Profil poufny" not in text
    # one candidate read without a token: the same public fields
    one = client.get(f"/api/v1/commission-pool/{pid}")
    assert one.status_code == 200 and set(one.get_json()) == {"id", "name", "organisation", "fields"}
    assert "Profil poufny" not in one.get_data(as_text=True)

    # the public page: name and organisation, never the e-mail or the profile
    page = client.get("/commission-pool")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Anna Nowak" in html and "Stowarzyszenie Seniorzy Razem" in html
    assert candidate.email not in html and "anna.nowak" not in html and "Profil poufny" not in html

    # staff get the profile too
    staff = client.get("/api/v1/commission-pool", headers=api_token(officer)).get_json()["items"][0]
    assert staff["profile"] == SECRET_PROFILE
    # filtered by field
    assert client.get("/api/v1/commission-pool?field=culture").get_json()["total"] == 1
    assert client.get("/api/v1/commission-pool?field=sport").get_json()["total"] == 0
    assert client.get("/api/v1/commission-pool?field=nonsense").status_code == 422
    # every change audited on the candidate's chain
    assert [e.action for e in audit.history(session, "pool_candidate", pid)] == ["nominate", "consent"]


def test_consent_by_someone_else_is_refused(client, session, make_user, make_org, api_token):
    org, nominator, candidate = _setup(session, make_user, make_org)
    stranger, officer = make_user("applicant", org=make_org()), make_user("officer")
    pid = nominate_api(client, api_token(nominator), org, candidate).get_json()["id"]
    before = counts(session)
    assert client.post(f"/api/v1/commission-pool/{pid}/consent").status_code == 401
    assert client.post(f"/api/v1/commission-pool/{pid}/consent", headers=api_token(stranger)).status_code == 404
    for who in (nominator, officer):  # they see the nomination, but only the candidate consents
        r = client.post(f"/api/v1/commission-pool/{pid}/consent", headers=api_token(who))
        assert r.status_code == 403, r.get_data(as_text=True)
        assert r.headers["Content-Type"].startswith("application/problem+json")
        assert "kandydat" in r.get_json()["detail"]
    session.expire_all()
    assert session.get(PoolCandidate, int(pid)).consent_at is None
    assert counts(session) == before
    assert client.get("/api/v1/commission-pool").get_json()["total"] == 0
    # consenting twice is a state conflict
    assert client.post(f"/api/v1/commission-pool/{pid}/consent", headers=api_token(candidate)).status_code == 200
    assert client.post(f"/api/v1/commission-pool/{pid}/consent", headers=api_token(candidate)).status_code == 409


def test_nomination_refused_clearly_for_unknown_email_duplicate_or_no_fields_and_nothing_changes(
        client, session, make_user, make_org, api_token):
    org, nominator, candidate = _setup(session, make_user, make_org)
    h = api_token(nominator)
    assert nominate_api(client, h, org, candidate).status_code == 201
    other = named(session, make_user("applicant"), "Jan Kowalski")
    before = counts(session)

    class Ghost:
        email = "nikt.taki@test.example.org"

    cases = [
        (nominate_api(client, h, org, Ghost), "email", "konta"),
        (nominate_api(client, h, org, candidate), "email", "już zgłoszona"),
        (nominate_api(client, h, org, other, fields=[]), "fields", "co najmniej jedną"),
        (nominate_api(client, h, org, other, fields=["no_such_field"]), "fields", "Nieznana sfera"),
        (nominate_api(client, h, org, other, profile="   "), "profile", "profil"),
        (nominate_api(client, h, org, other, profile="x" * 1001), "profile", "1000"),
    ]
    for r, field, words in cases:
        assert r.status_code == 422, r.get_data(as_text=True)
        assert r.headers["Content-Type"].startswith("application/problem+json")
        errors = r.get_json()["errors"]
        assert any(e["field"] == field and words.lower() in e["message"].lower() for e in errors), errors
    # several bad fields at once: each named
    r = client.post("/api/v1/commission-pool", headers=h,
                    json={"organisation_id": str(org.id), "email": "zly@", "profile": "", "fields": []})
    assert r.status_code == 422
    assert {e["field"] for e in r.get_json()["errors"]} == {"email", "profile", "fields"}
    # malformed, unknown keys, wrong types
    assert client.post("/api/v1/commission-pool", headers={**h, "Content-Type": "application/json"},
                       data="{").status_code == 400
    r = client.post("/api/v1/commission-pool", headers=h, json={"organisation_id": str(org.id), "email": other.email,
                                                                "profile": "ok", "fields": ["culture"], "x": 1})
    assert r.status_code == 422
    # on behalf of an organisation one is not a member of, or with no organisation at all: 403
    foreign = make_org()
    assert nominate_api(client, h, foreign, other).status_code == 403
    assert nominate_api(client, api_token(make_user("officer")), org, other).status_code == 403
    assert nominate_api(client, {}, org, other).status_code == 401
    assert counts(session) == before


def test_withdrawn_candidate_leaves_the_pool(client, session, make_user, make_org, api_token):
    org, nominator, candidate = _setup(session, make_user, make_org)
    second = named(session, make_user("applicant"), "Jan Kowalski")
    h = api_token(nominator)
    p1 = nominate_api(client, h, org, candidate).get_json()["id"]
    p2 = nominate_api(client, h, org, second).get_json()["id"]
    client.post(f"/api/v1/commission-pool/{p1}/consent", headers=api_token(candidate))
    client.post(f"/api/v1/commission-pool/{p2}/consent", headers=api_token(second))
    assert client.get("/api/v1/commission-pool").get_json()["total"] == 2
    # the candidate withdraws; the nominating organisation withdraws its other nomination
    r = client.post(f"/api/v1/commission-pool/{p1}/withdraw", headers=api_token(candidate))
    assert r.status_code == 200 and r.get_json()["status"] == "withdrawn"
    r = client.post(f"/api/v1/commission-pool/{p2}/withdraw", headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert client.get("/api/v1/commission-pool").get_json()["total"] == 0
    assert "Anna Nowak" not in client.get("/commission-pool").get_data(as_text=True)
    # withdrawn: no second withdrawal, no consent, no profile edit
    assert client.post(f"/api/v1/commission-pool/{p1}/withdraw", headers=api_token(candidate)).status_code == 409
    assert client.post(f"/api/v1/commission-pool/{p1}/consent", headers=api_token(candidate)).status_code == 409
    assert client.patch(f"/api/v1/commission-pool/{p1}", headers=api_token(candidate),
                        json={"profile": "Nowy"}).status_code == 409
    assert client.patch(f"/api/v1/commission-pool/{p1}", headers={**api_token(candidate), "Content-Type": "application/json"},
                        data="{").status_code == 409  # the state refuses before the body is read
    # someone else cannot withdraw a nomination: an officer sees it but is not party to it
    p3 = nominate_api(client, h, org, named(session, make_user("applicant"), "Ewa Zając")).get_json()["id"]
    assert client.post(f"/api/v1/commission-pool/{p3}/withdraw", headers=api_token(make_user("officer"))).status_code == 403
    assert client.post(f"/api/v1/commission-pool/{p3}/withdraw",
                       headers=api_token(make_user("applicant", org=make_org()))).status_code == 404
    # nominated again after withdrawal: waits for a fresh consent
    r = nominate_api(client, h, org, candidate)
    assert r.status_code == 201 and r.get_json()["id"] == p1 and r.get_json()["status"] == "awaiting_consent"
    assert client.get("/api/v1/commission-pool").get_json()["total"] == 0
    actions = [e.action for e in audit.history(session, "pool_candidate", p1)]
    assert actions == ["nominate", "consent", "withdraw", "nominate_again"]


def test_candidate_edits_own_profile_others_cannot_and_bad_input_changes_nothing(client, session, make_user,
                                                                                 make_org, api_token):
    org, nominator, candidate = _setup(session, make_user, make_org)
    pid = nominate_api(client, api_token(nominator), org, candidate).get_json()["id"]
    hc = api_token(candidate)
    r = client.patch(f"/api/v1/commission-pool/{pid}", headers=hc, json={"profile": "Nowy profil", "fields": ["health"]})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["profile"] == "Nowy profil" and r.get_json()["fields"] == ["health"]
    before = counts(session)
    assert client.patch(f"/api/v1/commission-pool/{pid}", headers=hc, json={"fields": []}).status_code == 422
    assert client.patch(f"/api/v1/commission-pool/{pid}", headers=hc, json={"profile": ""}).status_code == 422
    assert client.patch(f"/api/v1/commission-pool/{pid}", headers=api_token(nominator),
                        json={"profile": "Zmiana"}).status_code == 403
    assert client.patch(f"/api/v1/commission-pool/{pid}", json={"profile": "Zmiana"}).status_code == 401
    assert counts(session) == before
    session.expire_all()
    c = session.get(PoolCandidate, int(pid))
    assert (c.profile, c.fields) == ("Nowy profil", ["health"])
    # the caller's own nominations, in every state
    mine = client.get("/api/v1/commission-pool?mine=1", headers=hc).get_json()
    assert [x["id"] for x in mine["items"]] == [pid] and mine["items"][0]["status"] == "awaiting_consent"
    assert client.get("/api/v1/commission-pool?mine=1").status_code == 401


def test_pool_list_reads_a_constant_number_of_queries(client, session, make_user, make_org, api_token, count_queries):
    from grants.calltypes.federation import pool as ops
    org, nominator, _candidate = _setup(session, make_user, make_org)

    def grow(n):
        for _ in range(n):
            u = named(session, make_user("applicant"), "Osoba")
            c = ops.nominate(session, nominator, organisation_id=org.id, email=u.email, profile="p", fields=["culture"])
            ops.consent(session, u, c)
            session.commit()

    def run():
        with count_queries() as n:
            assert client.get("/api/v1/commission-pool").status_code == 200
            assert client.get("/commission-pool").status_code == 200
        return n()

    grow(2)
    small = run()
    grow(5)
    assert run() == small
    assert session.scalar(select(PoolCandidate.id).limit(1)) is not None
