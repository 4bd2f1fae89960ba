"""Awarded grants as 360Giving grants (https://standard.threesixtygiving.org, schema 1.4).

One grant per awarded contest offer (the agreement's amount once signed, else the award) and per
awarded art. 19a small grant. Grants of a contest that came from an art. 12 own-initiative offer say
so in their programme's description (the initiative itself is never published before the decision,
R-ART12-CONFIDENTIAL, and its content never)."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core import clock
from grants.core.dates import warsaw_date
from grants.registry.models import Department, Grantor

from . import sources
from .parties import (DISTRICT_CODE_TYPE, FIELDS_VOCABULARY, district_name, field_label, grantor_id,
                      legal_form_label, organisation_id)
from .settings import OpenDataSettings
from .values import amount, iso_date, iso_datetime

VERSION = "1.4"


def _recipient(org, prefix: str) -> dict:
    out = {"id": organisation_id(org, prefix), "name": org.name, "organisationType": legal_form_label(org),
           "addressLocality": "Kraków", "addressCountry": "PL"}
    if org.krs:
        out["companyNumber"] = org.krs.zfill(10)
    return out


def _funder(grantor, department: str | None, prefix: str) -> dict:
    out = {"id": grantor_id(grantor, prefix), "name": grantor.name} if not isinstance(grantor, dict) else dict(grantor)
    if department:
        out["department"] = department
    return out


def _location(org) -> list[dict]:
    name = district_name(org.district)
    if not name:
        return []
    return [{"id": f"{DISTRICT_CODE_TYPE}-{org.district}", "name": name, "countryCode": "PL",
             "geoCode": org.district, "geoCodeType": DISTRICT_CODE_TYPE}]


def _classification(code: str | None) -> list[dict]:
    if not code:
        return []
    return [{"vocabulary": FIELDS_VOCABULARY, "code": code, "title": field_label(code)}]


def contest_grants(facts: sources.ContestFacts, cfg: OpenDataSettings, departments: dict) -> Iterator[dict]:
    c = facts.contest
    programme = {"code": f"contest-{c.id}", "title": c.title}
    if facts.initiative is not None:
        programme["description"] = "Konkurs ogłoszony w wyniku oferty z własnej inicjatywy (art. 12 UDPP)"
    for o in facts.offers:
        if o.state not in sources.AWARDED_OFFER_STATES or not o.awarded_grant:
            continue
        org = facts.organisations[o.organisation_id]
        af = facts.agreements.get(o.id)
        a = af.agreement if af else None
        start, end = (a.task_start, a.task_end) if a else (c.task_start, c.task_end)
        grant = {
            "id": f"{cfg.prefix_360}-offer-{o.number or o.id}",
            "title": o.title or c.title,
            "description": f"Dotacja na realizację zadania publicznego „{o.title}” w otwartym konkursie ofert "
                           f"„{c.title}” ({'powierzenie' if c.form == 'entrustment' else 'wsparcie'}).",
            "currency": "PLN",
            "amountAppliedFor": amount(o.requested_grant),
            "amountAwarded": amount(a.grant if a else o.awarded_grant),
            "awardDate": iso_date(warsaw_date(c.results_published_at)),
            "plannedDates": [{"startDate": iso_date(start), "endDate": iso_date(end)}] if start and end else None,
            "recipientOrganization": [_recipient(org, cfg.prefix_360)],
            "fundingOrganization": [_funder(facts.grantor, departments.get(c.department_id), cfg.prefix_360)],
            "grantProgramme": [programme],
            "beneficiaryLocation": _location(org) or None,
            "classifications": _classification(c.field) or None,
            "fromOpenCall": "Yes",
        }
        if af is not None and af.tranches:
            paid = sum((t.paid_amount or t.amount for t in af.tranches), Decimal("0"))
            returned = sum((p.amount for p in af.returns), Decimal("0"))
            grant["amountDisbursed"] = amount(paid - min(returned, paid))
            grant["disbursementTransaction"] = [
                {"id": f"{cfg.prefix_360}-tranche-{t.id}", "transactionDate": iso_date(t.paid_on),
                 "currency": "PLN", "value": amount(t.paid_amount or t.amount)} for t in af.tranches]
        if af is not None and af.settlement is not None and af.settlement.state == "closed" and a.state == "closed":
            grant["actualDates"] = [{"startDate": iso_date(a.task_start), "endDate": iso_date(a.task_end)}]
        yield grant


def small_grant(g, org, grantor, department, cfg: OpenDataSettings) -> dict:
    return {
        "id": f"{cfg.prefix_360}-19a-{g.id}",
        "title": g.title,
        "description": g.description or g.title,
        "currency": "PLN",
        "amountAppliedFor": amount(g.amount),
        "amountAwarded": amount(g.amount),
        "awardDate": iso_date(warsaw_date(g.decided_at)) if g.decided_at else iso_date(g.task_start),
        "plannedDates": [{"startDate": iso_date(g.task_start), "endDate": iso_date(g.task_end)}],
        "recipientOrganization": [_recipient(org, cfg.prefix_360)],
        "fundingOrganization": [_funder(grantor, department, cfg.prefix_360)],
        "grantProgramme": [{"code": "art19a", "title": "Małe granty z pominięciem otwartego konkursu ofert "
                                                       "(art. 19a UDPP)"}],
        "beneficiaryLocation": _location(org) or None,
        "classifications": _classification(g.field) or None,
        "fromOpenCall": "No",
    }


def grants(s: Session, cfg: OpenDataSettings, year: int | None = None, grantor: int | None = None) -> Iterator[dict]:
    """Every awarded grant, contests first (by contest and offer), then art. 19a grants; of one
    authority when `grantor` (its id) is given. Each art. 19a grant names its own authority as funder."""
    departments = dict(s.execute(select(Department.id, Department.name)).all())
    for facts in sources.contests(s, year, grantor_id=grantor):
        yield from contest_grants(facts, cfg, departments)
    funders = {g.id: {"id": grantor_id(g, cfg.prefix_360), "name": g.name} for g in s.scalars(select(Grantor))}
    for g, org in sources.awarded_small_grants(s, year, grantor):
        yield small_grant(g, org, funders[g.grantor_id], departments.get(g.department_id), cfg)


def package_header(cfg: OpenDataSettings, publisher: str, title: str) -> dict:
    return {"version": VERSION, "title": title, "license": cfg.licence,
            "publisher": {"name": publisher, "identifier": cfg.prefix_360},
            "modified": iso_datetime(clock.now())}
