"""Announcement rules (DOMAIN.md "Contest announcement"): R-ANN-21DAYS, R-ANN-CONTENT, R-ANN-FORM,
R-ANN-PARAMS, and the announcement frozen at publication."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.contests import operations as cops
from grants.contests import rules
from grants.contests.models import Contest
from grants.core import canonical
from grants.core.audit import AuditEntry
from grants.core.dates import WARSAW
from grants.workflows.errors import GuardRefused, NotEditable
from tests.factories import contest_values, make_contest


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """argon2id with tiny costs: every test here creates users and tokens."""
    from argon2 import PasswordHasher

    from grants.accounts import passwords
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _w(text: str) -> datetime:
    """A Warsaw wall-clock time as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=WARSAW)


def _audit_count(session, c) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "contest", AuditEntry.object_id == str(c.id)))


def _refused_publish(session, officer, c, rule: str) -> GuardRefused:
    """Publishing is refused by `rule`, and nothing changed: state, version, audit trail, announcement."""
    cid, version, audits = c.id, c.version, _audit_count(session, c)
    with pytest.raises(GuardRefused) as e:
        cops.transition(session, c, "publish", officer)
    assert e.value.reason.rule == rule, e.value.detail
    assert rule in e.value.detail
    session.expire_all()
    again = session.get(Contest, cid)
    assert (again.state, again.version) == ("draft", version)
    assert again.announcement is None and again.announcement_hash is None and again.published_at is None
    assert _audit_count(session, again) == audits
    return e.value


# ---------------------------------------------------------------- R-ANN-21DAYS

@pytest.mark.parametrize("published, deadline", [
    ("2027-03-01T23:30", "2027-03-21T23:59:59"),   # 20 days after the publication day
    ("2027-03-01T23:30", "2027-03-21T00:00"),
    # 00:30 in Warsaw is still the previous day in UTC: counted by UTC days it would be 21
    ("2027-03-02T00:30", "2027-03-22T12:00"),
    ("2027-10-31T00:30", "2027-11-20T09:00"),      # the night the clocks go back
])
def test_r_ann_21days_deadline_20_days_after_refused(session, make_user, clock_at, published, deadline):
    officer = make_user("officer")
    clock_at(published)
    c = make_contest(session, officer, publish=False, deadline=_w(deadline))
    err = _refused_publish(session, officer, c, "R-ANN-21DAYS")
    assert "21" in err.detail


@pytest.mark.parametrize("published, deadline", [
    ("2027-03-01T10:00", "2027-03-22T00:00"),      # exactly 21 days after the publication day
    ("2027-03-01T23:30", "2027-03-22T00:30"),      # 23:30 UTC on the 21st, but the 22nd in Warsaw
    ("2027-03-01T00:05", "2027-03-22T00:00"),
])
def test_r_ann_21days_deadline_21_days_after_accepted(session, make_user, clock_at, published, deadline):
    officer = make_user("officer")
    clock_at(published)
    c = make_contest(session, officer, publish=False, deadline=_w(deadline))
    cops.transition(session, c, "publish", officer)
    assert c.state == "published"
    assert c.published_at is not None


def test_r_ann_21days_rule_by_days():
    assert rules.deadline_ok(date(2027, 3, 1), date(2027, 3, 22))
    assert not rules.deadline_ok(date(2027, 3, 1), date(2027, 3, 21))
    assert not rules.deadline_ok(date(2027, 3, 1), date(2027, 3, 1))


def test_r_ann_21days_refused_through_the_api_and_nothing_changed(client, session, make_user, api_token, clock_at):
    officer = make_user("officer")
    clock_at("2027-03-01T23:30")
    c = make_contest(session, officer, publish=False, deadline=_w("2027-03-21T18:00"))
    h = api_token(officer)
    before = client.get(f"/api/v1/contests/{c.id}", headers=h).get_json()
    publish = next(t for t in before["transitions"] if t["name"] == "publish")
    assert publish["allowed"] is False and publish["rule"] == "R-ANN-21DAYS"
    audits = _audit_count(session, c)
    r = client.post(f"/api/v1/contests/{c.id}/transitions/publish", json={}, headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)
    body = r.get_json()
    assert r.mimetype == "application/problem+json"
    assert "R-ANN-21DAYS" in body["type"] or "R-ANN-21DAYS" in body["detail"]
    after = client.get(f"/api/v1/contests/{c.id}", headers=h).get_json()
    assert (after["state"], after["version"], after["published_at"]) == ("draft", before["version"], None)
    assert _audit_count(session, c) == audits


# ---------------------------------------------------------------- R-ANN-CONTENT

CONTENT_CASES = [
    ("task_type", "", "rodzaj zadania publicznego"),
    ("task_type", "   ", "rodzaj zadania publicznego"),
    ("budget", None, "wysokość środków publicznych"),
    ("budget", Decimal("0.00"), "wysokość środków publicznych"),
    ("grant_rules", "", "zasady przyznawania dotacji"),
    ("task_conditions", "", "terminy i warunki realizacji zadania"),
    ("deadline", None, "termin składania ofert"),
    ("procedure", "", "tryb i kryteria"),
    ("decision_by", None, "termin dokonania wyboru ofert"),
    ("previous_tasks", "", "zrealizowane w roku bieżącym i poprzednim"),
    ("criteria", [], "kryteria oceny ofert"),
]
ALL_LABELS = {label for _f, _v, label in CONTENT_CASES}


def test_r_ann_content_each_missing_element_refuses_publish_naming_it(session, make_user):
    officer = make_user("officer")
    for field, value, label in CONTENT_CASES:  # one test: the per-test database wipe dominates
        overrides = {field: value}
        if field == "budget":
            overrides.update(max_grant=None, min_grant=None)
        c = make_contest(session, officer, publish=False, **overrides)
        assert [f for f, _m in rules.content_problems(c)] == [field]
        err = _refused_publish(session, officer, c, "R-ANN-CONTENT")
        assert label in err.detail, (field, err.detail)
        for other in ALL_LABELS - {label}:
            assert other not in err.detail, (field, other, err.detail)


def test_r_ann_content_complete_announcement_has_no_problems(session, make_user):
    officer = make_user("officer")
    c = make_contest(session, officer, publish=False)
    assert rules.content_problems(c) == [] and rules.param_problems(c) == []


def test_r_ann_content_refused_through_the_api(client, session, make_user, api_token):
    officer = make_user("officer")
    c = make_contest(session, officer, publish=False, grant_rules="", previous_tasks="")
    h = api_token(officer)
    r = client.post(f"/api/v1/contests/{c.id}/transitions/publish", json={}, headers=h)
    assert r.status_code == 422
    body = r.get_json()
    assert "R-ANN-CONTENT" in body["type"] + body["detail"]
    assert "zasady przyznawania dotacji" in body["detail"] and "zrealizowane w roku" in body["detail"]
    assert client.get(f"/api/v1/contests/{c.id}", headers=h).get_json()["state"] == "draft"


# ---------------------------------------------------------------- R-ANN-FORM

def _create_body(**overrides):
    v = contest_values(**overrides)
    body = {}
    for k, x in v.items():
        if isinstance(x, Decimal):
            body[k] = str(x)
        elif isinstance(x, (date, datetime)):
            body[k] = x.isoformat()
        else:
            body[k] = x
    return body


@pytest.mark.parametrize("form", ["mixed", "", "Support", None, 1])
def test_r_ann_form_only_support_or_entrustment_through_the_api(client, session, make_user, api_token, form):
    officer = make_user("officer")
    h = api_token(officer)
    r = client.post("/api/v1/contests", json=_create_body(form=form), headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)
    assert [e["field"] for e in r.get_json()["errors"]] == ["form"]
    assert session.scalar(select(func.count()).select_from(Contest)) == 0


def test_r_ann_form_refused_by_the_operation(session, make_user):
    officer = make_user("officer")
    with pytest.raises(cops.ContestError) as e:
        cops.create(session, officer, contest_values(form="mixed"))
    assert [x["field"] for x in e.value.errors] == ["form"]
    c = make_contest(session, officer, publish=False)
    with pytest.raises(cops.ContestError):
        cops.update(session, c, officer, {"form": "grant"})
    session.rollback()
    assert session.get(Contest, c.id).form == "support"


def test_r_ann_form_entrustment_default_criteria_drop_own_funds(client, session, make_user, api_token):
    officer = make_user("officer")
    h = api_token(officer)
    sup = client.post("/api/v1/contests", json=_create_body(form="support"), headers=h).get_json()
    ent = client.post("/api/v1/contests", json=_create_body(form="entrustment"), headers=h).get_json()
    assert ent["form"] == "entrustment"
    sup_codes = [x["code"] for x in sup["criteria"]]
    ent_codes = [x["code"] for x in ent["criteria"]]
    assert "own_funds" in sup_codes
    assert "own_funds" not in ent_codes
    assert ent_codes == [x for x in sup_codes if x != "own_funds"]
    # the entrustment contest publishes with them
    r = client.post(f"/api/v1/contests/{ent['id']}/transitions/publish", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)


# ---------------------------------------------------------------- R-ANN-PARAMS

PARAM_CASES = [
    ({"min_grant": Decimal("60000.00"), "max_grant": Decimal("50000.00")}, "min_grant"),
    ({"max_grant": Decimal("300000.01")}, "max_grant"),
    ({"min_own_total_pct": Decimal("100.01")}, "min_own_total_pct"),
    ({"min_own_financial_pct": Decimal("-1")}, "min_own_financial_pct"),
    ({"min_own_nonfinancial_pct": Decimal("101")}, "min_own_nonfinancial_pct"),
    ({"max_admin_pct": Decimal("150")}, "max_admin_pct"),
    ({"own_tolerance_pp": Decimal("-0.01")}, "own_tolerance_pp"),
    ({"shift_pct": Decimal("100.5")}, "shift_pct"),
    ({"task_start": date(2030, 6, 1), "task_end": date(2030, 5, 31)}, "task_end"),
    ({"pass_threshold": Decimal("45.01")}, "pass_threshold"),  # the default criteria total 45 points
    ({"correction_days": 0}, "correction_days"),
]


def test_r_ann_params_inconsistent_parameters_refused_with_field_errors(session, make_user):
    officer = make_user("officer")
    for overrides, field in PARAM_CASES:
        _params_refused(session, officer, overrides, field)


def _params_refused(session, officer, overrides, field):
    existing = session.scalar(select(func.count()).select_from(Contest))
    with pytest.raises(cops.ContestError) as e:
        cops.create(session, officer, contest_values(**overrides))
    assert [x["field"] for x in e.value.errors] == [field], overrides
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Contest)) == existing
    # the same through an edit of a valid draft: refused, nothing changed
    c = make_contest(session, officer, publish=False)
    version, kept = c.version, {k: getattr(c, k) for k in overrides}
    with pytest.raises(cops.ContestError) as e:
        cops.update(session, c, officer, overrides)
    assert [x["field"] for x in e.value.errors] == [field], overrides
    session.rollback()
    session.expire_all()
    again = session.get(Contest, c.id)
    assert again.version == version
    assert {k: getattr(again, k) for k in overrides} == kept
    assert rules.param_problems(again) == []


def test_r_ann_params_boundaries_accepted(session, make_user):
    officer = make_user("officer")
    for overrides in [
        {"min_grant": Decimal("50000.00"), "max_grant": Decimal("50000.00")},
        {"max_grant": Decimal("300000.00")},
        {"min_own_total_pct": Decimal("0"), "max_admin_pct": Decimal("100"), "shift_pct": Decimal("0")},
        {"min_own_total_pct": Decimal("100"), "own_tolerance_pp": Decimal("0")},
        {"task_start": date(2030, 6, 1), "task_end": date(2030, 6, 1)},
        {"pass_threshold": Decimal("45")},
        {"correction_days": 1},
    ]:
        c = make_contest(session, officer, publish=True, **overrides)
        assert c.state == "published", overrides


API_PARAM_CASES = [
    ({"min_grant": "60000.00"}, "min_grant"),
    ({"max_grant": "300000.01"}, "max_grant"),
    ({"min_own_total_pct": "100.01"}, "min_own_total_pct"),
    ({"max_admin_pct": "-5"}, "max_admin_pct"),
    ({"task_end": "2000-01-01"}, "task_end"),
    ({"pass_threshold": "46"}, "pass_threshold"),
    ({"budget": "-1.00"}, "budget"),
    ({"budget": 1000.5}, "budget"),           # a JSON float: money is a string
    ({"budget": "12.345"}, "budget"),
    ({"min_grant": "abc"}, "min_grant"),
    ({"min_own_total_pct": "100.001"}, "min_own_total_pct"),
]


def test_r_ann_params_refused_through_the_api_with_field_errors(client, session, make_user, api_token):
    officer = make_user("officer")
    c = make_contest(session, officer, publish=False)
    h = api_token(officer)
    before = client.get(f"/api/v1/contests/{c.id}", headers=h).get_json()
    audits = _audit_count(session, c)
    for patch, field in API_PARAM_CASES:
        r = client.patch(f"/api/v1/contests/{c.id}", json=patch, headers=h)
        assert r.status_code == 422, (patch, r.get_data(as_text=True))
        assert field in [e["field"] for e in r.get_json()["errors"]], (patch, r.get_json())
        r = client.post("/api/v1/contests", json=_create_body(**{k: v for k, v in patch.items()}), headers=h)
        assert r.status_code == 422, (patch, r.get_data(as_text=True))
        assert field in [e["field"] for e in r.get_json()["errors"]], (patch, r.get_json())
    after = client.get(f"/api/v1/contests/{c.id}", headers=h).get_json()
    after.pop("transitions"), before.pop("transitions")
    assert after == before
    assert _audit_count(session, c) == audits
    assert session.scalar(select(func.count()).select_from(Contest)) == 1


# ---------------------------------------------------------------- the frozen announcement

def test_r_ann_content_announcement_frozen_at_publication(client, session, make_user, api_token, clock_at):
    officer = make_user("officer")
    c = make_contest(session, officer)
    frozen, digest, cid = dict(c.announcement), c.announcement_hash, c.id
    assert digest == hashlib.sha256(canonical.dumps(frozen).encode()).hexdigest()
    assert frozen["title"] == c.title and frozen["budget"] == "300000.00"
    h = api_token(officer)
    body = client.get(f"/api/v1/contests/{cid}", headers=h).get_json()
    assert body["announcement_sha256"] == digest
    # no edit after publication: 409 through the API, NotEditable in the operation
    r = client.patch(f"/api/v1/contests/{cid}", json={"budget": "1.00", "title": "Inny"}, headers=h)
    assert r.status_code == 409, r.get_data(as_text=True)
    with pytest.raises(NotEditable):
        cops.update(session, session.get(Contest, cid), officer, {"title": "Inny"})
    session.rollback()
    # time closes the contest, then it is cancelled: the announcement stays as published
    from grants.workflows.scheduler import run_due
    clock_at(c.deadline + timedelta(seconds=1))
    run_due()
    session.expire_all()
    c = session.get(Contest, cid)
    assert c.state == "closed"
    cops.transition(session, c, "cancel", officer, {"reason": "Brak ofert"})
    session.expire_all()
    c = session.get(Contest, cid)
    assert c.state == "cancelled"
    assert c.announcement == frozen and c.announcement_hash == digest
    assert c.title != "Inny" and c.budget == Decimal("300000.00")
    # a clone is a new draft with its own (empty) announcement; the original stays frozen
    new = cops.clone(session, c, officer)
    session.commit()
    assert new.state == "draft" and new.announcement is None
    session.expire_all()
    assert session.get(Contest, cid).announcement_hash == digest
