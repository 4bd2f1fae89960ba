"""Annexes: proposed by either side, approved by the officer, each a new version of the agreement with
the previous kept (R-AGR-FROM-OFFER: amendments create new versions of the cost estimate and schedule)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import func, select

from budgets import tranches as tr
from grants.core import audit, canonical, clock, validation_messages
from grants.core.dates import days_after
from grants.core.i18n import _
from grants.core.numbers import money_text_type
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.offers.content import CostLine
from grants.workflows.agreement import officer_of
from grants.workflows.base import record_change
from grants.workflows.errors import NotEditable

from .models import Agreement, Annex, Tranche
from .operations import FINAL_REPORT_DAYS, AgreementError


class TrancheIn(BaseModel):
    model_config = {"extra": "forbid"}
    amount: money_text_type()  # the one grammar of money (grants.core.numbers)
    due_on: date | None = None
    condition: str | None = Field(default=None, max_length=500)


class Changes(BaseModel):
    model_config = {"extra": "forbid"}
    task_start: date | None = None
    task_end: date | None = None
    costs: list[CostLine] | None = Field(default=None, max_length=300)
    tranches: list[TrancheIn] | None = Field(default=None, max_length=20)


def snapshot(a: Agreement) -> dict:
    return canonical.jsonable({"task_start": a.task_start, "task_end": a.task_end,
                               "costs": (a.content or {}).get("content", {}).get("costs", []),
                               "tranches": [{"number": t.number, "amount": t.amount, "due_on": t.due_on,
                                             "condition": t.condition, "state": t.state} for t in a.tranches]})


def propose(session, actor, a: Agreement, changes: dict, reason: str) -> Annex:
    if not (has_role(actor, OFFICER, ADMIN) and officer_of(a, actor)) and a.organisation_id not in getattr(
            actor, "organisation_ids", ()):
        raise PermissionDenied()
    if a.state not in ("signed", "in_progress", "reporting"):
        raise NotEditable(_("Aneks zawiera się do podpisanej umowy w trakcie realizacji."))
    if len((reason or "").strip()) < 3:
        raise AgreementError([{"field": "reason", "message": str(_("Podaj uzasadnienie aneksu."))}])
    try:
        parsed = Changes.model_validate(changes)
    except ValidationError as e:
        raise AgreementError(validation_messages.errors_of(e)) from None
    data = parsed.model_dump(mode="json", exclude_none=True)
    if not data:
        raise AgreementError([{"field": "changes", "message": str(_("Aneks musi coś zmieniać."))}])
    number = (session.scalar(select(func.max(Annex.number)).where(Annex.agreement_id == a.id)) or 0) + 1
    annex = Annex(agreement_id=a.id, number=number, status="proposed", reason=reason.strip(), changes=data,
                  proposed_by_id=actor.id, proposed_at=clock.now())
    session.add(annex)
    session.flush()
    audit.lock_object(session, Agreement, a.id)
    audit.record(session, "agreement", a.id, "propose_annex", actor, changes={"annex": number, **data})
    return annex


def decide(session, actor, a: Agreement, annex: Annex, approve: bool, note: str = "") -> Annex:
    if not has_role(actor, OFFICER, ADMIN) or not officer_of(a, actor):
        raise PermissionDenied()
    if annex.status != "proposed":
        raise NotEditable(_("O tym aneksie już zdecydowano."))
    before = snapshot(a)
    if approve:
        ch = annex.changes
        start = date.fromisoformat(ch["task_start"]) if ch.get("task_start") else a.task_start
        end = date.fromisoformat(ch["task_end"]) if ch.get("task_end") else a.task_end
        if end < start:
            raise AgreementError([{"field": "task_end", "message": str(_("Koniec realizacji nie może poprzedzać początku."))}])
        a.task_start, a.task_end = start, end
        a.final_report_due = days_after(end, FINAL_REPORT_DAYS)
        if "costs" in ch:
            content = dict(a.content or {})
            inner = dict(content.get("content", {}))
            inner["costs"] = ch["costs"]
            content["content"] = inner
            a.content = content
        if "tranches" in ch:
            paid = [t for t in a.tranches if t.state in ("paid",)]
            new = [tr.Tranche(Decimal(x["amount"]), date.fromisoformat(x["due_on"]) if x.get("due_on") else None,
                              x.get("condition")) for x in ch["tranches"]]
            schedule = [tr.Tranche(t.amount, t.due_on, t.condition) for t in paid] + new
            problems = tr.check_schedule(a.grant, schedule)
            if problems:
                raise AgreementError([{"field": "tranches", "message": str(p.message)} for p in problems])
            keep = [t for t in a.tranches if t.state == "paid"]
            for t in [t for t in a.tranches if t.state != "paid"]:
                a.tranches.remove(t)
            session.flush()  # the old numbers go before the new ones take them
            for i, t in enumerate(new):
                a.tranches.append(Tranche(number=len(keep) + i + 1, amount=t.amount, due_on=t.due_on,
                                          condition=t.condition, state="scheduled", version=1))
            session.flush()
            for t in a.tranches:
                if t.state == "scheduled":
                    t.next_check_at = t.__workflow__.next_check(t)
        a.revision += 1
        annex.after = snapshot(a)
    annex.before = before
    annex.status = "approved" if approve else "rejected"
    annex.decided_at = clock.now()
    annex.decision_note = note
    session.flush()
    record_change(session, a, "approve_annex" if approve else "reject_annex", actor,
                  {"annex": annex.number, "revision": a.revision})
    return annex
