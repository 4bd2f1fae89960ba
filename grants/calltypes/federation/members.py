"""Member organisations of a federation-building offer (S2): the only place that changes them.

The applicant names member organisations from the registry while the offer is editable. Each member
organisation confirms (or declines, or withdraws its confirmation) from its own account: a member of
THAT organisation acts, never the applicant nor another member for it. Unconfirmed members do not
count (calltype.FederationBuilding.member_problems). Every change is audited on the offer.

Versions: the applicant's changes are edits of the offer (its version moves, like any section
saved); a member's answer is not the applicant's edit and leaves the offer's version alone (the
applicant's open form does not go stale because a member answered). It still locks the offer's row,
so an answer and a submission never interleave.
A row with `confirmed_at` set is confirmed; with `confirmed_at` empty and `confirmed_by_id` set it
was declined by that user; with both empty it awaits an answer."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, joinedload

from grants.core.errors import FieldErrors
from grants.core import clock
from grants.core.i18n import _
from grants.core.permissions import APPLICANT, PermissionDenied, has_role
from grants.offers import operations as oops
from grants.offers.models import Offer
from grants.registry.models import Organisation
from grants.workflows.base import record_change
from grants.workflows.errors import NotEditable

from .models import OfferMember

CODE = "federation_building"
PENDING, CONFIRMED, DECLINED = "pending", "confirmed", "declined"
STATUS_LABELS = {PENDING: _("czeka na potwierdzenie"), CONFIRMED: _("potwierdzone"), DECLINED: _("odmowa")}


class MemberError(FieldErrors):
    """Bad input: a clear reason per field (422 in the API, shown next to the form on a page)."""


class NoSuchMember(LookupError):
    """The organisation is not named on this offer (404)."""


def status(m: OfferMember) -> str:
    if m.confirmed_at is not None:
        return CONFIRMED
    return DECLINED if m.confirmed_by_id is not None else PENDING


def is_federation(offer: Offer) -> bool:
    return offer.contest.call_type == CODE


def members_of(session: Session, offer: Offer) -> list[OfferMember]:
    return list(session.scalars(select(OfferMember).where(OfferMember.offer_id == offer.id)
                                .options(joinedload(OfferMember.organisation)).order_by(OfferMember.id)))


def find(session: Session, offer: Offer, organisation_id: int) -> OfferMember:
    m = session.scalar(select(OfferMember).where(OfferMember.offer_id == offer.id,
                                                 OfferMember.organisation_id == organisation_id))
    if m is None:
        raise NoSuchMember(organisation_id)
    return m


def _federation_only(offer: Offer) -> None:
    if not is_federation(offer):
        raise NotEditable(_("Organizacje członkowskie wskazuje się tylko w naborze na budowanie federacji."))


def _lock(session: Session, offer: Offer) -> Offer:
    """The offer as this session holds it, re-read under a row lock on PostgreSQL (SQLite runs one
    writer at a time): a member's answer is serialised with the applicant's edits and with the
    submission, and the offer's version does not move."""
    pk = inspect(offer).identity[0]
    if session.bind.dialect.name == "postgresql":
        locked = session.scalar(select(Offer).where(Offer.id == pk).with_for_update()
                                .execution_options(populate_existing=True))
    else:
        locked = session.get(Offer, pk)
    if locked is None:
        raise NotEditable(_("Tej oferty już nie ma."))
    return locked


# ---------------------------------------------------------------- the applicant

def add(session: Session, actor, offer: Offer, organisation_id, expected_version: int | None = None) -> OfferMember:
    """The applicant names a member organisation from the registry (not itself, not twice)."""
    _federation_only(offer)
    oops.check_editable(actor, offer, expected_version)
    try:
        org_id = int(organisation_id)
    except (TypeError, ValueError):
        raise MemberError([{"field": "organisation_id", "message": str(_("Wybierz organizację z rejestru."))}]) from None
    if org_id == offer.organisation_id:
        raise MemberError([{"field": "organisation_id", "message": str(
            _("Oferent nie może być swoim własnym członkiem: wskaż inne organizacje z rejestru."))}])
    org = session.get(Organisation, org_id) if 0 < org_id < 2**31 else None
    if org is None:
        raise MemberError([{"field": "organisation_id", "message": str(
            _("Nie ma w rejestrze organizacji o id %(id)s.", id=org_id))}])
    if session.scalar(select(OfferMember.id).where(OfferMember.offer_id == offer.id,
                                                   OfferMember.organisation_id == org_id)) is not None:
        raise MemberError([{"field": "organisation_id", "message": str(
            _("Organizacja %(name)s jest już na liście członków.", name=org.name))}])
    m = OfferMember(offer_id=offer.id, organisation_id=org_id, added_at=clock.now())
    session.add(m)
    offer.updated_at = clock.now()  # the applicant's edit: the offer's version moves
    session.flush()
    record_change(session, offer, "member_add", actor, {"organisation_id": org_id, "name": org.name})
    return m


def remove(session: Session, actor, offer: Offer, organisation_id: int, expected_version: int | None = None) -> None:
    _federation_only(offer)
    oops.check_editable(actor, offer, expected_version)
    m = find(session, offer, organisation_id)
    was = status(m)
    session.delete(m)
    offer.updated_at = clock.now()
    session.flush()
    record_change(session, offer, "member_remove", actor, {"organisation_id": organisation_id, "status": was})


# ---------------------------------------------------------------- the member organisation

def check_answer(actor, organisation_id: int) -> None:
    """Only a member of THAT organisation answers for it, from their own account."""
    if not has_role(actor, APPLICANT) or organisation_id not in getattr(actor, "organisation_ids", frozenset()):
        raise PermissionDenied(_("Członkostwo potwierdza członek tej organizacji ze swojego konta. Nie możesz "
                                 "potwierdzić ani odmówić w imieniu innej organizacji."))


def check_open(offer: Offer) -> None:
    if offer.state not in oops.EDITABLE_STATES:
        raise NotEditable(_("Oferta została już złożona: członkostwa nie można teraz potwierdzić ani wycofać."))


def confirm(session: Session, actor, offer: Offer, organisation_id: int) -> OfferMember:
    return _answer(session, actor, offer, organisation_id, True)


def decline(session: Session, actor, offer: Offer, organisation_id: int) -> OfferMember:
    """Declines, or withdraws an earlier confirmation (the member no longer counts)."""
    return _answer(session, actor, offer, organisation_id, False)


def _answer(session: Session, actor, offer: Offer, organisation_id: int, yes: bool) -> OfferMember:
    _federation_only(offer)
    check_answer(actor, organisation_id)
    offer = _lock(session, offer)
    m = find(session, offer, organisation_id)
    check_open(offer)
    before = status(m)
    after = CONFIRMED if yes else DECLINED
    if before == after:
        return m  # answered already: nothing changes, nothing is audited twice
    now = clock.now()
    m.confirmed_at = now if yes else None
    m.confirmed_by_id = actor.id
    session.flush()
    record_change(session, offer, "member_confirm" if yes else "member_decline", actor,
                  {"organisation_id": organisation_id, "status": [before, after]})
    return m


# ---------------------------------------------------------------- what a member may see

@dataclass
class Access:
    offer: Offer
    full: bool  # the offer itself is visible to the caller (the applicant, a partner, the officer)
    own: list[OfferMember]  # membership rows of the caller's organisations


def access(session: Session, user, offer_id: int) -> Access | None:
    """None when the caller may not see the offer at all. A named member organisation sees the offer's
    title, applicant and contest and its own membership rows, never the rest of a draft."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    offer = session.scalar(oops.visible(select(Offer).where(Offer.id == offer_id), user))
    full = offer is not None
    orgs = list(getattr(user, "organisation_ids", ()))
    own: list[OfferMember] = []
    if orgs:
        own = list(session.scalars(select(OfferMember).where(OfferMember.offer_id == offer_id,
                                                             OfferMember.organisation_id.in_(orgs))
                                   .options(joinedload(OfferMember.organisation)).order_by(OfferMember.id)))
    if offer is None and own:
        offer = session.get(Offer, offer_id)
    if offer is None or not is_federation(offer):
        return None
    return Access(offer=offer, full=full, own=own)


def awaiting(session: Session, user) -> list[OfferMember]:
    """Membership rows of the user's organisations on offers still open for an answer, those not
    answered first (the home section "Potwierdź członkostwo")."""
    orgs = list(getattr(user, "organisation_ids", ()))
    if not orgs:
        return []
    rows = session.scalars(select(OfferMember).join(Offer, Offer.id == OfferMember.offer_id)
                           .where(OfferMember.organisation_id.in_(orgs), OfferMember.confirmed_at.is_(None),
                                  Offer.state.in_(oops.EDITABLE_STATES))
                           .options(joinedload(OfferMember.organisation),
                                    joinedload(OfferMember.offer).joinedload(Offer.organisation),
                                    joinedload(OfferMember.offer).joinedload(Offer.contest))
                           .order_by(OfferMember.id)).all()
    return sorted(rows, key=lambda m: (status(m) != PENDING, m.id))
