"""Who sits on the commission and who may vote (R-COM-NGO, R-COM-EXPERT, R-COM-MANDATORY): the
commission's checks over the areas it serves (offers, contests, call types), below the declaration
grants/workflows/commission.py. `participating_organisations` answers reviewers' question of who
takes part (registered by grants/commissions/submissions.py)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from grants.calltypes import get
from grants.contests.models import Contest
from grants.core.i18n import _
from grants.core.labels import REGISTRY as DICTIONARIES
from grants.offers.models import Offer, OfferPartner

# one dictionary for the pages, the protocol and the history (grants.core.labels)
WITHOUT_NGO = DICTIONARIES["commission_without_ngo"]


def participating_organisations(session, contest_id: int) -> set[int]:
    """Organisations that submitted an offer in the contest (lead or partner); in a call that takes
    other submissions (a concept call, which has no offers), the organisations that submitted those."""
    lead = set(session.scalars(select(Offer.organisation_id).where(Offer.contest_id == contest_id,
                                                                   Offer.state != "draft")))
    partners = set(session.scalars(select(OfferPartner.organisation_id).join(Offer, Offer.id == OfferPartner.offer_id)
                                   .where(Offer.contest_id == contest_id, Offer.state != "draft")))
    if not lead:  # no offers: perhaps a call that takes none (asked only then: no query more otherwise)
        contest = session.get(Contest, contest_id)
        if contest is not None and not get(contest.call_type).takes_offers:
            return get(contest.call_type).participating_organisations(session, contest)
    return lead | partners


def ngo_exclusion_reason(session, commission, member, participating: set[int] | None = None) -> str | None:
    """R-COM-NGO: a person nominated by an organisation taking part in the contest is excluded."""
    if member.kind != "ngo" or member.nominating_organisation_id is None:
        return None
    if participating is None:
        participating = participating_organisations(session, commission.contest_id)
    if member.nominating_organisation_id in participating:
        name = member.nominating_organisation.name if member.nominating_organisation else member.nominating_organisation_id
        return str(_("Wyłączony: organizacja wskazująca (%(org)s) złożyła ofertę w tym konkursie.", org=name))
    return None


def pending_exclusions(session, commission) -> dict[int, str]:
    """member id → reason, for NGO nominees not (yet) excluded whose organisation has since submitted an
    offer: a commission may be composed while offers come in, and the exclusion follows the facts."""
    if session is None:
        return {}
    participating = participating_organisations(session, commission.contest_id)
    out = {}
    for m in commission.members:
        if not m.excluded_reason:
            reason = ngo_exclusion_reason(session, commission, m, participating)
            if reason:
                out[m.id] = reason
    return out


def refresh_exclusions(session, commission) -> dict[int, str]:
    """Writes the pending R-COM-NGO exclusions (at the opening of declarations); returns them."""
    pending = pending_exclusions(session, commission)
    for m in commission.members:
        if m.id in pending:
            m.excluded_reason = pending[m.id]
    return pending


def composition_problems(commission, without_ngo_reason: str | None, session=None) -> list[tuple[str, object]]:
    """Judged on the facts now: a nominee whose organisation has submitted an offer since being added
    counts as excluded (refresh_exclusions writes it when declarations open)."""
    pending = pending_exclusions(session or object_session(commission), commission)

    def excluded(m):
        return bool(m.excluded_reason) or m.id in pending

    def active(m):
        return not excluded(m) and not m.declined

    def voting(m):
        return active(m) and m.kind in ("city", "ngo")

    out: list[tuple[str, object]] = []
    members = commission.members
    chairs = [m for m in members if m.is_chair]
    voters = [m for m in members if voting(m)]
    if len(chairs) != 1:
        out.append(("R-COM-MANDATORY", _("Komisja musi mieć dokładnie jednego przewodniczącego.")))
    elif not voting(chairs[0]):
        out.append(("R-COM-MANDATORY", _("Przewodniczący musi mieć głos stanowiący (nie ekspert, nie wyłączony).")))
    if len(voters) < 2:
        out.append(("R-COM-MANDATORY", _("Komisja potrzebuje co najmniej dwóch członków z głosem stanowiącym.")))
    ngo = [m for m in members if m.kind == "ngo"]
    active_ngo = [m for m in ngo if active(m)]
    reason = without_ngo_reason or commission.without_ngo_reason
    if active_ngo and without_ngo_reason:
        out.append(("R-COM-NGO", _("W komisji zasiadają osoby wskazane przez organizacje: nie podaje się powodu "
                                   "pracy bez nich.")))
    elif not active_ngo:
        if reason is None:
            out.append(("R-COM-NGO", _("Brak członków wskazanych przez organizacje: podaj, który przypadek z art. 15 "
                                       "ust. 2d UDPP zachodzi (nikt nie został wskazany, wskazani nie wezmą udziału, "
                                       "wszyscy podlegają wyłączeniu).")))
        elif reason == "all_excluded" and not (ngo and all(excluded(m) for m in ngo)):
            out.append(("R-COM-NGO", _("Nie wszyscy członkowie wskazani przez organizacje zostali wyłączeni.")))
        elif reason == "none_nominated" and ngo:
            out.append(("R-COM-NGO", _("Organizacje wskazały kandydatów: nie można uznać, że nikogo nie wskazano.")))
    return out
