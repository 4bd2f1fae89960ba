"""API tokens (issue 21): named, with a lifetime chosen at creation, listed (never the secret),
revoked one by one (one's own; an admin anyone's), documented; users deactivated and reactivated
by an admin through the API, which ends every token of the user."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.accounts.tokens import DEFAULT_DAYS, MAX_DAYS
from grants.api.models import ApiToken
from grants.core import clock
from grants.core.audit import AuditEntry
from tests.accounts.support import bearer, fresh, fresh_one
from tests.factories import PASSWORD


def _issue(client, user, **extra):
    r = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD, **extra})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def _days_left(body) -> float:
    expires = clock.parse_moment(body["expires_at"].replace("Z", "+00:00"))
    return (expires - clock.real_now()).total_seconds() / 86400


def test_token_with_a_name_and_a_chosen_lifetime(client, make_user):
    user = make_user("applicant")
    body = _issue(client, user, name="Integracja księgowa", expires_in_days=90)
    assert body["name"] == "Integracja księgowa" and body["id"]
    assert 89.9 < _days_left(body) <= 90
    default = _issue(client, user)
    assert DEFAULT_DAYS - 0.1 < _days_left(default) <= DEFAULT_DAYS and default["name"] == ""


@pytest.mark.parametrize("extra", [{"expires_in_days": 0}, {"expires_in_days": MAX_DAYS + 1},
                                   {"expires_in_days": "ever"}, {"expires_in_days": -3}, {"name": "x" * 101}])
def test_token_with_a_bad_lifetime_or_name_is_refused_and_nothing_issued(client, make_user, extra):
    user = make_user("applicant")
    r = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD, **extra})
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert fresh(select(ApiToken.id)) == []


def test_list_shows_ones_own_live_tokens_never_the_secret(client, make_user):
    user, other = make_user("applicant"), make_user("applicant")
    first = _issue(client, user, name="pierwszy")
    second = _issue(client, user, name="drugi", expires_in_days=7)
    _issue(client, other, name="cudzy")
    r = client.get("/api/v1/tokens", headers=bearer(second["token"]))
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 2
    assert {t["name"] for t in body["items"]} == {"pierwszy", "drugi"}
    assert set(body["items"][0]) == {"id", "name", "created_at", "expires_at", "last_used_at", "user_id"}
    text = r.get_data(as_text=True)
    assert first["token"] not in text and second["token"] not in text


def test_an_expired_token_is_refused_and_not_listed(client, session, make_user):
    user = make_user("applicant")
    old, live = _issue(client, user, name="stary"), _issue(client, user, name="nowy")
    row = session.get(ApiToken, int(old["id"]))
    row.expires_at = clock.real_now() - timedelta(seconds=1)
    session.commit()
    assert client.get("/api/v1/tokens", headers=bearer(old["token"])).status_code == 401
    names = [t["name"] for t in client.get("/api/v1/tokens", headers=bearer(live["token"])).get_json()["items"]]
    assert names == ["nowy"]


def test_revoke_any_of_ones_own_tokens(client, make_user):
    user = make_user("applicant")
    a, b = _issue(client, user, name="a"), _issue(client, user, name="b")
    r = client.delete(f"/api/v1/tokens/{a['id']}", headers=bearer(b["token"]))
    assert r.status_code == 204
    assert client.get("/api/v1/tokens", headers=bearer(a["token"])).status_code == 401
    assert [t["name"] for t in client.get("/api/v1/tokens", headers=bearer(b["token"])).get_json()["items"]] == ["b"]
    assert client.delete(f"/api/v1/tokens/{a['id']}", headers=bearer(b["token"])).status_code == 404


def test_revoke_the_current_token(client, make_user):
    user = make_user("applicant")
    t = _issue(client, user)
    assert client.delete("/api/v1/tokens/current", headers=bearer(t["token"])).status_code == 204
    assert client.get("/api/v1/tokens", headers=bearer(t["token"])).status_code == 401


def test_someone_elses_token_cannot_be_revoked_or_listed(client, make_user):
    user, other = make_user("applicant"), make_user("officer")
    mine, theirs = _issue(client, user), _issue(client, other)
    r = client.delete(f"/api/v1/tokens/{theirs['id']}", headers=bearer(mine["token"]))
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert client.get("/api/v1/tokens", headers=bearer(theirs["token"])).status_code == 200
    r = client.get(f"/api/v1/tokens?user_id={other.id}", headers=bearer(mine["token"]))
    assert r.status_code == 403


def test_admin_lists_and_revokes_anyones_token_audited(client, make_user):
    admin, user = make_user("admin"), make_user("applicant")
    theirs = _issue(client, user, name="laptop")
    h = bearer(_issue(client, admin)["token"])
    listed = client.get(f"/api/v1/tokens?user_id={user.id}", headers=h).get_json()
    assert [t["name"] for t in listed["items"]] == ["laptop"]
    assert client.get("/api/v1/tokens?user_id=999999", headers=h).status_code == 404
    assert client.delete(f"/api/v1/tokens/{theirs['id']}", headers=h).status_code == 204
    assert client.get("/api/v1/tokens", headers=bearer(theirs["token"])).status_code == 401
    actions = fresh(select(AuditEntry.action, AuditEntry.actor_id).where(
        AuditEntry.object_type == "user", AuditEntry.object_id == str(user.id)))
    assert ("revoke_token", admin.id) in [tuple(a) for a in actions]


def test_token_endpoints_need_a_token(client):
    assert client.get("/api/v1/tokens").status_code == 401
    assert client.delete("/api/v1/tokens/1").status_code == 401
    assert client.delete("/api/v1/tokens/current").status_code == 401


def test_admin_deactivates_and_reactivates_a_user_through_the_api(client, make_user):
    admin, user = make_user("admin"), make_user("applicant")
    theirs = _issue(client, user)
    h = bearer(_issue(client, admin)["token"])
    r = client.post(f"/api/v1/users/{user.id}/deactivate", headers=h)
    assert r.status_code == 200 and r.get_json() == {"id": str(user.id), "email": user.email, "active": False}
    assert client.get("/api/v1/tokens", headers=bearer(theirs["token"])).status_code == 401
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 401
    r = client.post(f"/api/v1/users/{user.id}/activate", headers=h)
    assert r.status_code == 200 and r.get_json()["active"] is True
    assert client.get("/api/v1/tokens", headers=bearer(theirs["token"])).status_code == 401  # stays dead
    _issue(client, user)
    actions = [a for (a,) in fresh(select(AuditEntry.action).where(AuditEntry.object_type == "user",
                                                                   AuditEntry.object_id == str(user.id))
                                   .order_by(AuditEntry.id))]
    assert actions[-2:] == ["deactivate", "activate"]


def test_only_an_admin_deactivates_and_not_themselves(client, make_user):
    admin, user, officer = make_user("admin"), make_user("applicant"), make_user("officer")
    ho = bearer(_issue(client, officer)["token"])
    assert client.post(f"/api/v1/users/{user.id}/deactivate", headers=ho).status_code == 404  # not visible
    assert client.post(f"/api/v1/users/{officer.id}/deactivate", headers=ho).status_code == 403
    assert client.post("/api/v1/users/999999/deactivate", headers=bearer(_issue(client, admin)["token"])).status_code == 404
    r = client.post(f"/api/v1/users/{admin.id}/deactivate", headers=bearer(_issue(client, admin)["token"]))
    assert r.status_code == 422
    assert client.post(f"/api/v1/users/{user.id}/deactivate").status_code == 401
    assert fresh_one(User, user.id).active and fresh_one(User, admin.id).active


def test_log_out_everywhere_through_the_api(client, make_user):
    user = make_user("applicant")
    a, b = _issue(client, user), _issue(client, user)
    assert client.post(f"/api/v1/users/{user.id}/end-sessions", headers=bearer(a["token"])).status_code == 204
    for t in (a, b):
        assert client.get("/api/v1/tokens", headers=bearer(t["token"])).status_code == 401
    assert fresh_one(User, user.id).session_generation == 1


def test_token_and_user_endpoints_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/tokens"])
    assert "delete" in paths["/api/v1/tokens/current"] and "delete" in paths["/api/v1/tokens/{token_id}"]
    props = paths["/api/v1/tokens"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert props  # TokenRequest, with name and expires_in_days
    spec = client.get("/api/v1/openapi.json").get_json()
    req = spec["components"]["schemas"]["TokenRequest"]["properties"]
    assert {"name", "expires_in_days"} <= set(req)
    for p in ("/api/v1/users/{user_id}/deactivate", "/api/v1/users/{user_id}/activate", "/api/v1/users/{user_id}/end-sessions"):
        assert "post" in paths[p]


def test_another_authoritys_admin_neither_sees_nor_revokes_tokens_nor_steps_on_its_staff(client, session, make_user):
    """Issue 22: an admin manages the accounts of their own authority and of none; a Kraków officer's
    tokens and account are not visible to Wieliczka's admin (404, nothing changes), an applicant's are."""
    from grants.accounts.operations import create_user
    from grants.registry import authorities

    officer, applicant = make_user("officer"), make_user("applicant")  # Kraków's; of no authority
    authorities.create(session, None, code="WIE", name="Gmina Wieliczka", teryt="1219063")
    create_user(session, email="admin@wieliczka.example.org", password=PASSWORD, roles=["admin"], grantor_code="WIE")
    session.commit()
    theirs, ngo = _issue(client, officer, name="biuro"), _issue(client, applicant, name="dom")
    r = client.post("/api/v1/tokens", json={"email": "admin@wieliczka.example.org", "password": PASSWORD})
    h = bearer(r.get_json()["token"])
    assert client.get(f"/api/v1/tokens?user_id={officer.id}", headers=h).status_code == 404
    assert client.delete(f"/api/v1/tokens/{theirs['id']}", headers=h).status_code == 404
    for step in ("deactivate", "activate", "end-sessions"):
        assert client.post(f"/api/v1/users/{officer.id}/{step}", headers=h).status_code == 404, step
    assert client.get("/api/v1/tokens", headers=bearer(theirs["token"])).status_code == 200  # still alive
    assert fresh_one(User, officer.id).active and fresh_one(User, officer.id).session_generation == 0
    listed = client.get(f"/api/v1/tokens?user_id={applicant.id}", headers=h).get_json()
    assert [t["name"] for t in listed["items"]] == ["dom"]
    assert client.delete(f"/api/v1/tokens/{ngo['id']}", headers=h).status_code == 204
