"""What may be published, read in batches (R-PUB-RESULTS).

Only published facts are read: contests that left the draft state, results only once published
(offers that reached the decision: selected, not selected, sent to update, ready for the agreement,
declined), agreements once signed, paid tranches, accepted reports, settlements once calculated,
approved annexes, art. 19a grants once awarded, art. 12 initiatives only through the contest they
led to after the decision. Never drafts, offers' content (contact persons, e-mails, phones), comments,
nor anything of natural persons.

Contests are read `BATCH` at a time with their dependants in a few queries per batch, and the session
is cleared after each batch, so an export of any size holds one batch in memory.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterator

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, load_only

from grants.agreements.models import Agreement, Annex, Tranche
from grants.contests.models import Contest
from grants.core.audit import AuditEntry
from grants.core.dates import WARSAW
from grants.initiatives.models import Initiative
from grants.offers.models import Offer
from grants.registry.models import Grantor, Organisation
from grants.reports.models import Report
from grants.settlements.models import ReturnPayment, Settlement
from grants.small_grants.models import SmallGrant

BATCH = 50
PUBLIC_CONTEST_STATES = ("planned", "published", "closed", "formal_review", "evaluation", "decided", "concluded",
                         "cancelled")
#: offers that reached the authority's decision: their organisation, task and amount are published
DECIDED_OFFER_STATES = ("selected", "not_selected", "update_required", "ready_for_agreement", "declined")
AWARDED_OFFER_STATES = ("selected", "update_required", "ready_for_agreement")
SIGNED_AGREEMENT_STATES = ("signed", "in_progress", "reporting", "settling", "closed", "terminated")
PUBLISHED_SETTLEMENT_STATES = ("calculated", "awaiting_return", "returned", "closed")
#: what is read of offers and agreements: never their content (contact persons, cost estimates)
OFFER_COLUMNS = load_only(Offer.id, Offer.version, Offer.contest_id, Offer.organisation_id, Offer.title, Offer.state,
                          Offer.requested_grant, Offer.awarded_grant, Offer.number, raiseload=True)
AGREEMENT_COLUMNS = load_only(Agreement.id, Agreement.version, Agreement.offer_id, Agreement.contest_id,
                              Agreement.organisation_id, Agreement.number, Agreement.title, Agreement.grant,
                              Agreement.task_start, Agreement.task_end, Agreement.signed_by_organisation_on,
                              Agreement.signed_by_grantor_on, Agreement.created_at, Agreement.state, raiseload=True)


@dataclass
class AgreementFacts:
    agreement: Agreement
    tranches: list[Tranche] = field(default_factory=list)  # paid ones
    annexes: list[Annex] = field(default_factory=list)  # approved ones
    reports: list[Report] = field(default_factory=list)  # accepted ones
    settlement: Settlement | None = None
    returns: list[ReturnPayment] = field(default_factory=list)


@dataclass
class ContestFacts:
    contest: Contest
    grantor: Grantor
    offers: list[Offer] = field(default_factory=list)  # decided ones, results published
    organisations: dict[int, Organisation] = field(default_factory=dict)
    agreements: dict[int, AgreementFacts] = field(default_factory=dict)  # by offer id
    initiative: Initiative | None = None  # the art. 12 offer this contest came from (after the decision)
    offers_received: int | None = None  # how many offers were submitted (a number, once the deadline passed)


def _contest_filter(stmt, year: int | None, grantor_id: int | None = None):
    stmt = stmt.where(Contest.state.in_(PUBLIC_CONTEST_STATES))
    if year is not None:
        stmt = stmt.where(Contest.year == year)
    if grantor_id is not None:  # one authority's downloads (issue 22)
        stmt = stmt.where(Contest.grantor_id == grantor_id)
    return stmt


def contest_ids(s: Session, year: int | None = None, grantor_id: int | None = None) -> list[int]:
    return list(s.scalars(_contest_filter(select(Contest.id), year, grantor_id).order_by(Contest.id)))


def contest_ids_after(s: Session, after: int, limit: int) -> list[int]:
    """The next `limit` public contests after the id `after`, in id order (a pass over all, by key)."""
    return list(s.scalars(_contest_filter(select(Contest.id), None).where(Contest.id > after)
                          .order_by(Contest.id).limit(limit)))


def contests(s: Session, year: int | None = None, ids: list[int] | None = None,
             grantor_id: int | None = None) -> Iterator[ContestFacts]:
    """Each public contest with its published facts, in id order, BATCH contests per round of queries
    (of one authority when `grantor_id` is given)."""
    all_ids = ids if ids is not None else contest_ids(s, year, grantor_id)
    for start in range(0, len(all_ids), BATCH):
        grantors = {g.id: g for g in s.scalars(select(Grantor))}
        yield from _batch(s, all_ids[start:start + BATCH], grantors)
        s.expunge_all()  # what was yielded is done with: keep one batch in memory


def _batch(s: Session, ids: list[int], grantors: dict[int, Grantor]) -> Iterator[ContestFacts]:
    cs = list(s.scalars(_contest_filter(select(Contest), None).where(Contest.id.in_(ids)).order_by(Contest.id)))
    published = [c.id for c in cs if c.results_published_at is not None]
    offers = list(s.scalars(select(Offer).options(OFFER_COLUMNS).where(Offer.contest_id.in_(published),
                                                Offer.state.in_(DECIDED_OFFER_STATES)).order_by(Offer.id))) \
        if published else []
    received = dict(s.execute(select(Offer.contest_id, func.count()).where(
        Offer.contest_id.in_([c.id for c in cs if c.state not in ("planned", "published")]),
        Offer.submitted_at.is_not(None)).group_by(Offer.contest_id)).all())
    org_ids = {o.organisation_id for o in offers}
    agreements = list(s.scalars(select(Agreement).options(AGREEMENT_COLUMNS).where(Agreement.contest_id.in_(published),
                                                        Agreement.state.in_(SIGNED_AGREEMENT_STATES))
                                .order_by(Agreement.id))) if published else []
    a_ids = [a.id for a in agreements]
    tranches, annexes, reports, settlements, returns = (defaultdict(list) for _ in range(5))
    if a_ids:
        for t in s.scalars(select(Tranche).where(Tranche.agreement_id.in_(a_ids), Tranche.state == "paid")
                           .order_by(Tranche.number)):
            tranches[t.agreement_id].append(t)
        for x in s.scalars(select(Annex).where(Annex.agreement_id.in_(a_ids), Annex.status == "approved")
                           .order_by(Annex.number)):
            annexes[x.agreement_id].append(x)
        for r in s.scalars(select(Report).where(Report.agreement_id.in_(a_ids), Report.state == "accepted")
                           .order_by(Report.id)):
            reports[r.agreement_id].append(r)
        for st in s.scalars(select(Settlement).where(Settlement.agreement_id.in_(a_ids),
                                                     Settlement.state.in_(PUBLISHED_SETTLEMENT_STATES))):
            settlements[st.agreement_id].append(st)
        st_ids = [x[0].id for x in settlements.values()]
        if st_ids:
            for p in s.scalars(select(ReturnPayment).where(ReturnPayment.settlement_id.in_(st_ids))
                               .order_by(ReturnPayment.id)):
                returns[p.settlement_id].append(p)
    orgs = {o.id: o for o in s.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))} if org_ids else {}
    initiatives = {i.planned_contest_id: i for i in s.scalars(
        select(Initiative).where(Initiative.planned_contest_id.in_(ids), Initiative.state == "expedient"))}
    by_contest: dict[int, list[Offer]] = defaultdict(list)
    for o in offers:
        by_contest[o.contest_id].append(o)
    by_offer: dict[int, AgreementFacts] = {}
    for a in agreements:
        st = settlements[a.id][0] if settlements[a.id] else None
        by_offer[a.offer_id] = AgreementFacts(a, tranches[a.id], annexes[a.id], reports[a.id], st,
                                              returns[st.id] if st else [])
    for c in cs:
        os_ = by_contest[c.id]
        yield ContestFacts(c, grantors[c.grantor_id], os_, {o.organisation_id: orgs[o.organisation_id] for o in os_},
                           {o.id: by_offer[o.id] for o in os_ if o.id in by_offer}, initiatives.get(c.id),
                           received.get(c.id))


def awarded_small_grants(s: Session, year: int | None = None,
                         grantor_id: int | None = None) -> Iterator[tuple[SmallGrant, Organisation]]:
    """Art. 19a grants once awarded (R-19A-PUBLISH: they were public from their publication)."""
    stmt = select(SmallGrant, Organisation).join(Organisation, Organisation.id == SmallGrant.organisation_id) \
        .where(SmallGrant.state == "awarded").order_by(SmallGrant.id)
    if grantor_id is not None:
        stmt = stmt.where(SmallGrant.grantor_id == grantor_id)
    rows = s.execute(stmt.execution_options(yield_per=200))
    for g, org in rows:
        if year is None or (g.decided_at or g.received_at).year == year or g.task_start.year == year:
            yield g, org


def grantor_names(s: Session) -> list[str]:
    """The deployment's authorities by name (the publisher of its downloads of every authority)."""
    return list(s.scalars(select(Grantor.name).order_by(Grantor.name, Grantor.id)))


def last_change(s: Session) -> datetime | None:
    """The latest moment a published fact changed (for Last-Modified): the newest timestamp of a release."""
    candidates = [
        s.scalar(select(func.max(Contest.published_at))),
        s.scalar(select(func.max(Contest.results_published_at))),
        s.scalar(select(func.max(Contest.cancelled_at))),
        s.scalar(select(func.max(Annex.decided_at)).where(Annex.status == "approved")),
        s.scalar(select(func.max(Settlement.calculated_at))),
        s.scalar(select(func.max(Report.submitted_at)).where(Report.state == "accepted")),
        s.scalar(select(func.max(SmallGrant.decided_at)).where(SmallGrant.state == "awarded")),
    ]
    values = [v for v in candidates if v is not None]
    return max(values) if values else None


def fingerprint(s: Session) -> str:
    """Changes whenever any object an export reads changes (each change bumps its `version`)."""
    parts = []
    for model in (Contest, Offer, Agreement, Tranche, Report, Settlement, SmallGrant, Initiative):
        parts.append(s.execute(select(func.count(), func.coalesce(func.sum(model.version), 0),
                                      func.coalesce(func.max(model.id), 0)).select_from(model)).one())
    parts.append(s.execute(select(func.count(), func.coalesce(func.max(Annex.id), 0))
                           .where(Annex.status == "approved")).one())
    parts.append(s.execute(select(func.count(), func.coalesce(func.max(ReturnPayment.id), 0))).one())
    return ";".join(",".join(str(x) for x in p) for p in parts)


def _audited_since(s: Session, object_type: str, since: datetime) -> list[int]:
    """Ids of the objects of a type with an audit entry recorded (on the one clock) after `since`."""
    return [int(x) for x in s.scalars(select(AuditEntry.object_id).distinct().where(
        AuditEntry.object_type == object_type, AuditEntry.clock_at > since)) if x.isdigit()]


def contest_ids_changed_since(s: Session, since: datetime) -> list[int]:
    """Public contests with a release possibly dated after `since` (a superset: facts known by day
    count from the day of `since`), so the changes feed builds only those contests' releases."""
    day = since.astimezone(WARSAW).date()
    ids: set[int] = set()
    for column in (Contest.created_at, Contest.published_at, Contest.results_published_at, Contest.cancelled_at):
        ids.update(s.scalars(select(Contest.id).where(column > since)))
    ids.update(s.scalars(select(Agreement.contest_id).where(
        or_(Agreement.signed_by_grantor_on >= day, Agreement.signed_by_organisation_on >= day,
            Agreement.created_at > since, Agreement.task_end >= day))))
    ids.update(s.scalars(select(Agreement.contest_id).join(Tranche, Tranche.agreement_id == Agreement.id)
                         .where(Tranche.paid_on >= day)))
    ids.update(s.scalars(select(Agreement.contest_id).join(Annex, Annex.agreement_id == Agreement.id)
                         .where(Annex.decided_at > since)))
    ids.update(s.scalars(select(Agreement.contest_id).join(Report, Report.agreement_id == Agreement.id)
                         .where(Report.submitted_at > since)))
    ids.update(s.scalars(select(Agreement.contest_id).join(Settlement, Settlement.agreement_id == Agreement.id)
                         .where(Settlement.calculated_at > since)))
    ids.update(s.scalars(select(Agreement.contest_id).join(Settlement, Settlement.agreement_id == Agreement.id)
                         .join(ReturnPayment, ReturnPayment.settlement_id == Settlement.id)
                         .where(or_(ReturnPayment.paid_on >= day, ReturnPayment.booked_at > since))))
    # facts recorded late carry an earlier date (a transfer booked days after it was made): what was
    # recorded after `since` is found through the objects' audit entries, whatever date the fact has
    for model, object_type in ((Tranche, "tranche"), (Report, "report"), (Settlement, "settlement")):
        changed = _audited_since(s, object_type, since)
        if changed:
            ids.update(s.scalars(select(Agreement.contest_id).join(model, model.agreement_id == Agreement.id)
                                 .where(model.id.in_(changed))))
    changed = _audited_since(s, "agreement", since)
    if changed:
        ids.update(s.scalars(select(Agreement.contest_id).where(Agreement.id.in_(changed))))
    if not ids:
        return []
    return list(s.scalars(_contest_filter(select(Contest.id), None).where(Contest.id.in_(ids)).order_by(Contest.id)))
