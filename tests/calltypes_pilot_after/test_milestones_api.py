"""Milestones of an innovation pilot's agreement (S9) through /api/v1/agreements/<id>/milestones:
planned by the department's officer within the task period, progress reported by the organisation up
to the checkpoint, go or no-go decided by the officer on or after the checkpoint date, in order and
once; a no-go stops the pilot; stale versions are refused; who may see and do what."""
from __future__ import annotations

from datetime import date

import pytest

from tests.calltypes_pilot_after.helpers import (CHECK_1, CHECK_2, audit_actions, count, decide, milestones,
                                                 plan, progress, running_pilot)


def _count():
    from grants.calltypes.innovation.models import Milestone
    return count(Milestone)


def test_officer_plans_milestones_on_a_draft_pilot_agreement_numbered_in_turn_and_audited(pilot_world):
    w = pilot_world()
    a = w.draft(0)
    assert (a["task_start"], a["task_end"]) == ("2027-03-01", "2027-11-30")
    m1 = plan(w, a["id"])
    assert (m1["number"], m1["decision"], m1["checkpoint_on"], m1["version"]) == (1, "pending", "2027-05-03", 1)
    assert m1["decision_allowed"] is False and "w czasie realizacji umowy" in m1["decision_reason"]
    m2 = plan(w, a["id"], title="Test z trzema dzielnicami", checkpoint=CHECK_2)
    assert m2["number"] == 2
    got = milestones(w, a["id"])
    assert [(m["number"], m["title"]) for m in got["items"]] == [(1, "Prototyp usługi"), (2, "Test z trzema dzielnicami")]
    assert got["total"] == 2 and got["stopped_at"] is None
    assert audit_actions("agreement", a["id"]).count("milestone_plan") == 2
    # still plannable once signed and in progress
    w.sign(a["id"])
    w.start_task(a["id"])
    plan(w, a["id"], number=5, title="Raport z wnioskami", checkpoint=date(2027, 11, 15))
    assert [m["number"] for m in milestones(w, a["id"])["items"]] == [1, 2, 5]


def test_bad_milestone_plans_are_refused_with_a_clear_polish_reason_and_change_nothing(pilot_world):
    w = pilot_world()
    a = w.draft(0)
    plan(w, a["id"], checkpoint=CHECK_2)
    url = f"/api/v1/agreements/{a['id']}/milestones"

    def refused(body, field, words, status=422):
        r = w.post(url, w.h, body)
        assert r.status_code == status, r.get_data(as_text=True)
        errors = r.get_json()["errors"]
        assert field in {e["field"] for e in errors}, errors
        assert any(words in e["message"] for e in errors), errors
        assert _count() == 1

    base = {"title": "Etap", "success_criteria": "Kryteria", "checkpoint_on": "2027-06-01"}
    refused({**base, "checkpoint_on": "2027-12-01"}, "checkpoint_on", "w okresie realizacji zadania")
    refused({**base, "checkpoint_on": "2027-02-28"}, "checkpoint_on", "w okresie realizacji zadania")
    refused({**base, "title": "   "}, "title", "Podaj nazwę")
    refused({**base, "success_criteria": ""}, "success_criteria", "kryteria sukcesu")
    refused({**base, "number": 1}, "number", "już jest w planie")
    # milestone 2 may not come before milestone 1's checkpoint (2027-08-02)
    refused({**base, "number": 2, "checkpoint_on": "2027-06-01"}, "checkpoint_on", "następują po sobie")
    refused({**base, "checkpoint_on": "1 czerwca"}, "checkpoint_on", "")
    r = w.post(url, w.h, {**base, "extra": 1})
    assert r.status_code == 422 and _count() == 1
    r = w.client.post(url, data="{nie json", headers={**w.h, "Content-Type": "application/json"})
    assert r.status_code == 400 and _count() == 1


def test_milestones_belong_to_innovation_pilot_agreements_only(pilot_world):
    w = pilot_world(pilot=False)
    a = w.draft(0)
    r = w.get(f"/api/v1/agreements/{a['id']}/milestones", w.h)
    assert r.status_code == 404, r.get_data(as_text=True)
    assert w.post(f"/api/v1/agreements/{a['id']}/milestones", w.h, {"title": "x", "success_criteria": "y",
                                                                      "checkpoint_on": "2027-05-03"}).status_code == 404
    assert _count() == 0


def test_organisation_reports_progress_before_the_checkpoint_officer_decides_go_at_it_once(pilot_world):
    from grants.core import clock
    w = pilot_world()
    a = running_pilot(w)
    plan(w, a["id"])
    plan(w, a["id"], checkpoint=CHECK_2, title="Skala trzech dzielnic")
    r = progress(w, a["id"], 1)
    assert r.status_code == 200, r.get_data(as_text=True)
    m = r.get_json()
    assert m["progress"] == "Prototyp gotowy, testy trwają." and m["version"] == 2 and m["progress_allowed"] is True
    # rewritten until the checkpoint (the version of what was read)
    m = w.ok(progress(w, a["id"], 1, "Prototyp przetestowało 32 mieszkańców.", if_match=2))
    assert m["version"] == 3
    # the officer cannot decide before the checkpoint: 422, nothing changes
    w.at(date(2027, 5, 2), 23)
    r = decide(w, a["id"], 1)
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.get_json()["errors"] == [{"field": "decision", "message": "O kamieniu milowym decyduje się w dniu punktu "
                                                                  "kontrolnego (03.05.2027) lub później."}]
    assert milestones(w, a["id"])["items"][0]["decision"] == "pending"
    # at the checkpoint (00:30 in Warsaw is already 3 May there): go
    w.at(CHECK_1, 0)
    assert clock.today() == CHECK_1
    assert w.ok(progress(w, a["id"], 1, "Ostatnie uzupełnienie w dniu punktu kontrolnego."))["version"] == 4
    m = w.ok(decide(w, a["id"], 1, "go", "Spełniono kryteria: 32 osoby."))
    assert (m["decision"], m["decision_note"], m["decided_by_id"]) == ("go", "Spełniono kryteria: 32 osoby.",
                                                                        str(w.officer.id))
    # final: a second decision is a conflict, and so is more progress on it
    r = decide(w, a["id"], 1, "no_go", "Jednak nie.")
    assert r.status_code == 409, r.get_data(as_text=True)
    assert "ostateczna" in r.get_json()["detail"]
    assert progress(w, a["id"], 1).status_code == 409
    assert milestones(w, a["id"])["items"][0]["decision"] == "go"
    # progress on milestone 2 after its checkpoint is refused by the rule
    w.at(date(2027, 8, 3))
    r = progress(w, a["id"], 2)
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.get_json()["errors"] == [{"field": "progress", "message": "Postęp zgłasza się do dnia punktu kontrolnego (02.08.2027)."}]
    actions = audit_actions("agreement", a["id"])
    assert actions.count("milestone_progress") == 3 and actions.count("milestone_decision") == 1


def test_milestones_are_decided_in_order(pilot_world):
    w = pilot_world()
    a = running_pilot(w)
    plan(w, a["id"])
    plan(w, a["id"], checkpoint=CHECK_2)
    w.at(CHECK_2)
    r = decide(w, a["id"], 2)
    assert r.status_code == 422 and "nr 1" in r.get_data(as_text=True)
    w.ok(decide(w, a["id"], 1))
    w.ok(decide(w, a["id"], 2))


def test_no_go_stops_the_pilot_later_milestones_cannot_be_decided_and_the_officer_may_terminate(pilot_world):
    w = pilot_world()
    a = running_pilot(w)
    plan(w, a["id"])
    plan(w, a["id"], checkpoint=CHECK_2)
    w.at(CHECK_1)
    m = w.ok(decide(w, a["id"], 1, "no_go", "Prototyp nie działa; dalsze testy nie mają sensu."))
    assert m["decision"] == "no_go"
    got = milestones(w, a["id"])
    assert got["stopped_at"] == 1
    assert got["items"][1]["decision_allowed"] is False and "zatrzymano" in got["items"][1]["decision_reason"]
    w.at(CHECK_2)
    r = decide(w, a["id"], 2)
    assert r.status_code == 409 and "zatrzymano" in r.get_json()["detail"]
    assert progress(w, a["id"], 2).status_code == 409
    assert w.post(f"/api/v1/agreements/{a['id']}/milestones", w.h,
                  {"title": "Nowy", "success_criteria": "x", "checkpoint_on": "2027-09-01"}).status_code == 409
    assert _count() == 2
    # the agreement's own workflow ends it; its settlement opens
    body = w.ok(w.post(f"/api/v1/agreements/{a['id']}/transitions/terminate", w.h,
                       {"reason": "Pilotaż zatrzymany decyzją no-go przy kamieniu milowym nr 1."}))
    assert body["state"] == "terminated"
    assert w.settlement(a["id"])["state"] == "open"


def test_stale_version_is_a_409_and_changes_nothing(pilot_world):
    w = pilot_world()
    a = running_pilot(w)
    plan(w, a["id"])
    w.ok(progress(w, a["id"], 1))  # version 2
    r = progress(w, a["id"], 1, "Nadpisanie z nieaktualnej strony.", if_match=1)
    assert r.status_code == 409 and r.get_json()["current_version"] == 2
    w.at(CHECK_1)
    r = decide(w, a["id"], 1, if_match=1)
    assert r.status_code == 409 and r.get_json()["current_version"] == 2
    r = decide(w, a["id"], 1, if_match="abc")
    assert r.status_code == 409
    m = milestones(w, a["id"])["items"][0]
    assert (m["decision"], m["progress"], m["version"]) == ("pending", "Prototyp gotowy, testy trwają.", 2)
    assert w.ok(decide(w, a["id"], 1, if_match=2))["version"] == 3


def test_who_may_see_and_act_on_milestones_401_404_403(pilot_world):
    w = pilot_world()
    a = w.draft(0)
    plan(w, a["id"])
    url = f"/api/v1/agreements/{a['id']}/milestones"
    assert w.client.get(url).status_code == 401
    assert w.client.post(f"{url}/1/decision", json={"decision": "go", "note": "ok"}).status_code == 401
    # a draft agreement is the office's own: the organisation does not see it yet
    assert w.get(url, w.hn[0]).status_code == 404
    w.sign(a["id"])
    w.start_task(a["id"])
    assert w.ok(w.get(url, w.hn[0]))["items"][0]["progress_allowed"] is True
    # an applicant of another organisation and an officer of another department see nothing
    for hh in (w.ho, w.hx):
        assert w.get(url, hh).status_code == 404
        assert w.get(f"{url}/1", hh).status_code == 404
        assert progress(w, a["id"], 1, headers=hh).status_code == 404
        assert decide(w, a["id"], 1, headers=hh).status_code == 404
        assert w.post(url, hh, {"title": "x", "success_criteria": "y", "checkpoint_on": "2027-05-03"}).status_code == 404
    # a milestone that does not exist
    assert progress(w, a["id"], 9).status_code == 404
    w.at(CHECK_1)
    # the organisation may not plan or decide; the officer may not report the organisation's progress
    assert w.post(url, w.hn[0], {"title": "x", "success_criteria": "y", "checkpoint_on": "2027-09-03"}).status_code == 403
    assert decide(w, a["id"], 1, headers=w.hn[0]).status_code == 403
    assert progress(w, a["id"], 1, headers=w.h).status_code == 403
    # finance sees the milestones but may not decide
    assert w.ok(w.get(url, w.hf))["total"] == 1
    assert decide(w, a["id"], 1, headers=w.hf).status_code == 403
    m = milestones(w, a["id"])["items"][0]
    assert (m["decision"], m["progress"]) == ("pending", None)
    # another officer of the same department may decide
    assert w.ok(decide(w, a["id"], 1, headers=w.h2))["decision"] == "go"


def test_decision_needs_go_or_no_go_and_a_note(pilot_world):
    w = pilot_world()
    a = running_pilot(w)
    plan(w, a["id"])
    w.at(CHECK_1)
    for body, field in (({"decision": "maybe", "note": "Hmm, nie wiem."}, "decision"),
                        ({"decision": "go", "note": " "}, "note")):
        r = w.post(f"/api/v1/agreements/{a['id']}/milestones/1/decision", w.h, body)
        assert r.status_code == 422, r.get_data(as_text=True)
        assert field in {e["field"] for e in r.get_json()["errors"]}
    assert milestones(w, a["id"])["items"][0]["decision"] == "pending"


def test_officer_changes_a_milestone_not_yet_decided(pilot_world):
    w = pilot_world()
    a = running_pilot(w)
    plan(w, a["id"])
    url = f"/api/v1/agreements/{a['id']}/milestones/1"
    r = w.client.patch(url, json={"checkpoint_on": "2027-05-10"}, headers={**w.h, "If-Match": '"1"'})
    assert r.status_code == 200 and r.get_json()["checkpoint_on"] == "2027-05-10"
    r = w.client.patch(url, json={"checkpoint_on": "2027-05-11"}, headers={**w.h, "If-Match": '"1"'})
    assert r.status_code == 409
    assert w.client.patch(url, json={"title": "x"}, headers=w.hn[0]).status_code == 403
    w.at(date(2027, 5, 12))
    # past its checkpoint, still undecided: renamed, but not moved into the past
    r = w.client.patch(url, json={"title": "Prototyp (po poprawkach)"}, headers=w.h)
    assert r.status_code == 200 and r.get_json()["checkpoint_on"] == "2027-05-10"
    r = w.client.patch(url, json={"checkpoint_on": "2027-05-11"}, headers=w.h)
    assert r.status_code == 422 and "w przeszłości" in r.get_data(as_text=True)
    w.ok(decide(w, a["id"], 1))
    assert w.client.patch(url, json={"title": "Nowa nazwa"}, headers=w.h).status_code == 409
    assert "milestone_replan" in audit_actions("agreement", a["id"])


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_two_officers_deciding_one_milestone_at_once_one_decision_stands(app, pilot_world):
    """A decision is final under concurrency too: go and no-go sent at the same moment, one wins, the
    other is a conflict; one audit entry."""
    import threading
    w = pilot_world()
    a = running_pilot(w)
    plan(w, a["id"])
    w.at(CHECK_1)
    clients = [app.test_client() for _ in range(6)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def call(k, client):
        try:
            barrier.wait(timeout=30)
            r = client.post(f"/api/v1/agreements/{a['id']}/milestones/1/decision",
                            json={"decision": "go" if k % 2 else "no_go", "note": f"Decyzja {k}"},
                            headers=w.h if k % 2 else w.h2)
            with lock:
                statuses.append(r.status_code)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=call, args=(k, c)) for k, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(statuses) == [200] + [409] * 5
    m = milestones(w, a["id"])["items"][0]
    assert m["decision"] in ("go", "no_go") and m["version"] == 2
    assert audit_actions("agreement", a["id"]).count("milestone_decision") == 1


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_concurrent_plans_get_distinct_numbers(app, pilot_world):
    import threading
    w = pilot_world()
    a = w.draft(0)
    clients = [app.test_client() for _ in range(5)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def call(k, client):
        barrier.wait(timeout=30)
        r = client.post(f"/api/v1/agreements/{a['id']}/milestones", headers=w.h,
                        json={"title": f"Etap {k}", "success_criteria": "x", "checkpoint_on": "2027-06-01"})
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=call, args=(k, c)) for k, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [201] * 5
    assert [m["number"] for m in milestones(w, a["id"])["items"]] == [1, 2, 3, 4, 5]
