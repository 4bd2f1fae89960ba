"""R-RODO: what the law requires the office to keep of a person, and until when.

A document of a public procedure (an offer, a commission's declarations and protocol, an agreement,
its reports and settlement, a proposal answered in a consultation's report, an art. 12 or art. 19a
offer) is kept for `retention.documents_years` full years counted from 1 January after the year
the matter ended: the year of the last entry in the audit trail of the object that ends it (the
settlement of an agreement; the object itself otherwise), once that object is in a final state.
While the matter is open the date is not known yet (`until` is None). Flask-free.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from grants.agreements.models import Agreement
from grants.core import clock
from grants.core.i18n import _
from grants.core.audit import AuditEntry
from grants.directions.models import Direction
from grants.initiatives.models import Initiative
from grants.offers.models import Offer
from grants.params import values
from grants.registry.models import Membership
from grants.reports.models import Report
from grants.settlements.models import Settlement
from grants.small_grants.models import SmallGrant
from reviewers.models import Commission, CommissionMember

DOCUMENTS_YEARS = "retention.documents_years"
KIND_LABELS = {
    "offer": _("oferta"), "agreement": _("umowa"), "report": _("sprawozdanie"), "settlement": _("rozliczenie"),
    "commission": _("komisja konkursowa (oświadczenia, karty oceny, protokół)"),
    "direction": _("propozycja kierunku w konsultacjach"), "initiative": _("oferta z własnej inicjatywy (art. 12)"),
    "small_grant": _("oferta w trybie art. 19a"), "audit": _("dziennik zdarzeń (audyt)"),
}


def days(session: Session, key: str, on: date | None = None) -> int:
    """A retention period in days (or years, for DOCUMENTS_YEARS) on a day (today by default)."""
    return int(values.decimal(session, key, on or clock.real_now().date()))


def _final(obj) -> bool:
    wf = obj.__workflow__
    return not any(obj.state in t.source for t in wf.transitions)


def _last_year(session: Session, object_type: str, object_id) -> int | None:
    at = session.scalar(select(func.max(AuditEntry.recorded_at)).where(
        AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id)))
    return at.year if at is not None else None


def _ended_in(session: Session, obj) -> int | None:
    """The year the matter of `obj` ended, or None while it goes on."""
    if isinstance(obj, (Offer, Report, Agreement)):
        agreement = obj if isinstance(obj, Agreement) else (
            obj.agreement if isinstance(obj, Report)
            else session.scalar(select(Agreement).where(Agreement.offer_id == obj.id)))
        if agreement is not None:
            settlement = session.scalar(select(Settlement).where(Settlement.agreement_id == agreement.id))
            if settlement is not None:
                obj = settlement
            elif agreement.state == "terminated" or not _final(agreement):
                obj = agreement
            else:
                return None  # closed without a settlement row: the settlement is still to come
    if isinstance(obj, Commission):
        obj = obj.contest  # its declarations, cards and protocol are the contest's documents
    if not _final(obj):
        return None
    year = _last_year(session, obj.__workflow__.object_type, obj.id)
    return year if year is not None else (obj.created_at.year if getattr(obj, "created_at", None) else None)


@dataclass(frozen=True)
class Kept:
    kind: str  # offer, agreement, report, settlement, commission, direction, initiative, small_grant, audit
    id: int | None
    label: str
    until: str | None  # ISO date, or None while the matter goes on

    def as_dict(self) -> dict:
        return asdict(self)


def kept_until(session: Session, ended_in: int | None) -> str | None:
    if ended_in is None:
        return None
    years = days(session, DOCUMENTS_YEARS, date(ended_in, 12, 31))
    return date(ended_in + years, 12, 31).isoformat()


def kept_documents(session: Session, user) -> list[Kept]:
    """The documents of public procedures that name or concern `user` and must be kept: the offers
    they created or their organisations submitted, with the agreements, reports and settlements that
    followed; commissions they sat on (declarations, score cards, protocol); their own proposals,
    art. 12 and art. 19a offers; and the audit trail of all these."""
    kept: list[Kept] = []

    def add(kind, obj, label):
        kept.append(Kept(kind, obj.id, label, kept_until(session, _ended_in(session, obj))))

    org_ids = select(Membership.organisation_id).where(Membership.user_id == user.id)
    offers = session.scalars(select(Offer).where(
        Offer.submitted_at.is_not(None),
        or_(Offer.created_by_id == user.id, Offer.organisation_id.in_(org_ids))).order_by(Offer.id)).all()
    for offer in offers:
        add("offer", offer, f"{offer.number or offer.id}: {offer.title}")
        agreement = session.scalar(select(Agreement).where(Agreement.offer_id == offer.id))
        if agreement is not None:
            add("agreement", agreement, f"{agreement.number}: {agreement.title}")
            for report in session.scalars(select(Report).where(Report.agreement_id == agreement.id)
                                          .order_by(Report.id)):
                add("report", report, f"{agreement.number} ({report.kind})")
            settlement = session.scalar(select(Settlement).where(Settlement.agreement_id == agreement.id))
            if settlement is not None:
                add("settlement", settlement, agreement.number)
    for commission in session.scalars(select(Commission).join(CommissionMember).where(
            CommissionMember.user_id == user.id).order_by(Commission.id)):
        add("commission", commission, commission.name or str(commission.id))
    for direction in session.scalars(select(Direction).where(Direction.author_id == user.id,
                                                             Direction.state != "draft").order_by(Direction.id)):
        add("direction", direction, direction.title)
    for initiative in session.scalars(select(Initiative).where(Initiative.author_id == user.id)
                                      .order_by(Initiative.id)):
        add("initiative", initiative, initiative.title)
    for grant in session.scalars(select(SmallGrant).where(SmallGrant.author_id == user.id).order_by(SmallGrant.id)):
        add("small_grant", grant, grant.title)
    if session.scalar(select(AuditEntry.id).where(AuditEntry.actor_id == user.id).limit(1)) is not None:
        # the audit trail is kept as long as the longest-kept document it concerns; without documents,
        # as the record of what the account did and of the request itself (art. 5(2) RODO), from now
        dates = [k.until for k in kept]
        until = (None if None in dates else max(dates)) if dates else kept_until(session, clock.real_now().year)
        kept.append(Kept("audit", None, "", until))
    return kept


def must_keep(session: Session, user) -> bool:
    """Whether anything of `user` must be kept (then an admin handles the deletion request)."""
    return any(k.kind != "audit" for k in kept_documents(session, user)) or bool(
        user.role_names & {"officer", "admin", "finance", "commission_member"})
