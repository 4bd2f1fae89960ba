"""Checks the agreement and tranche workflows call (R-AGR-TRANCHES)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from budgets import tranches as tr
from grants.core.i18n import _
from grants.registry.identifiers import IdentifierError, normalise_iban

from .models import Agreement, Tranche


def sign_problems(a) -> list:
    out = []
    try:
        normalise_iban(a.iban)
    except IdentifierError as e:
        out.append(e.message)
    sched = [tr.Tranche(t.amount, t.due_on, t.condition) for t in a.tranches]
    if not sched:
        out.append(_("Umowa musi mieć harmonogram transz."))
    else:
        out += [p.message for p in tr.check_schedule(a.grant, sched)]
    return out


def concluded_on(a):
    """The agreement binds from the later of the two signatures."""
    dates = [d for d in (a.signed_by_organisation_on, a.signed_by_grantor_on) if d is not None]
    return max(dates) if dates else None


def schedule_tranches(ctx, a) -> None:
    """Signed: every tranche starts its own clock (due by date, or released by finance on a condition)."""
    for t in a.tranches:
        t.next_check_at = t.__workflow__.next_check(t)


def payment_reason(ctx, t):
    """Paid total never above the grant; the agreement row is locked so concurrent payments serialise."""
    session = ctx.session
    if session.bind.dialect.name == "postgresql":
        session.execute(select(Agreement.id).where(Agreement.id == t.agreement_id).with_for_update())
    rows = session.execute(select(Tranche.paid_amount).where(Tranche.agreement_id == t.agreement_id,
                                                             Tranche.state == "paid")).scalars().all()
    paid = sum((r for r in rows if r is not None), Decimal("0.00"))
    problems = tr.payment_problems(t.agreement.grant, paid, t.amount)
    if problems:
        return " ".join(str(p.message) for p in problems)
    paid_on = ctx.payload.get("paid_on")  # validated: a date (absent when only asking what is available)
    signed = concluded_on(t.agreement)
    if paid_on and signed and paid_on < signed:
        return _("Data wypłaty nie może poprzedzać podpisania umowy.")
    return None
