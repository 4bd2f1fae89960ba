"""The protocol (R-REVIEW): members, declarations, exclusions, cards with justifications, the
ranking and the proposed amounts, frozen with a SHA-256 when the chair approves it."""
from __future__ import annotations

import hashlib

from grants.core import canonical

from .declarations import declarations_of, excluded_pairs
from .scoring import cards_of, offers_to_score, ranking


def build(session, commission) -> dict:
    offers = offers_to_score(session, commission)
    by_id = {o.id: o for o in offers}
    members = {m.id: m for m in commission.members}
    extra = {}
    from grants.calltypes import get
    ct = get(commission.contest.call_type)
    if not ct.takes_offers:  # e.g. a concept call: its concept cards and ranking
        extra = ct.protocol_part(session, commission)
    return canonical.jsonable({
        **extra,
        "contest": {"id": commission.contest_id, "title": commission.contest.title,
                    "budget": commission.contest.budget, "threshold": commission.contest.pass_threshold,
                    "criteria": commission.contest.criteria},
        "members": [{"id": m.id, "name": m.user.display_name if m.user else "", "kind": m.kind,
                     "chair": m.is_chair, "voting": m.voting,
                     "nominated_by": m.nominating_organisation.name if m.nominating_organisation else None,
                     "excluded": m.excluded_reason, "declined": m.declined} for m in commission.members],
        "without_ngo_reason": commission.without_ngo_reason,
        "declarations": [{"member": members[d.member_id].user.display_name if members.get(d.member_id) else d.member_id,
                          "organisation_id": d.organisation_id, "conflict": d.conflict, "grounds": d.grounds,
                          "note": d.note, "declared_at": d.declared_at}
                         for d in sorted(declarations_of(session, commission), key=lambda d: (d.member_id, d.organisation_id))],
        "exclusions": sorted([list(p) for p in excluded_pairs(session, commission, offers)]),
        "cards": [{"member_id": c.member_id, "offer_id": c.offer_id, "state": c.state, "scores": c.scores,
                   "justifications": c.justifications, "submitted_at": c.submitted_at}
                  for c in sorted(cards_of(session, commission), key=lambda c: (c.offer_id, c.member_id))],
        "close_reason": commission.close_reason,
        "ranking": [{"rank": r.rank, "offer_id": r.offer_id, "number": by_id[r.offer_id].number,
                     "organisation": by_id[r.offer_id].organisation.name, "score": str(r.score_display),
                     "score_exact": f"{r.score.numerator}/{r.score.denominator}", "passed": r.passed,
                     "advisory": None if r.advisory is None else f"{r.advisory.numerator}/{r.advisory.denominator}",
                     "requested": by_id[r.offer_id].requested_grant, "proposed": by_id[r.offer_id].proposed_grant}
                    for r in ranking(session, commission)],
    })


def freeze(session, commission, now) -> None:
    commission.protocol = build(session, commission)
    commission.protocol_hash = hashlib.sha256(canonical.dumps(commission.protocol).encode()).hexdigest()
    commission.approved_at = now
