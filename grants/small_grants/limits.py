"""R-19A-LIMITS against dated parameters: amount and duration at submission; yearly caps at award
(warned at submission). Each refusal names the limit and the current figure."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select, text

from grants.contests.models import Contest
from grants.core.dates import start_of_day, warsaw_date
from grants.core.formatting import Money, Percent
from grants.core.i18n import _
from grants.params import values as params
from grants.programmes.models import Programme
from grants.programmes.rules import planned_total

from .models import SmallGrant


def submission_problems(session, amount: Decimal, start: date, end: date, received: datetime) -> list[tuple[str, object]]:
    """(field, message) pairs, by the parameters valid on the day of receipt."""
    on = warsaw_date(received)
    out = []
    max_amount = params.decimal(session, "art19a.max_amount", on)
    max_days = params.integer(session, "art19a.max_days", on)
    if amount <= 0:
        out.append(("amount", _("Kwota dotacji musi być większa od zera.")))
    if amount > max_amount:
        out.append(("amount", _("Kwota %(a)s przekracza limit małego grantu (%(m)s).",
                                a=Money(amount), m=Money(max_amount))))
    days = (end - start).days + 1
    if end < start:
        out.append(("task_end", _("Koniec zadania nie może poprzedzać jego początku.")))
    elif days > max_days:
        out.append(("task_end", _("Zadanie trwa %(d)s dni; limit to %(m)s dni.", d=days, m=max_days)))
    return out


def _awarded_sum(session, year: int, organisation_id: int | None = None, grantor_id: int | None = None) -> Decimal:
    """Awards counted by the calendar year (Warsaw) of the award (R-19A-LIMITS), of one authority."""

    q = select(SmallGrant.amount).where(SmallGrant.state == "awarded",
                                        SmallGrant.decided_at >= start_of_day(date(year, 1, 1)),
                                        SmallGrant.decided_at < start_of_day(date(year + 1, 1, 1)))
    if organisation_id is not None:
        q = q.where(SmallGrant.organisation_id == organisation_id)
    if grantor_id is not None:
        q = q.where(SmallGrant.grantor_id == grantor_id)
    return sum(session.scalars(q).all(), Decimal("0.00"))


def planned_grants(session, year: int, grantor_id: int | None = None) -> Decimal:
    """The year's planned grants of one authority (issue 22; all when None): its cooperation
    programme's planned funds, else the year's contest budgets."""
    prog = session.scalar(select(Programme).where(Programme.year == year, *(
        [Programme.grantor_id == grantor_id] if grantor_id is not None else [])).order_by(Programme.id).limit(1))
    if prog is not None and prog.planned_funds:
        return planned_total(prog.planned_funds)
    budgets = session.scalars(select(Contest.budget).where(Contest.year == year, Contest.state != "cancelled", *(
        [Contest.grantor_id == grantor_id] if grantor_id is not None else []))).all()
    return sum((b for b in budgets if b is not None), Decimal("0.00"))


def _lock_year(session, year: int) -> None:
    """Awards of one year are serialised so that no race passes the caps (PostgreSQL advisory lock)."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": 19_000_000 + year})  # all authorities


def cap_problems(session, obj, on: date) -> list:
    """The yearly caps of the calendar year of `on`, by the parameters valid on that day (the day
    of the award; of receipt for the warning at submission)."""
    out = []
    year = on.year
    per_org = params.decimal(session, "art19a.max_per_organisation_year", on)
    share = params.decimal(session, "art19a.max_share_of_planned_pct", on)
    # both caps are per authority (art. 19a: the same authority's awards; its programme's 20 %)
    org_sum = _awarded_sum(session, year, obj.organisation_id, obj.grantor_id)
    if org_sum + obj.amount > per_org:
        out.append(_("Organizacja otrzymała w %(y)s r. już %(s)s w tym trybie; z tą ofertą byłoby %(t)s, "
                     "limit to %(m)s.", y=year, s=Money(org_sum), t=Money(org_sum + obj.amount), m=Money(per_org)))
    planned = planned_grants(session, year, obj.grantor_id)
    cap = (planned * share / Decimal(100)).quantize(Decimal("0.01"))
    total = _awarded_sum(session, year, grantor_id=obj.grantor_id)
    if total + obj.amount > cap:
        out.append(_("Małe granty w %(y)s r. wyniosłyby %(t)s, a limit to %(p)s planowanych dotacji "
                     "(%(c)s).", y=year, t=Money(total + obj.amount), p=Percent(share), c=Money(cap)))
    return out


def award_problems(session, obj, now: datetime, *, lock: bool = False) -> list:
    """The caps on the award day. `lock` (when actually awarding) serialises the year's awards first;
    showing whether the button is available takes no lock."""
    on = warsaw_date(now)
    if lock:
        _lock_year(session, on.year)
    return cap_problems(session, obj, on)
