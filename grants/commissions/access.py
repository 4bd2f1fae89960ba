"""What a caller may see of a commission's scores (R-COM-IMPARTIAL, blind scoring).

Who sees the commission at all is `reviewers.operations.visible` (officers of the contest's
department, admins, and the members who sit on it); everything here is about the scores inside:
- while scoring is open (and before), it is blind: a member sees only their own cards, officers see none;
- once scoring is closed, officers of the contest see every card, members every card except those
  of the offers they are excluded from (a declared conflict with the lead or a partner);
- a member excluded from the whole commission (R-COM-NGO: nominated by an organisation taking part)
  or who declined is excluded from every offer: they never see a score.
"""
from __future__ import annotations

from grants.core.permissions import ADMIN, OFFICER, has_role
from grants.workflows.commission import officer_of_contest
from reviewers.declarations import excluded_pairs
from reviewers.scoring import cards_of, offers_to_score

SCORES_OPEN = ("closed", "approved")


def is_staff(user, commission) -> bool:
    return has_role(user, OFFICER, ADMIN) and officer_of_contest(commission, user)


def scores_closed(commission) -> bool:
    return commission.state in SCORES_OPEN


def hidden_offers(session, commission, user) -> set[int]:
    """Offers whose scores this caller, as a member, must never see (R-COM-IMPARTIAL)."""
    member = commission.member_for(user)
    if member is None:
        return set()
    offers = offers_to_score(session, commission)
    if not member.active:
        return {o.id for o in offers}
    return {oid for mid, oid in excluded_pairs(session, commission, offers) if mid == member.id}


def visible_cards(session, commission, user):
    """The score cards this caller may read (see the module's docstring)."""
    member = commission.member_for(user)
    if member is None and not is_staff(user, commission):
        return []
    cards = cards_of(session, commission)
    if member is None:  # an officer of the contest who does not sit on the commission
        return cards if scores_closed(commission) else []
    if not scores_closed(commission):
        return [c for c in cards if c.member_id == member.id]
    hidden = hidden_offers(session, commission, user)
    return [c for c in cards if c.offer_id not in hidden]


def may_see_declarations_of_others(user, commission) -> bool:
    """Officers of the contest see every member's declarations; members see their own until scoring
    closes (the protocol then lists them all)."""
    return is_staff(user, commission) or scores_closed(commission)


def redact_protocol(doc: dict, hidden: set, closed: bool, own_member_id: int | None,
                    keep_declaration=None) -> dict:
    """The protocol document as this caller may read it: before scoring closes only their own cards and
    no ranking (blind scoring); the scores and cards of hidden offers left out (R-COM-IMPARTIAL);
    `keep_declaration(index)` filters the declarations (None keeps them all)."""
    hidden = {str(h) for h in hidden}
    doc = dict(doc)
    if not closed:
        doc["cards"] = [x for x in doc.get("cards", []) if own_member_id is not None and x["member_id"] == own_member_id]
        doc["ranking"] = []
    if keep_declaration is not None:
        doc["declarations"] = [d for i, d in enumerate(doc.get("declarations", [])) if keep_declaration(i)]
    if hidden:
        doc["cards"] = [x for x in doc.get("cards", []) if str(x["offer_id"]) not in hidden]
        doc["ranking"] = redact_ranking(doc.get("ranking", []), hidden)
    return doc


def redact_ranking(rows: list[dict], hidden) -> list[dict]:
    """A ranking without what would tell an excluded member the hidden offers' scores: their score,
    advisory score and pass mark blanked, the hidden rows moved to the end, and every rank number
    left out (a gap in the numbering, or a position between two scores, would give the score away)."""
    hidden = {str(h) for h in hidden}
    if not hidden:
        return rows
    shown = [{**r, "rank": None} for r in rows if str(r["offer_id"]) not in hidden]
    blank = [{**r, "rank": None, "score": None, "score_exact": None, "advisory": None, "passed": None}
             for r in rows if str(r["offer_id"]) in hidden]
    return shown + blank
