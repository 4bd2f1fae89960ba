"""What the end-to-end flows share: a client of the API written only from its OpenAPI document,
an offer's content as the section forms take it, a contest as the form and the API take it, and
a commission's declarations and scoring run through the API."""
from __future__ import annotations

import re
from datetime import timedelta

from jsonschema import Draft202012Validator

from grants.core import clock
from grants.core.dates import WARSAW
from tests.factories import PASSWORD


class DocClient:
    """Knows no URL: finds each operation by its operationId, fills the path's parameters and checks
    every answer against the documented responses (status codes, media types, schemas)."""

    def __init__(self, client, doc: dict):
        self.client, self.components = client, doc["components"]
        self.ops = {op["operationId"]: (method, path, op) for path, item in doc["paths"].items()
                    for method, op in item.items()}
        self.token: str | None = None

    def as_(self, email: str, password: str = PASSWORD) -> "DocClient":
        other = DocClient.__new__(DocClient)
        other.client, other.ops, other.token, other.components = self.client, self.ops, None, self.components
        other.token = other.call("createToken", json={"email": email, "password": password})["token"]
        return other

    def call(self, operation_id: str, expect: int | None = None, json=None, query=None, **path):
        method, template, op = self.ops[operation_id]
        url = re.sub(r"{(\w+)}", lambda m: str(path.pop(m.group(1))), template)
        assert not path, f"{operation_id}: unknown path parameters {path}"
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = self.client.open(url, method=method.upper(), json=json, query_string=query, headers=headers)
        assert str(r.status_code) in op["responses"], (operation_id, r.status_code, "undocumented")
        if expect is not None:
            assert r.status_code == expect, (operation_id, r.status_code, r.get_data(as_text=True)[:800])
        else:
            assert 200 <= r.status_code < 300, (operation_id, r.status_code, r.get_data(as_text=True)[:800])
        body = r.get_json() if r.data else None
        content = op["responses"][str(r.status_code)].get("content", {})
        media = content.get(r.mimetype)
        assert media is not None or not r.data, (operation_id, r.status_code, r.mimetype, "undocumented media type")
        if media is not None:  # the answer matches the documented schema
            errors = list(Draft202012Validator({**media["schema"], "components": self.components}).iter_errors(body))
            assert not errors, (operation_id, r.status_code, [e.message for e in errors[:3]])
        return body

    def transition(self, collection: str, obj_id: str, name: str, payload=None, expect: int | None = None):
        return self.call(f"transition_{collection}", expect=expect, json=payload or {}, id=obj_id, name=name)


def flat(prefix: str, node, out: list | None = None) -> list[tuple[str, str]]:
    """A section of an offer's content (tests.factories.offer_content) as its form's fields:
    [("costs.0.unit_cost", "100.00"), ...]."""
    out = [] if out is None else out
    if isinstance(node, dict):
        for k, v in node.items():
            flat(f"{prefix}.{k}" if prefix else k, v, out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            flat(f"{prefix}.{i}", v, out)
    elif node is not None:
        out.append((prefix, str(node)))
    return out


def contest_form(title: str, deadline, year: int, **overrides) -> dict:
    """The announcement form (/contests/new) filled: one criterion, one formal check."""
    return {"title": title, "year": year, "call_type": "standard", "field": "culture", "form": "support",
            "task_type": "Upowszechnianie kultury", "budget": "80000", "grant_rules": "Dotacja do 90% kosztów.",
            "task_conditions": "Na terenie gminy.", "procedure": "Ocena formalna i merytoryczna komisji.",
            "previous_tasks": "Brak", "deadline": deadline.astimezone(WARSAW).strftime("%Y-%m-%dT%H:%M"),
            "decision_by": f"{year}-01-15", "min_grant": "1000", "max_grant": "20000", "correction_days": "7",
            "task_start": f"{year}-01-01", "task_end": f"{year}-12-31", "min_own_total_pct": "10",
            "criteria-0-code": "capacity", "criteria-0-title": "Możliwość realizacji", "criteria-0-max_points": "10",
            "formal_checklist-0-code": "in_time", "formal_checklist-0-title": "W terminie", **overrides}


def contest_json(title: str, deadline, year: int | None = None) -> dict:
    """A contest as POST /api/v1/contests takes it (decision 30 days after the deadline), by default
    for the next year of the business clock."""
    year = year or clock.today().year + 1
    return {"title": title, "year": year, "task_type": "Upowszechnianie kultury",
            "field": "culture", "form": "support", "budget": "300000.00", "min_grant": "5000.00", "max_grant": "50000.00",
            "min_own_total_pct": "10", "min_own_financial_pct": "0", "min_own_nonfinancial_pct": "0",
            "max_admin_pct": "10", "grant_rules": "Dotacja do 90% kosztów.", "task_conditions": "W Krakowie.",
            "procedure": "Ocena formalna i merytoryczna.", "previous_tasks": "12 zadań, 280 000 zł.",
            "deadline": deadline.isoformat(), "decision_by": (deadline + timedelta(days=30)).date().isoformat(),
            "task_start": f"{year}-01-01", "task_end": f"{year}-12-31",
            "eligible_categories": ["personnel", "materials", "services", "venue", "admin"],
            "ineligible_categories": ["investment"], "pass_threshold": "20"}


def api_formal_review(o: DocClient, cid: str, oid: str) -> None:
    """A closed contest with one offer: formal review, the offer accepted, evaluation started."""
    o.transition("contests", cid, "start_formal_review")
    checklist = o.call("get_contests", id=cid)["formal_checklist"]
    o.call("formal_checks", json={"checks": {x["code"]: True for x in checklist}}, obj_id=oid)
    o.transition("offers", oid, "accept_formally")
    o.transition("contests", cid, "start_evaluation")


def api_scoring(chair: DocClient, member: DocClient, member_ids: tuple[int, int], cid: str, com: str,
                oid: str) -> None:
    """Two city members (the chair first) appointed to the commission `com`; declarations without
    conflict; both give the one offer full marks; scoring closed."""
    for uid, is_chair in zip(member_ids, (True, False)):
        chair.call("add_member", json={"user_id": str(uid), "kind": "city", "is_chair": is_chair}, cid=com)
    chair.transition("commissions", com, "open_declarations", {"without_ngo_reason": "none_nominated"})
    for m in (chair, member):
        for org_id in m.call("list_declarations", cid=com)["organisations"]:
            m.call("declare", expect=201, json={"organisation_id": org_id, "conflict": False}, cid=com)
    chair.transition("commissions", com, "start_scoring")
    criteria = chair.call("get_contests", id=cid)["criteria"]
    for m in (chair, member):
        scored = m.call("commission_offers", cid=com)["items"]
        assert [x["id"] for x in scored] == [oid] and scored[0]["may_score"]
        m.call("save_card", cid=com, oid=oid, json={
            "scores": {c["code"]: str(c["max_points"]) for c in criteria},
            "justifications": {c["code"]: "Spełnia." for c in criteria}, "submit": True})
    chair.transition("commissions", com, "close_scoring")
