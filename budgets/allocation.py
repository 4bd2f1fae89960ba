"""Allocation of the contest's budget (R-ALLOC): the default proposal and the checks on edits.

The default proposal walks the ranking of offers at or above the threshold with what is left of
the budget: each offer is proposed min(requested, left) if that is at least the contest's minimum
grant, else nothing. Officers may then edit amounts within [minimum grant, requested]; the sum
never exceeds the budget."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from grants.core.i18n import _

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Candidate:
    offer_id: int
    requested: Decimal
    passed: bool  # at or above the threshold


def default_proposal(ranking: list[Candidate], budget: Decimal, min_grant: Decimal | None) -> dict[int, Decimal]:
    """offer id → proposed amount (ZERO when nothing), in ranking order."""
    left = budget
    minimum = min_grant or ZERO
    out: dict[int, Decimal] = {}
    for c in ranking:
        amount = ZERO
        if c.passed and left > 0:
            candidate = min(c.requested, left)
            if candidate >= minimum and candidate > 0:
                amount = candidate
        out[c.offer_id] = amount
        left -= amount
    return out


def edit_problems(amounts: dict[int, Decimal], candidates: dict[int, Candidate], budget: Decimal,
                  min_grant: Decimal | None) -> list[tuple[int | None, object]]:
    """(offer id or None for the total, message) for each breach."""
    out = []
    minimum = min_grant or ZERO
    for oid, amount in amounts.items():
        c = candidates.get(oid)
        if c is None:
            out.append((oid, _("Oferta nie bierze udziału w podziale środków.")))
            continue
        if amount < 0:
            out.append((oid, _("Kwota nie może być ujemna.")))
        elif amount > 0 and not c.passed:
            out.append((oid, _("Oferta poniżej progu punktowego nie może otrzymać dotacji.")))
        elif amount > 0 and not (minimum <= amount <= c.requested):
            out.append((oid, _("Kwota musi mieścić się między dotacją minimalną (%(min)s) a wnioskowaną (%(req)s).",
                               min=minimum, req=c.requested)))
    total = sum(amounts.values(), ZERO)
    if total > budget:
        out.append((None, _("Suma proponowanych dotacji (%(t)s) przekracza budżet konkursu (%(b)s).", t=total, b=budget)))
    return out
