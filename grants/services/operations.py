"""The only place that changes mutual-service listings and exchanges between organisations (S12)."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from grants.core import clock
from grants.core.errors import FieldErrors
from grants.core.i18n import _
from grants.notifications import facts
from grants.notifications.audiences import members_of
from grants.notifications.operations import notify
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, PermissionDenied, has_role, is_staff
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.registry.models import Organisation
from grants.workflows.base import record_change
from grants.workflows.services import EXCHANGE, LISTING

from .models import CATEGORIES, LISTING_KINDS, ServiceExchange, ServiceListing


class ServiceError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def _refuse(field: str, message) -> ServiceError:
    return ServiceError([{"field": field, "message": str(message)}])


def visible_listings(q, user):
    """The public sees published listings; the organisation and staff see its paused and closed ones."""
    conds = [ServiceListing.state == "published"]
    orgs = list(getattr(user, "organisation_ids", ()) or ())
    if orgs:
        conds.append(ServiceListing.organisation_id.in_(orgs))
    if is_staff(user):
        return q
    return q.where(or_(*conds))


def may_see_contacts(listing: ServiceListing, user) -> bool:
    """Only organisations' members (and staff) see the contact details; the public sees the listing."""
    return user is not None and (bool(getattr(user, "organisation_ids", ())) or is_staff(user))


def visible_exchanges(q, user):
    """The two organisations' members and staff."""
    if user is None:
        return q.where(False)
    if is_staff(user):
        return q
    orgs = list(getattr(user, "organisation_ids", ()) or ())
    if not orgs:
        return q.where(False)
    return q.where(or_(ServiceExchange.responder_org_id.in_(orgs),
                       ServiceExchange.listing_id.in_(select(ServiceListing.id)
                                                      .where(ServiceListing.organisation_id.in_(orgs)))))


def publish(session: Session, actor, organisation_id: int, values: dict) -> ServiceListing:
    if not has_role(actor, APPLICANT) or organisation_id not in actor.organisation_ids:
        raise PermissionDenied(_("Ogłoszenie publikuje członek organizacji, w której imieniu działa."))
    errors = []
    title = (values.get("title") or "").strip()
    if not title:
        errors.append({"field": "title", "message": str(_("Podaj tytuł ogłoszenia."))})
    for name, allowed, message in (("kind", LISTING_KINDS, _("Wybierz: oferuję albo potrzebuję.")),
                                   ("category", CATEGORIES, _("Wybierz rodzaj usługi."))):
        if values.get(name) not in allowed:
            errors.append({"field": name, "message": str(message)})
    for name, allowed, message in (("field", FIELDS, _("Nieznana sfera pożytku publicznego.")),
                                   ("district", DISTRICTS, _("Nieznana dzielnica."))):
        if values.get(name) and values[name] not in allowed:
            errors.append({"field": name, "message": str(message)})
    email = (values.get("contact_email") or "").strip()
    if email and "@" not in email:
        errors.append({"field": "contact_email", "message": str(_("Podaj poprawny adres e-mail."))})
    if errors:
        raise ServiceError(errors)
    obj = ServiceListing(organisation_id=organisation_id, author_id=actor.id, kind=values["kind"],
                         category=values["category"], title=title[:255],
                         description=(values.get("description") or "").strip()[:20000],
                         field=values.get("field") or None, district=values.get("district") or None,
                         contact_name=(values.get("contact_name") or actor.full_name or "")[:255],
                         contact_email=(email or actor.email)[:255],
                         contact_phone=(values.get("contact_phone") or "").strip()[:40],
                         created_at=clock.now(), state=LISTING.initial, version=1)
    session.add(obj)
    session.flush()
    record_change(session, obj, "publish", actor, {"title": obj.title, "kind": obj.kind})
    return obj


def _exchange(session, listing: ServiceListing, responder_org_id: int, actor, message: str, state: str,
              suggested_by=None) -> ServiceExchange:
    if listing.state != "published":
        raise _refuse("listing_id", _("To ogłoszenie nie przyjmuje odpowiedzi."))
    if responder_org_id == listing.organisation_id:
        raise _refuse("organisation_id", _("Organizacja nie może odpowiedzieć na własne ogłoszenie."))
    if session.get(Organisation, responder_org_id) is None:
        raise _refuse("organisation_id", _("Nie ma takiej organizacji."))
    open_one = session.scalar(select(ServiceExchange.id).where(
        ServiceExchange.listing_id == listing.id, ServiceExchange.responder_org_id == responder_org_id,
        ServiceExchange.state.in_(("suggested", "proposed", "agreed"))))
    if open_one is not None:
        raise _refuse("organisation_id", _("Ta organizacja ma już otwartą wymianę w ramach tego ogłoszenia."))
    obj = ServiceExchange(listing_id=listing.id, responder_org_id=responder_org_id, author_id=actor.id,
                          suggested_by_id=suggested_by, message=(message or "").strip()[:4000],
                          created_at=clock.now(), state=state, version=1)
    session.add(obj)
    session.flush()
    record_change(session, obj, "suggest" if suggested_by else "answer", actor,
                  {"listing_id": listing.id, "responder_org_id": responder_org_id})
    return obj


def answer(session: Session, actor, listing: ServiceListing, organisation_id: int, message: str) -> ServiceExchange:
    """Another organisation answers a listing: an exchange the listing's organisation confirms."""
    if not has_role(actor, APPLICANT) or organisation_id not in actor.organisation_ids:
        raise PermissionDenied(_("Odpowiada członek organizacji, w której imieniu działa."))
    if len((message or "").strip()) < 10:
        raise _refuse("message", _("Napisz, co proponujesz (co najmniej 10 znaków)."))
    obj = _exchange(session, listing, organisation_id, actor, message, EXCHANGE.initial)
    _tell(session, obj, "service_answered", [listing.organisation_id], actor)
    return obj


def suggest(session: Session, actor, listing: ServiceListing, organisation_id: int, note: str = "") -> ServiceExchange:
    """A broker (an officer of the NGO-cooperation department) suggests a match; the suggested
    organisation accepts it, the listing's one confirms."""
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied(_("Wymiany proponuje urzędnik ds. współpracy z organizacjami."))
    obj = _exchange(session, listing, organisation_id, actor, note, "suggested", suggested_by=actor.id)
    _tell(session, obj, "service_suggested", [listing.organisation_id, organisation_id], actor)
    return obj


def _tell(session, obj, kind: str, org_ids, actor) -> None:
    session.flush()
    notify(session, members_of(session, org_ids), kind, facts.facts(obj), "service_exchange", str(obj.id),
           exclude=actor.id)


def counts(session: Session) -> dict[str, int]:
    """For the dashboards: listings published, exchanges agreed and completed, the average rating."""
    by_state = dict(session.execute(select(ServiceExchange.state, func.count()).group_by(ServiceExchange.state)).all())
    ratings = session.execute(select(func.avg(ServiceExchange.owner_rating), func.avg(ServiceExchange.responder_rating))).one()
    given = [r for r in ratings if r is not None]
    return {"listings": session.scalar(select(func.count()).select_from(ServiceListing)
                                       .where(ServiceListing.state == "published")) or 0,
            "agreed": by_state.get("agreed", 0), "completed": by_state.get("completed", 0),
            "rating": round(sum(float(r) for r in given) / len(given), 1) if given else None}
