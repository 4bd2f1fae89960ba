"""Building blocks for the innovation pilot after the award (S9): a decided pilot contest with its
agreements drafted through the API, milestones planned, progress reported and decided, the final
report with the pilot's evaluation, and the consultation a scale-up direction goes to.

The pilot contest is built as tests.factories.decided_contest builds any contest and then marked
call_type innovation_pilot (linked to a concept call id): who may apply to a pilot contest is stage 2's
own concern (grants/calltypes/innovation/pilot.py, tested with it); after the award only the agreement's
contest's call type matters."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tests.after_award.helpers import World, audit_actions, count  # noqa: F401 - re-exported

PINNED = "2026-10-01T10:00"  # the contest's year is 2027; offers run 2027-03-01 to 2027-11-30
CHECK_1 = date(2027, 5, 3)
CHECK_2 = date(2027, 8, 2)


def make_pilot(session, contest, concept_call_id: int = 1):
    """Marks a decided contest as an innovation pilot (stage 2 of S9)."""
    contest = session.merge(contest)
    contest.call_type = "innovation_pilot"
    contest.call_params = {"concept_call_id": concept_call_id}
    session.commit()
    return contest


def milestone_body(number=None, title="Prototyp usługi", checkpoint=CHECK_1, criteria="30 mieszkańców testuje prototyp"):
    body = {"title": title, "success_criteria": criteria, "checkpoint_on": checkpoint.isoformat()}
    if number is not None:
        body["number"] = number
    return body


def plan(w, aid, status=201, **kw):
    r = w.post(f"/api/v1/agreements/{aid}/milestones", w.h, milestone_body(**kw))
    assert r.status_code == status, r.get_data(as_text=True)
    return r.get_json()


def milestones(w, aid, headers=None) -> dict:
    return w.ok(w.get(f"/api/v1/agreements/{aid}/milestones", headers or w.h))


def progress(w, aid, n, text="Prototyp gotowy, testy trwają.", headers=None, if_match=None):
    headers = dict(headers or w.hn[0])
    if if_match is not None:
        headers["If-Match"] = f'"{if_match}"'
    return w.post(f"/api/v1/agreements/{aid}/milestones/{n}/progress", headers, {"progress": text})


def decide(w, aid, n, decision="go", note="Kryteria sukcesu spełnione.", headers=None, if_match=None):
    headers = dict(headers or w.h)
    if if_match is not None:
        headers["If-Match"] = f'"{if_match}"'
    return w.post(f"/api/v1/agreements/{aid}/milestones/{n}/decision", headers, {"decision": decision, "note": note})


def evaluation(outcome="achieved", recommendation="scale_up", **kw) -> dict:
    ev = {"outcome": outcome, "what_worked": "Mieszkańcy chętnie korzystali z usługi.",
          "what_did_not_work": "Rekrutacja seniorów trwała dłużej niż planowano.",
          "metrics": [{"name": "Użytkownicy usługi", "target": "100", "achieved": "60"}],
          "lessons": "Zacząć rekrutację wcześniej, z radami dzielnic.", "recommendation": recommendation}
    ev.update(kw)
    return ev


def save_report(w, rid, content: dict, k=0, status=200):
    """PATCH /api/v1/reports/<id> as the organisation's member (the evaluation under "call")."""
    r = w.patch(f"/api/v1/reports/{rid}", w.hn[k], content)
    assert r.status_code == status, r.get_data(as_text=True)
    return r.get_json()


def running_pilot(w, k=0, **patch):
    """Agreement k drafted, signed and started (in progress)."""
    a = w.draft(k, pattern="100", **patch)
    w.sign(a["id"])
    w.start_task(a["id"])
    assert w.agreement(a["id"])["state"] == "in_progress"
    return a


def reported_pilot(session, w, k=0, ev: dict | None = None, from_grant=(Decimal("8500.00"), Decimal("500.00")),
                   own=Decimal("1000.00")):
    """A running pilot whose one tranche was paid, the task ended and the final report (with the
    evaluation `ev`) submitted and accepted. Offer of 9000.00: lines 9500.00 and 500.00, own 1000.00."""
    a = running_pilot(w, k)
    start = date.fromisoformat(a["task_start"])
    w.pay(a["tranches"][0]["id"], start + timedelta(days=1))
    w.end_task(a["id"])
    rep = w.final_report(a["id"])
    content = w.report_body(list(from_grant), own)
    content["call"] = ev if ev is not None else evaluation()
    save_report(w, rep["id"], content, k)
    w.accept_report(rep["id"], k)
    return a, rep


def consultation(session, officer, state="open", title="Konsultacje programu współpracy na 2028"):
    """A consultation of the next programme in `state` (draft or open; closed for refusals)."""
    from grants.consultations import operations as cops
    from grants.core import clock
    from grants.workflows.base import apply_transition
    now = clock.now()
    officer = session.merge(officer)
    c = cops.create(session, officer, title=title, description="Kierunki konkursów na 2028 r.",
                    starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30))
    session.commit()
    if state in ("open", "closed"):
        apply_transition(session, c, "open", officer)
    if state == "closed":
        apply_transition(session, c, "close_early", officer, {"reason": "Koniec zbierania propozycji"})
    return c
