"""The value of a dated parameter on a day: the latest row from on or before it (database rows
first, the defaults below otherwise)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from budgets.interest import DEFAULT_RATE_ROWS, Rate, RateTable

from .models import DatedParameter

# key -> [(valid from, value)], the current legal values (DOMAIN.md R-19A-LIMITS)
DEFAULTS: dict[str, list[tuple[date, str]]] = {
    "art19a.max_amount": [(date(2010, 1, 1), "10000.00")],
    "art19a.max_days": [(date(2010, 1, 1), "90")],
    "art19a.max_per_organisation_year": [(date(2010, 1, 1), "20000.00")],
    "art19a.max_share_of_planned_pct": [(date(2010, 1, 1), "20")],
    "art12.assessment_months": [(date(2010, 1, 1), "1")],
    # R-RODO retention periods (docs/rodo.md). Documents of a public procedure (offers, protocols,
    # declarations, agreements, reports, settlements and their audit trail): 10 full years counted from
    # 1 January after the year the matter ended (the settlement closed); the archives act (ustawa z 14
    # lipca 1983 r. o narodowym zasobie archiwalnym i archiwach, art. 5-6) with the office's JRWA
    # (rozporządzenie Prezesa Rady Ministrów z 18 stycznia 2011 r., category B10 for grant
    # agreements and their settlement); 10 years also covers the 5-year limitation of grant returns
    # (ustawa o finansach publicznych art. 60 pkt 1, art. 252) and audits of the grantor's accounts
    # (ustawa o rachunkowości art. 74: 5 years). The office's archivist confirms the category.
    "retention.documents_years": [(date(2010, 1, 1), "10")],
    # login history (security logs, art. 32 RODO): long enough to investigate an incident reported
    # within the 72 hours of art. 33 and the monthly reviews of the logs, then removed
    "retention.login_attempts_days": [(date(2010, 1, 1), "90")],
    # accounts created but never confirmed or used: no purpose left after a month (art. 5(1)(e))
    "retention.unconfirmed_accounts_days": [(date(2010, 1, 1), "30")],
    # expired API tokens (their metadata is kept a while for the person's own view of it)
    "retention.expired_tokens_days": [(date(2010, 1, 1), "30")],
    # a deletion request the office has not answered: art. 12(3) RODO gives one month
    "retention.deletion_answer_days": [(date(2010, 1, 1), "30")],
}


def value(session, key: str, on: date) -> str:
    row = None
    if session is not None:
        row = session.scalar(select(DatedParameter.value).where(DatedParameter.key == key, DatedParameter.valid_from <= on)
                             .order_by(DatedParameter.valid_from.desc()).limit(1))
    if row is not None:
        return row
    rows = [v for d, v in sorted(DEFAULTS[key]) if d <= on]
    if not rows:
        raise KeyError(f"no value of {key} on {on}")
    return rows[-1]


def decimal(session, key: str, on: date) -> Decimal:
    return Decimal(value(session, key, on))


def integer(session, key: str, on: date) -> int:
    return int(value(session, key, on))


RATE_KEY = "interest.tax_arrears_rate"


def rate_table(session):
    """R-SET-INTEREST: the tax-arrears rates DOMAIN.md lists, plus the rows an admin added (a row of the
    same date replaces the default one)."""

    rows = {r.since: r.percent for r in DEFAULT_RATE_ROWS}
    if session is not None:
        for since, v in session.execute(select(DatedParameter.valid_from, DatedParameter.value)
                                        .where(DatedParameter.key == RATE_KEY)):
            rows[since] = Decimal(v)
    return RateTable([Rate(d, p) for d, p in sorted(rows.items())])
