"""The only place that changes partnership offers and business interest in them (S10)."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from grants.core import clock
from grants.core.errors import FieldErrors, text_field
from grants.core.i18n import _
from grants.core.permissions import APPLICANT, PARTICIPANT, PermissionDenied, has_role, is_staff
from grants.notifications import facts
from grants.notifications.audiences import members_of
from grants.notifications.operations import notify
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.workflows.base import record_change
from grants.workflows.partnerships import INTEREST, OFFER

from .models import AUDIENCES, CONNECTED, OFFER_KINDS, SEEKS, PartnershipInterest, PartnershipOffer


class PartnershipError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def is_business(user) -> bool:
    return has_role(user, PARTICIPANT) and getattr(user, "stakeholder_type", None) == "business"


def visible_offers(q, user):
    """The catalogue (published offers) is public; the organisation and staff see every state."""
    if is_staff(user):
        return q
    orgs = list(getattr(user, "organisation_ids", ()) or ())
    conds = [PartnershipOffer.state == "published"]
    if orgs:
        conds.append(PartnershipOffer.organisation_id.in_(orgs))
    return q.where(or_(*conds))


def visible_interests(q, user):
    """The business participant who wrote it, the offering organisation's members, staff."""
    if user is None:
        return q.where(False)
    if is_staff(user):
        return q
    conds = [PartnershipInterest.author_id == user.id]
    orgs = list(getattr(user, "organisation_ids", ()) or ())
    if orgs:
        conds.append(PartnershipInterest.offer_id.in_(select(PartnershipOffer.id)
                                                      .where(PartnershipOffer.organisation_id.in_(orgs))))
    return q.where(or_(*conds))


def catalogue(q, args):
    """The catalogue's filters: kind of offer, audience, field, district (unknown values ignored)."""
    for name, allowed, column in (("field", FIELDS, PartnershipOffer.field),
                                  ("district", DISTRICTS, PartnershipOffer.district)):
        if args.get(name) in allowed:
            q = q.where(column == args[name])
    return q


def matches(o: PartnershipOffer, args) -> bool:
    """The JSON-list filters, applied in Python (the lists are short): kind and audience."""
    return ((args.get("kind") not in OFFER_KINDS or args["kind"] in (o.kinds or []))
            and (args.get("audience") not in AUDIENCES or args["audience"] in (o.audiences or [])))


def _choices(values: dict, name: str, allowed: dict, errors: list, message, required: bool = False) -> list:
    chosen = values.get(name) or []
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    if any(c not in allowed for c in chosen) or (required and not chosen):
        errors.append({"field": name, "message": str(message)})
    return [c for c in chosen if c in allowed]


def create_offer(session: Session, actor, organisation_id: int, values: dict) -> PartnershipOffer:
    if not has_role(actor, APPLICANT) or organisation_id not in actor.organisation_ids:
        raise PermissionDenied(_("Ofertę partnerstwa przygotowuje członek organizacji."))
    errors: list = []
    title = (values.get("title") or "").strip()
    if not title:
        errors.append({"field": "title", "message": str(_("Podaj tytuł oferty."))})
    kinds = _choices(values, "kinds", OFFER_KINDS, errors, _("Wybierz, co organizacja oferuje."), required=True)
    audiences = _choices(values, "audiences", AUDIENCES, errors, _("Wybierz, do kogo skierowana jest oferta."),
                         required=True)
    seeks = _choices(values, "seeks", SEEKS, errors, _("Nieznany rodzaj wsparcia."))
    for name, allowed, message in (("field", FIELDS, _("Nieznana sfera pożytku publicznego.")),
                                   ("district", DISTRICTS, _("Nieznana dzielnica."))):
        if values.get(name) and values[name] not in allowed:
            errors.append({"field": name, "message": str(message)})
    if errors:
        raise PartnershipError(errors)
    obj = PartnershipOffer(organisation_id=organisation_id, author_id=actor.id, title=title[:255],
                           description=(values.get("description") or "").strip()[:20000], kinds=kinds,
                           audiences=audiences, seeks=seeks, seeks_note=(values.get("seeks_note") or "").strip()[:4000],
                           field=values.get("field") or None, district=values.get("district") or None,
                           contact_email=(values.get("contact_email") or actor.email or "").strip()[:255],
                           contact_phone=(values.get("contact_phone") or "").strip()[:40],
                           created_at=clock.now(), state=OFFER.initial, version=1)
    session.add(obj)
    session.flush()
    record_change(session, obj, "create", actor, {"title": obj.title, "organisation_id": organisation_id})
    return obj


def express_interest(session: Session, actor, offer: PartnershipOffer, values: dict) -> PartnershipInterest:
    """A business participant writes to the organisation; their contact details stay hidden from it
    until both consent (and the organisation's from them)."""
    if not is_business(actor):
        raise PermissionDenied(_("Zainteresowanie ofertą zgłasza uczestnik reprezentujący firmę."))
    if offer.state != "published":
        raise PartnershipError([{"field": "offer_id", "message": str(_("Ta oferta nie jest opublikowana."))}])
    errors = []
    company = text_field(values, "company", errors, _("Podaj nazwę firmy."))
    message = text_field(values, "message", errors, _("Napisz, czym firma jest zainteresowana (co najmniej 10 znaków)."), 10)
    if errors:
        raise PartnershipError(errors)
    obj = PartnershipInterest(offer_id=offer.id, author_id=actor.id, company=company[:255], message=message[:4000],
                              contact_email=(values.get("contact_email") or actor.email or "").strip()[:255],
                              contact_phone=(values.get("contact_phone") or "").strip()[:40],
                              created_at=clock.now(), state=INTEREST.initial, version=1)
    session.add(obj)
    session.flush()
    record_change(session, obj, "express_interest", actor, {"offer_id": offer.id, "company": obj.company})
    notify(session, members_of(session, [offer.organisation_id]), "partnership_interest", facts.facts(obj),
           "partnership_interest", str(obj.id), exclude=actor.id)
    return obj


def contacts(obj: PartnershipInterest, user) -> dict | None:
    """The other side's contact details, once both consented (and only for the two sides)."""
    if user is None or obj.state not in CONNECTED:
        return None
    if obj.author_id == user.id:
        o = obj.offer
        return {"name": o.organisation.name, "email": o.contact_email or o.organisation.email or "",
                "phone": o.contact_phone}
    if obj.offer.organisation_id in getattr(user, "organisation_ids", ()):
        return {"name": obj.company, "email": obj.contact_email, "phone": obj.contact_phone}
    return None


def counts(session: Session) -> dict[str, int]:
    """For the dashboards: offers in the catalogue, interest expressed, contacts exchanged, partnerships started."""
    by_state = dict(session.execute(select(PartnershipInterest.state, func.count())
                                    .group_by(PartnershipInterest.state)).all())
    return {"offers": session.scalar(select(func.count()).select_from(PartnershipOffer)
                                     .where(PartnershipOffer.state == "published")) or 0,
            "interests": sum(by_state.values()), "connected": by_state.get("connected", 0),
            "started": by_state.get("started", 0)}
