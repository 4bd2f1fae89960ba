"""The workflow engine through the consultation workflow (ARCHITECTURE.md "Workflows"):
the order of the checks, refusals that change nothing, rollback of a failing side effect,
what each caller is offered, and the time-driven close."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from grants.consultations.models import Consultation
from grants.core import audit, clock, db, outbox
from grants.workflows import base
from grants.workflows.base import MALFORMED, apply_transition, available_transitions
from grants.workflows.consultation import CONSULTATION
from grants.workflows.errors import (GuardRefused, InvalidPayload, MalformedPayload, StaleVersion,
                                     TransitionForbidden, TransitionNotAvailable, UnknownTransition,
                                     WorkflowError)
from grants.workflows.scheduler import run_due

from .support import audit_actions, is_postgres, new_consultation, snapshot

REASON = {"reason": "Zmiana planów miasta"}


class _People(dict):
    """Users made on first use (password hashing is the slow part of a test's set-up)."""

    KINDS = {
        "officer": (("officer",), {}),
        "other_officer": (("officer",), {"department_code": "KUL"}),
        "admin": (("admin",), {"department_code": "KUL"}),
        "applicant": (("applicant",), {}),
        "participant": (("participant",), {"stakeholder_type": "resident"}),
    }

    def __init__(self, make_user):
        super().__init__()
        self.make_user = make_user

    def __missing__(self, kind):
        roles, kw = self.KINDS[kind]
        self[kind] = user = self.make_user(*roles, **kw)
        return user


@pytest.fixture
def people(make_user):
    return _People(make_user)


@pytest.fixture
def draft(session, people):
    return new_consultation(session, people["officer"])


def _refused(session, obj, name, actor, exc, payload=None, expected_version=None):
    """The transition is refused with `exc` and nothing in the database changed."""
    before = snapshot(obj.id)
    with pytest.raises(exc) as info:
        apply_transition(session, obj, name, actor, payload, expected_version)
    assert snapshot(obj.id) == before
    # the session is usable again and sees the unchanged row
    assert session.get(Consultation, obj.id).state == before["state"]
    return info.value


# ------------------------------------------------------------------ success

def test_open_changes_state_version_audit_outbox_and_next_check(session, people, draft):
    officer = people["officer"]
    before = snapshot(draft.id)
    apply_transition(session, draft, "open", officer, expected_version=draft.version)
    after = snapshot(draft.id)
    assert (before["state"], after["state"]) == ("draft", "open")
    assert after["version"] == before["version"] + 1
    assert after["audit"] == before["audit"] + 1 and after["outbox"] == before["outbox"] + 1
    assert audit_actions(draft.id)[-1] == ("open", officer.email)
    obj = session.get(Consultation, draft.id)
    # opening early moves the published start to now; the scheduler checks again at the end
    assert obj.starts_at <= clock.now()
    assert obj.next_check_at == obj.ends_at
    ev = session.scalars(select(outbox.OutboxEvent).where(outbox.OutboxEvent.topic == "consultation.open")).one()
    assert ev.data == {"object_type": "consultation", "id": str(draft.id), "from": "draft", "to": "open",
                       "actor_id": officer.id}
    # the machine keeps no model behind (transitions' Machine.models pitfall)
    assert CONSULTATION.machine.models == []


def test_admin_of_another_department_may_act(session, people, draft):
    apply_transition(session, draft, "open", people["admin"])
    assert snapshot(draft.id)["state"] == "open"


def test_close_early_clears_next_check(session, people, draft):
    apply_transition(session, draft, "open", people["officer"])
    apply_transition(session, draft, "close_early", people["officer"], REASON)
    snap = snapshot(draft.id)
    assert snap["state"] == "closed" and snap["next_check_at"] is None and snap["version"] == 3


# ------------------------------------------------------------------ refusals, in the API's order

def test_unknown_transition_is_409_and_lists_the_available_ones(session, people, draft):
    # unknown comes first, even for a caller who may do nothing here
    for actor in (people["officer"], people["applicant"], None):
        err = _refused(session, draft, "publish", actor, UnknownTransition, payload={"x": 1},
                       expected_version=99)
        assert err.status == 409
        assert err.extra["available"] == ["open"]


def test_transition_not_available_in_the_current_state(session, people, draft):
    err = _refused(session, draft, "close_early", people["applicant"], TransitionNotAvailable, REASON,
                   expected_version=99)
    assert err.status == 409 and err.extra["available"] == ["open"]
    assert "szkic" in str(err.detail)
    apply_transition(session, draft, "open", people["officer"])
    err = _refused(session, draft, "open", people["officer"], TransitionNotAvailable)
    assert set(err.extra["available"]) == {"close", "close_early"}


@pytest.mark.parametrize("who", ["applicant", "participant", "other_officer", None])
def test_wrong_role_or_department_is_forbidden_before_stale_version(session, people, draft, who):
    actor = people[who] if who else None
    err = _refused(session, draft, "open", actor, TransitionForbidden, payload={"bad": 1},
                   expected_version=draft.version + 5)
    assert err.status == 403


def test_automatic_transition_is_forbidden_to_people(session, people, draft):
    apply_transition(session, draft, "open", people["officer"])
    err = _refused(session, draft, "close", people["admin"], TransitionForbidden)
    assert "automatycznie" in str(err.detail)


def test_stale_version_is_409_with_the_current_version_before_the_payload(session, people, draft):
    apply_transition(session, draft, "open", people["officer"])
    err = _refused(session, draft, "close_early", people["officer"], StaleVersion, payload={"reason": ""},
                   expected_version=1)
    assert err.status == 409
    assert err.extra["current_version"] == 2 and "2" in str(err.detail)
    # a malformed If-Match is not a match either (a 409, never a 500)
    err = _refused(session, draft, "close_early", people["officer"], StaleVersion, REASON,
                   expected_version="W/abc")
    assert err.extra["current_version"] == 2


def test_concurrent_change_is_a_conflict_never_an_overwrite(session, people, draft):
    """The row changed behind this session's back: a 409 (stale or no longer available)."""
    other = db.session.session_factory()
    try:
        mine = other.get(Consultation, draft.id)
        assert mine.state == "draft"
        apply_transition(session, draft, "open", people["officer"])
        officer = other.get(type(people["officer"]), people["officer"].id)
        before = snapshot(draft.id)
        with pytest.raises((StaleVersion, TransitionNotAvailable)) as info:
            apply_transition(other, mine, "open", officer)
        assert info.value.status == 409
        assert snapshot(draft.id) == before
    finally:
        other.close()
    assert [a for a, _ in audit_actions(draft.id)] == ["create", "open"]


def test_invalid_payload_is_422_with_field_errors_before_the_guard(session, people):
    # no period: the R-CONSULT guard would refuse, but the payload is checked first
    c = new_consultation(session, people["officer"], starts_in=None)
    err = _refused(session, c, "open", people["officer"], InvalidPayload, payload={"unexpected": 1})
    assert err.status == 422 and err.errors == [{"field": "unexpected", "message": "unexpected field"}]
    err = _refused(session, c, "open", people["officer"], InvalidPayload, payload=["not", "an", "object"])
    assert err.errors[0]["field"] == "payload"
    err = _refused(session, c, "open", people["officer"], MalformedPayload, payload=MALFORMED)
    assert err.status == 400


def test_invalid_payload_fields_are_named(session, people, draft):
    apply_transition(session, draft, "open", people["officer"])
    err = _refused(session, draft, "close_early", people["officer"], InvalidPayload, {"reason": "x"})
    assert [e["field"] for e in err.errors] == ["reason"]
    err = _refused(session, draft, "close_early", people["officer"], InvalidPayload, {})
    assert [e["field"] for e in err.errors] == ["reason"]
    err = _refused(session, draft, "close_early", people["officer"], InvalidPayload,
                   {"reason": "Dobry powód", "extra": True})
    assert [e["field"] for e in err.errors] == ["extra"]


def test_r_consult_open_requires_a_published_period(session, people):
    officer = people["officer"]
    c = new_consultation(session, officer, starts_in=None)
    err = _refused(session, c, "open", officer, GuardRefused)
    assert err.status == 422 and err.extra["rule"] == "R-CONSULT" and err.type == "/rules/R-CONSULT"
    assert "R-CONSULT" in str(err.detail)


def test_r_consult_open_refused_when_the_period_has_ended(session, people, draft, clock_at):
    clock_at(draft.ends_at + timedelta(minutes=1))
    err = _refused(session, draft, "open", people["officer"], GuardRefused)
    assert err.extra["rule"] == "R-CONSULT"


def test_r_consult_report_required_to_publish(session, people, draft):
    officer = people["officer"]
    apply_transition(session, draft, "open", officer)
    apply_transition(session, draft, "close_early", officer, REASON)
    for payload in (None, {}, {"report": "   "}):
        err = _refused(session, draft, "publish_report", officer, GuardRefused, payload)
        assert err.extra["rule"] == "R-CONSULT"
    apply_transition(session, draft, "publish_report", officer, {"report": "Odpowiedzi na 3 uwagi."})
    snap = snapshot(draft.id)
    assert snap["state"] == "reported" and snap["report"] == "Odpowiedzi na 3 uwagi."
    assert [a for a, _ in audit_actions(draft.id)] == ["create", "open", "close_early", "publish_report"]


# ------------------------------------------------------------------ rollback of side effects

def _with_effect(monkeypatch, name, effect):
    t = CONSULTATION.by_name[name]
    monkeypatch.setitem(CONSULTATION.by_name, name, dataclasses.replace(t, effects=t.effects + (effect,)))


def test_failing_side_effect_rolls_everything_back(session, people, draft, monkeypatch):
    def boom(obj, ctx):
        obj.title = "zmieniony"
        outbox.emit(ctx.session, "consultation.extra", {"id": obj.id})
        ctx.session.flush()  # the rows reach the database inside the transaction
        raise RuntimeError("side effect failed")

    _with_effect(monkeypatch, "open", boom)
    _refused(session, draft, "open", people["officer"], RuntimeError)
    assert audit_actions(draft.id) == [("create", people["officer"].email)]


def test_failure_after_the_audit_entry_rolls_it_back(session, people, draft, monkeypatch):
    def fail_after_writing(s, *_args):  # a hook runs after the row, audit and outbox writes
        s.flush()  # state UPDATE, audit INSERT and outbox INSERT all sent
        assert s.scalar(select(audit.AuditEntry.action).where(  # the entry is written, in this transaction
            audit.AuditEntry.object_type == "consultation", audit.AuditEntry.object_id == str(draft.id))
            .order_by(audit.AuditEntry.seq.desc()).limit(1)) == "open"
        raise ConnectionError("lost the database")

    monkeypatch.setattr(base, "_transition_hooks", [*base._transition_hooks, fail_after_writing])
    _refused(session, draft, "open", people["officer"], ConnectionError)
    monkeypatch.undo()
    apply_transition(session, draft, "open", people["officer"])  # works afterwards, chain intact
    assert [a for a, _ in audit_actions(draft.id)] == ["create", "open"]


def test_commit_false_leaves_the_transaction_to_the_caller(session, people, draft):
    apply_transition(session, draft, "open", people["officer"], commit=False)
    assert snapshot(draft.id)["state"] == "draft"  # not visible outside yet
    session.rollback()
    assert snapshot(draft.id)["state"] == "draft"
    assert session.get(Consultation, draft.id).state == "draft"


# ------------------------------------------------------------------ what each caller is offered

def _offered(session, obj, actor):
    return {t["name"]: t for t in available_transitions(session, obj, actor)}


def test_available_transitions_per_caller(session, people, draft):
    officer_view = _offered(session, draft, people["officer"])
    assert list(officer_view) == ["open"]
    assert officer_view["open"]["allowed"] and officer_view["open"]["reason"] is None
    assert str(officer_view["open"]["label"]) == "Otwórz konsultację"
    assert _offered(session, draft, people["admin"])["open"]["allowed"]
    for who in ("other_officer", "applicant", "participant"):
        t = _offered(session, draft, people[who])["open"]
        assert not t["allowed"] and t["reason"], who
    anon = _offered(session, draft, None)["open"]
    assert not anon["allowed"] and "rola" in anon["reason"]
    # the offer computes nothing into the database
    assert snapshot(draft.id)["version"] == 1


def test_available_transitions_show_the_guard_reason(session, people):
    c = new_consultation(session, people["officer"], starts_in=None)
    t = _offered(session, c, people["officer"])["open"]
    assert not t["allowed"] and t["rule"] == "R-CONSULT" and t["reason"].startswith("R-CONSULT: ")
    # a caller without the role is told about the role, not the guard
    assert _offered(session, c, people["applicant"])["open"]["rule"] is None


def test_available_transitions_when_open(session, people, draft):
    apply_transition(session, draft, "open", people["officer"])
    view = _offered(session, draft, people["officer"])
    assert set(view) == {"close", "close_early"}
    assert view["close"]["automatic"] and not view["close"]["allowed"]
    assert view["close_early"]["allowed"] and view["close_early"]["has_payload"]
    assert not _offered(session, draft, None)["close_early"]["allowed"]


# ------------------------------------------------------------------ time-driven transitions

def test_scheduler_closes_at_the_end_once(session, people, draft, clock_at):
    apply_transition(session, draft, "open", people["officer"])
    ends_at, obj_id = draft.ends_at, draft.id
    assert run_due() == 0  # not due yet
    assert snapshot(obj_id)["state"] == "open"
    clock_at(ends_at + timedelta(seconds=30))
    assert run_due() == 1
    snap = snapshot(obj_id)
    assert snap["state"] == "closed" and snap["next_check_at"] is None and snap["version"] == 3
    assert audit_actions(obj_id)[-1] == ("close", "system")
    assert run_due() == 0  # a second run changes nothing
    assert snapshot(obj_id) == snap


def test_scheduler_refreshes_a_stale_next_check(session, people, draft, clock_at):
    """A check moment left behind (nothing due any more) is recomputed, not retried for ever."""
    apply_transition(session, draft, "open", people["officer"])
    apply_transition(session, draft, "close_early", people["officer"], REASON)
    with db.get_engine().begin() as c:
        c.execute(Consultation.__table__.update().values(next_check_at=clock.now() - timedelta(hours=1)))
    obj_id = draft.id  # run_due closes this thread's session: keep plain values
    before = snapshot(obj_id)
    assert run_due() == 0
    after = snapshot(obj_id)
    assert after["next_check_at"] is None and after["state"] == before["state"] == "closed"
    assert after["audit"] == before["audit"]


def test_one_failing_object_does_not_block_the_others(session, people, clock_at, monkeypatch):
    officer = people["officer"]
    first = new_consultation(session, officer, lasts=timedelta(days=1))
    second = new_consultation(session, officer, lasts=timedelta(days=2))
    for c in (first, second):
        apply_transition(session, c, "open", officer)
    bad_id, good_id, end = first.id, second.id, second.ends_at

    def fails_for_first(obj, ctx):
        if obj.id == bad_id:
            raise RuntimeError("broken side effect")

    _with_effect(monkeypatch, "close", fails_for_first)
    clock_at(end + timedelta(minutes=1))
    assert run_due() == 1
    assert snapshot(bad_id)["state"] == "open"
    assert snapshot(good_id)["state"] == "closed"
    monkeypatch.undo()
    assert run_due() == 1
    assert snapshot(bad_id)["state"] == "closed"


# ------------------------------------------------------------------ declaration

def test_declaring_an_undeclared_state_fails():
    from grants.workflows.base import Workflow, transition
    with pytest.raises(ValueError):
        Workflow("x", "x", {"a": "A"}, "a", [transition("go", "a", "b", "go")])
    with pytest.raises(ValueError):
        Workflow("x", "x", {"a": "A"}, "z", [])


def test_workflow_errors_are_409_class_or_as_documented():
    assert issubclass(StaleVersion, WorkflowError) and StaleVersion.status == 409
    assert TransitionForbidden.status == 403 and InvalidPayload.status == 422 and MalformedPayload.status == 400


# ------------------------------------------------------------------ round trips of the hot path

def test_a_transition_of_a_loaded_row_is_one_statement_on_postgresql(session, people, draft):
    """The row as loaded (the transaction had written nothing): its version-checked UPDATE, the
    chain's head read after it, the audit entry hashed on it and the outbox row in one statement
    (close_early tells nobody: no hook queries). A row not loaded is read first, with its head."""
    if not is_postgres():
        pytest.skip("the one-statement write is PostgreSQL's (data-modifying CTEs)")
    sent = []

    def count(_conn, _cursor, statement, *_args):
        sent.append(statement.split(None, 1)[0].upper())

    session.expire(draft)
    event.listen(db.get_engine(), "before_cursor_execute", count)
    try:
        apply_transition(session, draft, "open", people["officer"])
        opened = list(sent)
        sent.clear()
        apply_transition(session, draft, "close_early", people["officer"], REASON)
    finally:
        event.remove(db.get_engine(), "before_cursor_execute", count)
    assert opened[:2] == ["SELECT", "WITH"]
    assert sent == ["WITH"]
    after = snapshot(draft.id)
    assert after["state"] == "closed" and after["version"] == 3
    assert [a for a, _ in audit_actions(draft.id)] == ["create", "open", "close_early"]
    assert audit.verify(session).ok  # the entries hashed in SQL chain and hash as Python computes them


def test_a_transition_that_tells_people_is_still_two_statements_on_postgresql(session, people, draft, make_user):
    """`open` tells every applicant and announces to subscribers: that read rides on the write
    statement (no query of its own), and the applicants are told as before."""
    if not is_postgres():
        pytest.skip("the one-statement write is PostgreSQL's (data-modifying CTEs)")
    from grants.notifications.models import Notification
    applicant = make_user("applicant")
    sent = []

    def count(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split()))

    event.listen(db.get_engine(), "before_cursor_execute", count)
    try:
        apply_transition(session, draft, "open", people["officer"], commit=False)
    finally:
        event.remove(db.get_engine(), "before_cursor_execute", count)
    # the lock, the write with the audiences (their accounts and preferences) and whether anyone
    # subscribes, then their notifications (one insert): no query of the audiences, the accounts
    # or the subscriptions of its own
    assert [x.split(None, 1)[0] for x in sent] == ["SELECT", "WITH", "INSERT"], sent
    assert all(t in sent[1] for t in ("user_roles", "subscriptions", "notification_preferences")), sent[1]
    assert sent[2].startswith("INSERT INTO notifications")
    session.commit()
    told = session.scalars(select(Notification.user_id).where(Notification.object_type == "consultation",
                                                              Notification.object_id == str(draft.id))).all()
    assert applicant.id in told and people["officer"].id not in told
