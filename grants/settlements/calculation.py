"""Settlement figures from the agreement, its paid tranches and the accepted final report, through
budgets.settlement; returns booked through budgets.returns' ledger (oldest obligation first, each
payment split between principal and interest in proportion, R-SET-PARTIAL)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import object_session

from budgets import returns as rt
from budgets import settlement as st
from budgets.interest import DEFAULT_RATES, InterestError
from budgets.shift import LineSpending
from grants.agreements.checks import concluded_on
from grants.agreements.models import Agreement
from grants.contests.conclusion import maybe_conclude
from grants.core import audit, canonical, clock
from grants.core.dates import warsaw_date
from grants.core.i18n import _
from grants.core.permissions import FINANCE, PermissionDenied, has_role
from grants.params.values import rate_table
from grants.reports.content import load, planned_lines, planned_value
from grants.reports.models import Report
from grants.workflows.base import Reason, apply_transition
from grants.workflows.errors import GuardRefused, NotEditable

from .models import ReturnPayment

ZERO = Decimal("0.00")


def _final_report(session, agreement):
    return session.scalar(select(Report).where(Report.agreement_id == agreement.id, Report.kind == "final",
                                               Report.state == "accepted"))


def figures(session, s) -> st.Figures:
    a = s.agreement
    paid = sum((t.paid_amount or ZERO for t in a.tranches if t.state == "paid"), ZERO)
    report = _final_report(session, a)
    lines, total, own, bank = [], ZERO, ZERO, ZERO
    if report is not None:
        c = load(report.content)
        planned = planned_lines(a)
        for e in c.expenditure:
            if e.line < len(planned):
                lines.append(LineSpending(planned[e.line].get("name") or f"#{e.line}", planned_value(planned[e.line]),
                                          Decimal(e.from_grant)))
        src = c.sources
        own = Decimal(src.own_financial) + Decimal(src.own_personal) + Decimal(src.own_in_kind)
        total = sum((Decimal(e.from_grant) + Decimal(e.from_other) for e in c.expenditure), ZERO)
        bank = Decimal(c.bank_interest)
    declared = None
    content = (a.content or {}).get("content", {})
    src = content.get("sources") or {}
    costs = content.get("costs") or []
    if a.offer and a.offer.contest.form == "support" and costs:
        planned_total = sum((planned_value(x) for x in costs), ZERO)
        planned_own = sum((Decimal(src.get(k) or "0") for k in ("own_financial", "own_personal", "own_in_kind")), ZERO)
        declared = (planned_own * 100 / planned_total).quantize(Decimal("0.01")) if planned_total else None
    findings = tuple(st.Finding(kind=rt.Kind(f["kind"]), amount=Decimal(f["amount"]),
                                found_on=date.fromisoformat(f["found_on"]),
                                transferred_on=date.fromisoformat(f["transferred_on"]) if f.get("transferred_on") else None,
                                note=f.get("note", "")) for f in (s.findings or []))
    return st.Figures(grant=a.grant, paid=paid, lines=tuple(lines), shift_percent=a.shift_pct,
                      total_costs=total if total else paid, own_contribution=own, declared_own_share=declared,
                      own_tolerance=a.own_tolerance_pp, bank_interest=bank, findings=findings)


def calculate(ctx, s) -> None:
    if "findings" in ctx.payload:
        s.findings = ctx.payload_json["findings"]  # a JSON column: the JSON form (money as strings)
    problem = _finding_dates_problem(s, ctx.now)
    if problem is not None:
        raise GuardRefused(Reason(problem, "R-SET-MISUSE"))
    try:
        result = st.calculate(figures(ctx.session, s))
    except st.SettlementError as e:
        raise GuardRefused(Reason(e.message, "R-SET-RETURN")) from None
    a = s.agreement
    s.lines = canonical.jsonable([{"code": x.code, "label": str(x.label), "amount": x.amount,
                                    "formula": str(x.formula), "kind": x.kind.value if x.kind else None}
                                   for x in result.lines])
    obligations = []
    for x in result.returns:
        f = x.finding
        # an excess over the shift or an own-share shortfall is found by this calculation itself
        due = rt.return_due(x.kind, period_end=a.task_end, finding_date=f.found_on if f else warsaw_date(ctx.now))
        obligations.append({"kind": x.kind.value, "amount": x.amount, "due": due,
                            "start": rt.interest_start(x.kind).value,
                            "transferred_on": f.transferred_on if f and f.transferred_on else None})
    s.obligations = canonical.jsonable(sorted(obligations, key=lambda o: o["due"]))
    try:
        _ledgers(s)  # interest can be computed for every obligation (the rate table covers its days)
    except (InterestError, rt.ReturnError) as e:
        raise GuardRefused(Reason(e.message, "R-SET-INTEREST")) from None
    s.total_to_return = result.total_to_return
    s.calculated_at = ctx.now
    ctx.changes["total_to_return"] = result.total_to_return


def _finding_dates_problem(s, now):
    """A finding is dated between the agreement's signature and today; misused money was transferred
    between the signature and the finding (interest runs from the transfer, R-SET-MISUSE)."""
    signed, today = concluded_on(s.agreement), warsaw_date(now)
    for i, f in enumerate(s.findings or []):
        found = date.fromisoformat(f["found_on"])
        moved = date.fromisoformat(f["transferred_on"]) if f.get("transferred_on") else None
        if found > today or (signed and found < signed):
            return _("Ustalenie nr %(n)s: data ustalenia (%(d)s) musi przypadać między podpisaniem umowy (%(s)s) "
                     "a dniem dzisiejszym (%(t)s).", n=i + 1, d=found, s=signed, t=today)
        if moved is not None and (moved > found or (signed and moved < signed)):
            return _("Ustalenie nr %(n)s: data przekazania dotacji (%(d)s) musi przypadać między podpisaniem umowy "
                     "(%(s)s) a datą ustalenia (%(f)s).", n=i + 1, d=moved, s=signed, f=found)
    return None


def _ledgers(s, extra: rt.Payment | None = None):
    """Payments applied to the oldest obligation first; each one's ledger splits principal and interest,
    at the rates of the admin-maintained table (R-SET-INTEREST)."""

    rates = rate_table(object_session(s))
    payments = [rt.Payment(p.paid_on, p.amount) for p in s.payments] + ([extra] if extra else [])
    payments.sort(key=lambda p: p.on)
    per: list[list[rt.Payment]] = [[] for _o in s.obligations]
    for pay in payments:
        left = pay.amount
        for i, o in enumerate(s.obligations):
            if left <= 0:
                break
            led = _ledger(o, per[i], rates)
            owed = led.owed_on(pay.on) if not led.settled else ZERO
            if owed <= 0:
                continue
            part = min(owed, left)
            per[i].append(rt.Payment(pay.on, part))
            left -= part
        if left > 0:
            raise rt.ReturnError(_("Wpłata %(a)s zł z dnia %(d)s przekracza kwotę należną o %(l)s zł.",
                                   a=pay.amount, d=pay.on, l=left))
    return [(o, _ledger(o, per[i], rates)) for i, o in enumerate(s.obligations)]


def _ledger(o, payments, rates=None):
    return rt.ledger(Decimal(o["amount"]), date.fromisoformat(o["due"]), payments, start=rt.InterestStart(o["start"]),
                     transferred_on=date.fromisoformat(o["transferred_on"]) if o.get("transferred_on") else None,
                     rates=rates or DEFAULT_RATES)


def outstanding(s, on: date) -> Decimal:
    if not s.obligations:
        return ZERO
    return sum((led.owed_on(on) for _o, led in _ledgers(s)), ZERO)


def book_payment(session, actor, s, paid_on: date, amount: Decimal, reference: str = ""):
    """Validated against what is owed on the day (never above), with the agreement's date as the floor."""

    if not has_role(actor, FINANCE):
        raise PermissionDenied()
    if s.state != "awaiting_return":
        raise NotEditable(_("Zwroty księguje się po wezwaniu do zwrotu."))
    if amount <= 0:  # a zero payment would be booked and listed, settling nothing
        raise rt.ReturnError(_("Kwota wpłaty musi być dodatnia."))
    signed = concluded_on(s.agreement)
    if signed and paid_on < signed:
        raise rt.ReturnError(_("Data wpłaty nie może poprzedzać umowy."))
    audit.lock_object(session, type(s), s.id)
    _ledgers(s, rt.Payment(paid_on, amount))  # raises when above what is owed
    p = ReturnPayment(settlement_id=s.id, paid_on=paid_on, amount=amount, reference=reference[:100],
                      booked_at=clock.real_now())
    session.add(p)
    session.flush()
    session.refresh(s)
    audit.record(session, "settlement", s.id, "record_return", actor,
                 changes={"paid_on": paid_on, "amount": amount, "reference": reference})
    return p


def explanation(s) -> list[dict]:
    out = []
    for o, led in (_ledgers(s) if s.obligations else []):
        out.append({"obligation": o, "splits": [{"on": x.on, "amount": x.amount, "to_principal": x.to_principal,
                                                  "to_interest": x.to_interest, "lines": [str(l) for l in x.lines]}
                                                 for x in led.splits],
                    "principal_left": led.principal_left, "interest_left": led.interest_left})
    return out


def settlement_closed(ctx, s) -> None:
    """Closing the settlement closes the agreement; a contest is concluded when every agreement from
    it is closed or terminated with its settlement closed (DOMAIN.md §4)."""
    a = s.agreement
    if a.state == "settling":
        ctx.session.flush()
        apply_transition(ctx.session, a, "close", ctx.actor, commit=False, received_at=ctx.now)
    maybe_conclude(ctx, a.contest_id)
    Agreement  # noqa: B018
