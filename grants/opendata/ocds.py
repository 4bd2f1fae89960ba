"""Contests as OCDS contracting processes (https://standard.open-contracting.org, 1.1).

Each public contest is one contracting process, `ocid` = the prefix setting + `-contest-<id>`. Its
releases tell its story, one per published change, in the order they happened:

- planning: the contest in the cooperation programme's calendar (a planned contest);
- tender: the announcement (task, funds, criteria, offer deadline, task period);
- tenderCancellation: a cancellation (R-CANCEL), with its published reason;
- award: the results (R-RESULTS): every offer that reached the decision, funded (`active`) or not
  (`unsuccessful`), with the organisation and the amount; a declined award is `cancelled`;
- contract: each signed agreement; contractAmendment: each approved annex (as an amendment);
- implementation: each paid tranche and each return as a transaction, each accepted report and the
  settlement as a document; a closed settlement ends the contract (`terminated`).

Releases hold only what changed; `compile_record` merges them into the compiled release by the OCDS
merge rules (objects field by field, arrays of objects by `id`, other arrays replaced).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Iterator

from sqlalchemy.orm import Session

from grants.core import clock
from grants.workflows.offer import STATES as OFFER_STATE_LABELS

from . import sources
from .parties import FIELDS_VOCABULARY, field_label, grantor_id, legal_form_label, organisation_id
from .settings import OpenDataSettings
from .values import amount, day_start, iso_datetime

VERSION = "1.1"
REPORT_TITLES = {"final": "Sprawozdanie końcowe", "partial": "Sprawozdanie częściowe"}


def ocid(cfg: OpenDataSettings, contest_id: int) -> str:
    return f"{cfg.ocds_prefix}-contest-{contest_id}"


def contest_id_of(cfg: OpenDataSettings, ocid_: str) -> int | None:
    """The contest an ocid names, None for anything else (another prefix, not an ocid)."""
    prefix = f"{cfg.ocds_prefix}-contest-"
    rest = ocid_[len(prefix):] if ocid_.startswith(prefix) else ""
    return int(rest) if rest.isdigit() and len(rest) < 10 else None


def _value(x: Decimal | None) -> dict | None:
    return None if x is None else {"amount": amount(x), "currency": "PLN"}


def _grantor_party(grantor, cfg: OpenDataSettings) -> dict:
    return {"id": grantor_id(grantor, cfg.prefix_360), "name": grantor.name, "roles": ["buyer", "procuringEntity",
                                                                                          "payer"],
            "address": {"locality": "Kraków", "countryName": "Polska"}}


def _org_party(org, cfg: OpenDataSettings, roles: list[str]) -> dict:
    party = {"id": organisation_id(org, cfg.prefix_360), "name": org.name, "roles": roles,
             "address": {"locality": "Kraków", "countryName": "Polska"},
             "details": {"legalForm": legal_form_label(org)}}
    if org.krs:
        party["identifier"] = {"scheme": "PL-KRS", "id": org.krs.zfill(10), "legalName": org.name}
    return party


def _ref(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


class _Story:
    """Collects a contest's releases with their moments, then sorts them."""

    def __init__(self, cfg: OpenDataSettings, facts: sources.ContestFacts):
        self.cfg, self.facts = cfg, facts
        self.ocid = ocid(cfg, facts.contest.id)
        self.buyer = _grantor_party(facts.grantor, cfg)
        self.items: list[tuple[datetime, int, dict]] = []

    def add(self, when: datetime | None, key: str, tags: list[str], **sections) -> None:
        if when is None:
            return
        release = {"ocid": self.ocid, "id": f"{self.ocid}-{key}", "date": iso_datetime(when), "tag": tags,
                   "initiationType": "tender", "language": "pl", "buyer": _ref(self.buyer)}
        release.update({k: v for k, v in sections.items() if v is not None})
        release.setdefault("tender", _tender_base(self.facts.contest))  # every release names its contest
        self.items.append((when, len(self.items), release))

    def releases(self) -> list[dict]:
        return [r for _, _, r in sorted(self.items, key=lambda x: (x[0], x[1]))]


def _tender_base(c) -> dict:
    return {"id": f"contest-{c.id}", "title": c.title}


def contest_releases(facts: sources.ContestFacts, cfg: OpenDataSettings) -> list[dict]:
    c = facts.contest
    story = _Story(cfg, facts)
    parties = [story.buyer]
    classification = ({"scheme": FIELDS_VOCABULARY, "id": c.field, "description": field_label(c.field)}
                      if c.field else None)
    # planning: a contest in the programme's calendar before its announcement
    if c.planned_announcement is not None or c.state == "planned":
        story.add(c.created_at, "planning", ["planning"], parties=parties,
                  planning={"rationale": c.task_type or c.title,
                            "budget": {"description": f"Program współpracy {c.year}",
                                       "amount": _value(c.budget)}},
                  tender=dict(_tender_base(c), status="planned",
                              tenderPeriod={"startDate": iso_datetime(day_start(c.planned_announcement))}
                              if c.planned_announcement else None))
    # tender: the announcement
    if c.published_at is not None:
        criteria = "; ".join(f"{x.get('name') or x.get('label') or x.get('code')} (max {x.get('max_points')} pkt)"
                             for x in (c.criteria or []) if isinstance(x, dict))
        tender = dict(_tender_base(c), description=c.task_type or None, status="active",
                      value=_value(c.budget), procurementMethod="open",
                      procurementMethodDetails="Otwarty konkurs ofert (art. 11 i 13 ustawy o działalności "
                                               "pożytku publicznego i o wolontariacie)",
                      mainProcurementCategory="services", awardCriteria="ratedCriteria",
                      awardCriteriaDetails=criteria or None,
                      datePublished=iso_datetime(c.published_at),
                      tenderPeriod={"startDate": iso_datetime(c.published_at), "endDate": iso_datetime(c.deadline)},
                      awardPeriod={"endDate": iso_datetime(day_start(c.decision_by))} if c.decision_by else None,
                      contractPeriod={"startDate": iso_datetime(day_start(c.task_start)),
                                      "endDate": iso_datetime(day_start(c.task_end))} if c.task_start else None,
                      minValue=_value(c.min_grant), maximumValue=_value(c.max_grant),
                      documents=[{"id": f"announcement-{c.id}", "documentType": "tenderNotice",
                                  "title": f"Ogłoszenie otwartego konkursu ofert: {c.title}",
                                  "datePublished": iso_datetime(c.published_at), "language": "pl"}])
        if classification:
            tender["items"] = [{"id": "1", "description": c.task_type or c.title, "classification": classification}]
        story.add(c.published_at, "tender", ["tender"], parties=parties, tender=tender)
    if c.state == "cancelled" and c.cancelled_at is not None:
        story.add(c.cancelled_at, "cancellation", ["tenderCancellation"],
                  tender=dict(_tender_base(c), status="cancelled", statusDetails=c.cancel_reason or None))
    if c.results_published_at is not None:
        _results(story, facts, cfg)
    return story.releases()


def _award_status(offer) -> str:
    if offer.state == "not_selected":
        return "unsuccessful"
    if offer.state == "declined":
        return "cancelled"
    return "active"


def _results(story: _Story, facts: sources.ContestFacts, cfg: OpenDataSettings) -> None:
    c = facts.contest
    orgs = {}
    for o in facts.offers:
        org = facts.organisations[o.organisation_id]
        roles = ["tenderer"] + (["supplier", "payee"] if o.state in sources.AWARDED_OFFER_STATES else [])
        party = orgs.get(org.id)
        if party is None:
            orgs[org.id] = _org_party(org, cfg, roles)
        else:
            party["roles"] = sorted(set(party["roles"]) | set(roles))
    awards = []
    for o in facts.offers:
        supplier = _ref(orgs[o.organisation_id])
        awards.append({"id": f"offer-{o.id}", "title": o.title or None, "status": _award_status(o),
                       "statusDetails": str(OFFER_STATE_LABELS.get(o.state, o.state)),
                       "date": iso_datetime(c.results_published_at),
                       "value": _value(o.awarded_grant) if o.awarded_grant else None,
                       "suppliers": [supplier]})
    tender = dict(_tender_base(c), status="complete", numberOfTenderers=facts.offers_received,
                  tenderers=[_ref(p) for p in orgs.values()] or None)
    story.add(c.results_published_at, "award", ["award"], parties=[story.buyer, *orgs.values()],
              tender=tender, awards=awards)
    for o in facts.offers:
        af = facts.agreements.get(o.id)
        if af is not None:
            _contract(story, af, o, orgs[o.organisation_id], cfg)


def _contract(story: _Story, af: sources.AgreementFacts, offer, org_party: dict, cfg: OpenDataSettings) -> None:
    a = af.agreement
    cid = f"agreement-{a.id}"
    signatures = [d for d in (a.signed_by_grantor_on, a.signed_by_organisation_on) if d]
    signed = max(signatures) if signatures else a.created_at.date()
    base = {"id": cid, "awardID": f"offer-{offer.id}"}
    story.add(day_start(signed), f"contract-{a.id}", ["contract"], contracts=[dict(
        base, title=a.title, status="active", dateSigned=iso_datetime(day_start(signed)), value=_value(a.grant),
        period={"startDate": iso_datetime(day_start(a.task_start)), "endDate": iso_datetime(day_start(a.task_end))},
        documents=[{"id": f"agreement-{a.id}", "documentType": "contractSigned", "title": f"Umowa nr {a.number}",
                    "datePublished": iso_datetime(day_start(signed)), "language": "pl"}])])
    for x in af.annexes:
        story.add(x.decided_at, f"contract-{a.id}-annex-{x.number}", ["contractAmendment"], contracts=[dict(
            base, amendments=[{"id": f"annex-{x.id}", "date": iso_datetime(x.decided_at),
                               "description": f"Aneks nr {x.number} do umowy nr {a.number}",
                               "rationale": "Zmiana umowy aneksem (terminy, kosztorys lub transze)"}])])
    payer, payee = _ref(story.buyer), _ref(org_party)
    for t in af.tranches:
        story.add(day_start(t.paid_on), f"contract-{a.id}-tranche-{t.number}", ["implementation"], contracts=[dict(
            base, implementation={"transactions": [{
                "id": f"tranche-{t.id}", "source": "Budżet gminy", "date": iso_datetime(day_start(t.paid_on)),
                "value": _value(t.paid_amount or t.amount), "payer": payer, "payee": payee}]})])
    for r in af.reports:
        story.add(r.submitted_at, f"contract-{a.id}-report-{r.id}", ["implementation"], contracts=[dict(
            base, implementation={"documents": [{
                "id": f"report-{r.id}", "documentType": "physicalProgressReport",
                "title": f"{REPORT_TITLES.get(r.kind, 'Sprawozdanie')} (przyjęte)",
                "datePublished": iso_datetime(r.submitted_at), "language": "pl"}]})])
    st = af.settlement
    if st is not None:
        story.add(st.calculated_at, f"contract-{a.id}-settlement", ["implementation"], contracts=[dict(
            base, implementation={"documents": [{
                "id": f"settlement-{st.id}", "documentType": "finalAudit",
                "title": "Rozliczenie dotacji", "description": f"Do zwrotu: {amount(st.total_to_return or 0)} zł",
                "datePublished": iso_datetime(st.calculated_at), "language": "pl"}]})])
        for p in af.returns:
            story.add(day_start(p.paid_on), f"contract-{a.id}-return-{p.id}", ["implementation"], contracts=[dict(
                base, implementation={"transactions": [{
                    "id": f"return-{p.id}", "source": "Zwrot dotacji", "date": iso_datetime(day_start(p.paid_on)),
                    "value": _value(p.amount), "payer": payee, "payee": payer}]})])
        if st.state == "closed" and a.state in ("closed", "terminated"):
            last = max([st.calculated_at] + [day_start(p.paid_on) for p in af.returns]
                       + [day_start(t.paid_on) for t in af.tranches])
            story.add(last, f"contract-{a.id}-closed", ["contractTermination"], contracts=[dict(
                base, status="terminated",
                statusDetails="Umowa rozliczona" if a.state == "closed" else "Umowa rozwiązana")])
    elif a.state == "terminated":
        story.add(day_start(a.task_end), f"contract-{a.id}-terminated", ["contractTermination"],
                  contracts=[dict(base, status="terminated", statusDetails="Umowa rozwiązana")])


# ------------------------------------------------------------------ merging (OCDS merge rules)
def _merge(into, new):
    if isinstance(into, dict) and isinstance(new, dict):
        out = dict(into)
        for k, v in new.items():
            out[k] = _merge(out.get(k), v) if k in out else v
        return out
    if (isinstance(into, list) and isinstance(new, list) and new and all(isinstance(x, dict) and "id" in x
                                                                         for x in new + into)):
        out = list(into)
        index = {x["id"]: i for i, x in enumerate(out)}
        for x in new:
            if x["id"] in index:
                out[index[x["id"]]] = _merge(out[index[x["id"]]], x)
            else:
                index[x["id"]] = len(out)
                out.append(x)
        return out
    return new


def compile_record(releases: list[dict]) -> dict:
    """The OCDS record: the releases and the compiled release (their merge, latest last)."""
    compiled: dict = {}
    for r in releases:
        body = {k: v for k, v in r.items() if k not in ("id", "tag", "date")}
        compiled = _merge(compiled, body)
    last = releases[-1]
    compiled.update({"id": f"{last['ocid']}-compiled", "date": last["date"], "tag": ["compiled"]})
    return {"ocid": last["ocid"], "releases": releases, "compiledRelease": compiled}


# ------------------------------------------------------------------ streams
def releases(s: Session, cfg: OpenDataSettings, year: int | None = None,
             ids: list[int] | None = None, grantor_id: int | None = None) -> Iterator[dict]:
    for facts in sources.contests(s, year, ids=ids, grantor_id=grantor_id):
        yield from contest_releases(facts, cfg)


def records(s: Session, cfg: OpenDataSettings, year: int | None = None,
            grantor_id: int | None = None) -> Iterator[dict]:
    for facts in sources.contests(s, year, grantor_id=grantor_id):
        rs = contest_releases(facts, cfg)
        if rs:
            yield compile_record(rs)


def package_header(cfg: OpenDataSettings, publisher: str, uri: str) -> dict:
    return {"uri": uri, "version": VERSION, "publishedDate": iso_datetime(clock.now()),
            "publisher": {"name": publisher, "scheme": None, "uid": None},
            "license": cfg.licence, "publicationPolicy": None}
