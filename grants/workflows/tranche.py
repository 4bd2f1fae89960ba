"""Tranche (DOMAIN.md §4): scheduled → due (by time) → paid | withheld. R-AGR-TRANCHES.
A tranche is never paid twice and the paid total never exceeds the grant, under any concurrency."""
from __future__ import annotations

from datetime import date

from pydantic import Field

from grants.agreements.checks import payment_reason
from grants.agreements.models import TRANCHE_STATES, Tranche
from grants.core.dates import start_of_day
from grants.core.i18n import _
from grants.core.permissions import FINANCE
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition
from .payloads import Payload, ReasonPayload

STATES = TRANCHE_STATES


def agreement_running(obj, ctx):
    if obj.agreement.state not in ("signed", "in_progress", "reporting"):
        return Reason(_("Transze wypłaca się z podpisanej umowy w trakcie realizacji."), "R-AGR-TRANCHES")
    return None


def within_grant(obj, ctx):
    reason = payment_reason(ctx, obj)
    return Reason(reason, "R-AGR-TRANCHES") if reason else None


def record_payment(obj, ctx):
    obj.paid_on = ctx.payload["paid_on"]  # validated: a date
    obj.paid_amount = obj.amount
    obj.transfer_ref = ctx.payload["transfer_ref"]
    ctx.changes["paid"] = {"on": str(obj.paid_on), "amount": str(obj.amount), "ref": obj.transfer_ref}


def record_withholding(obj, ctx):
    obj.withheld_reason = ctx.payload["reason"]
    ctx.changes["withheld_reason"] = obj.withheld_reason


class PayPayload(Payload):
    paid_on: date
    transfer_ref: str = Field(min_length=3, max_length=100)


def _due(t):
    return start_of_day(t.due_on) if t.due_on else None


TRANCHE = Workflow(
    name="tranche", object_type="tranche", states=STATES, initial="scheduled",
    transitions=[
        transition("become_due", "scheduled", "due", _("Termin wypłaty"), when=_due),
        transition("release", "scheduled", "due", _("Zwolnij do wypłaty (warunek spełniony)"), roles=(FINANCE,),
                   guards=(agreement_running,)),
        transition("pay", "due", "paid", _("Oznacz jako wypłaconą"), roles=(FINANCE,), payload=PayPayload,
                   guards=(agreement_running, within_grant), effects=(record_payment,), rule="R-AGR-TRANCHES"),
        transition("withhold", ("scheduled", "due"), "withheld", _("Wstrzymaj wypłatę"), roles=(FINANCE,),
                   payload=ReasonPayload, effects=(record_withholding,)),
        transition("resume", "withheld", "due", _("Wznów wypłatę"), roles=(FINANCE,), guards=(agreement_running,)),
    ],
)

bind(Tranche, TRANCHE)
