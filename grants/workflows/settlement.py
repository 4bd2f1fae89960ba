"""Settlement (DOMAIN.md §4): open → calculated → awaiting_return → returned → closed (or calculated →
closed when nothing is owed). R-SET-RETURN, R-SET-MISUSE, R-SET-INTEREST, R-SET-PARTIAL."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from grants.core.dates import warsaw_date
from grants.core.i18n import _
from grants.core.numbers import money_text_type
from grants.core.permissions import FINANCE
from grants.settlements.calculation import calculate, outstanding, settlement_closed
from grants.settlements.models import SETTLEMENT_STATES, Settlement
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition
from .payloads import Payload

STATES = SETTLEMENT_STATES


def do_calculate(obj, ctx):
    calculate(ctx, obj)


def something_owed(obj, ctx):
    if not obj.total_to_return or obj.total_to_return <= 0:
        return Reason(_("Nic nie jest do zwrotu: zamknij rozliczenie."), "R-SET-RETURN")
    return None


def nothing_owed(obj, ctx):
    if obj.state == "calculated" and obj.total_to_return and obj.total_to_return > 0:
        return Reason(_("Najpierw należy wezwać do zwrotu i zaksięgować wpłaty."), "R-SET-RETURN")
    left = outstanding(obj, warsaw_date(ctx.now))
    if left > 0:
        return Reason(_("Do zapłaty pozostaje %(a)s zł (z odsetkami na dziś).", a=left), "R-SET-INTEREST")
    return None


def fully_returned(obj, ctx):
    left = outstanding(obj, warsaw_date(ctx.now))
    if left > 0:
        return Reason(_("Do zapłaty pozostaje %(a)s zł (z odsetkami na dziś).", a=left), "R-SET-PARTIAL")
    return None


def close_agreement(obj, ctx):
    settlement_closed(ctx, obj)


class Finding(Payload):
    kind: Literal["misused", "undue", "excessive"]
    amount: money_text_type()  # the one grammar of money (grants.core.numbers)
    found_on: date
    transferred_on: date | None = None
    note: str = Field(default="", max_length=2000)


class CalculatePayload(Payload):
    findings: list[Finding] = Field(default_factory=list, max_length=20)


SETTLEMENT = Workflow(
    name="settlement", object_type="settlement", states=STATES, initial="open",
    transitions=[
        transition("calculate", ("open", "calculated"), "calculated", _("Wylicz rozliczenie"), roles=(FINANCE,),
                   payload=CalculatePayload, effects=(do_calculate,), rule="R-SET-RETURN"),
        transition("request_return", "calculated", "awaiting_return", _("Wezwij do zwrotu"), roles=(FINANCE,),
                   guards=(something_owed,), rule="R-SET-RETURN"),
        transition("mark_returned", "awaiting_return", "returned", _("Potwierdź zwrot w całości"), roles=(FINANCE,),
                   guards=(fully_returned,), rule="R-SET-PARTIAL"),
        transition("close", ("calculated", "returned"), "closed", _("Zamknij rozliczenie"), roles=(FINANCE,),
                   guards=(nothing_owed,), effects=(close_agreement,)),
    ],
)
Decimal  # noqa: B018

bind(Settlement, SETTLEMENT)
