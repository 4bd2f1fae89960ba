"""What a caller may see of a commission's scores (R-COM-IMPARTIAL, blind scoring)."""
from __future__ import annotations

from grants.core.permissions import ADMIN, OFFICER, has_role
from grants.workflows.commission import officer_of_contest
from reviewers.declarations import excluded_pairs
from reviewers.scoring import cards_of, offers_to_score


def is_staff(user, commission) -> bool:
    return has_role(user, OFFICER, ADMIN) and officer_of_contest(commission, user)


def visible_cards(session, commission, user):
    """Blind while scoring: a member sees only their own cards. After closing: everything except the
    offers a member is excluded from. Officers of the contest see all cards once scoring is closed."""
    cards = cards_of(session, commission)
    member = commission.member_for(user)
    closed = commission.state in ("closed", "approved")
    if is_staff(user, commission) and member is None:
        return cards if closed else []
    if member is None:
        return []
    if not closed:
        return [c for c in cards if c.member_id == member.id]
    excluded = {oid for mid, oid in excluded_pairs(session, commission, offers_to_score(session, commission))
                if mid == member.id}
    return [c for c in cards if c.offer_id not in excluded]


def hidden_offers(session, commission, user) -> set[int]:
    """Offers whose scores this caller must never see (declared conflict)."""
    member = commission.member_for(user)
    if member is None:
        return set()
    return {oid for mid, oid in excluded_pairs(session, commission, offers_to_score(session, commission))
            if mid == member.id}
