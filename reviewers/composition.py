"""Who sits on the commission and who may vote (R-COM-NGO, R-COM-EXPERT, R-COM-MANDATORY)."""
from __future__ import annotations

from sqlalchemy import select

from grants.core.i18n import _

WITHOUT_NGO = {
    "none_nominated": _("organizacje nie wskazały kandydatów"),
    "none_take_part": _("wskazane osoby nie wezmą udziału"),
    "all_excluded": _("wszystkie wskazane osoby podlegają wyłączeniu"),
}


def participating_organisations(session, contest_id: int) -> set[int]:
    """Organisations that submitted an offer in the contest (lead or partner)."""
    from grants.offers.models import Offer, OfferPartner
    lead = set(session.scalars(select(Offer.organisation_id).where(Offer.contest_id == contest_id,
                                                                   Offer.state != "draft")))
    partners = set(session.scalars(select(OfferPartner.organisation_id).join(Offer, Offer.id == OfferPartner.offer_id)
                                   .where(Offer.contest_id == contest_id, Offer.state != "draft")))
    return lead | partners


def ngo_exclusion_reason(session, commission, member) -> str | None:
    """R-COM-NGO: a person nominated by an organisation taking part in the contest is excluded."""
    if member.kind != "ngo" or member.nominating_organisation_id is None:
        return None
    if member.nominating_organisation_id in participating_organisations(session, commission.contest_id):
        name = member.nominating_organisation.name if member.nominating_organisation else member.nominating_organisation_id
        return str(_("Wyłączony (R-COM-NGO): organizacja wskazująca (%(org)s) złożyła ofertę w tym konkursie.", org=name))
    return None


def composition_problems(commission, without_ngo_reason: str | None) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    members = commission.members
    chairs = [m for m in members if m.is_chair]
    voting = [m for m in members if m.voting]
    if len(chairs) != 1:
        out.append(("R-COM-MANDATORY", _("Komisja musi mieć dokładnie jednego przewodniczącego.")))
    elif not chairs[0].voting:
        out.append(("R-COM-MANDATORY", _("Przewodniczący musi mieć głos stanowiący (nie ekspert, nie wyłączony).")))
    if len(voting) < 2:
        out.append(("R-COM-MANDATORY", _("Komisja potrzebuje co najmniej dwóch członków z głosem stanowiącym.")))
    ngo = [m for m in members if m.kind == "ngo"]
    active_ngo = [m for m in ngo if m.active]
    reason = without_ngo_reason or commission.without_ngo_reason
    if not active_ngo:
        if reason is None:
            out.append(("R-COM-NGO", _("Brak członków wskazanych przez organizacje: podaj, który przypadek z art. 15 "
                                       "ust. 2d UDPP zachodzi (nikt nie został wskazany, wskazani nie wezmą udziału, "
                                       "wszyscy podlegają wyłączeniu).")))
        elif reason == "all_excluded" and not (ngo and all(m.excluded_reason for m in ngo)):
            out.append(("R-COM-NGO", _("Nie wszyscy członkowie wskazani przez organizacje zostali wyłączeni.")))
        elif reason == "none_nominated" and ngo:
            out.append(("R-COM-NGO", _("Organizacje wskazały kandydatów: nie można uznać, że nikogo nie wskazano.")))
    return out
