"""The protocol (R-REVIEW): members, declarations, exclusions, cards with justifications, the
ranking and the proposed amounts, frozen with a SHA-256 when the chair approves it."""
from __future__ import annotations

import hashlib

from grants.calltypes import get
from grants.core import canonical
from reviewers.declarations import declarations_of
from reviewers.scoring import Board


def _exact(x) -> str | None:
    return None if x is None else f"{x.numerator}/{x.denominator}"


def scored_part(scored, extra=None) -> dict:
    """One kind of submission's part of the protocol (reviewers.scoring.Scored): the exclusions, every
    card with its justifications and the ranking with exact scores; `extra(submission, ranked)` adds
    the kind's own columns to a ranking row."""
    key, by_id = scored.kind.key, scored.by_id
    return {
        "exclusions": sorted([list(p) for p in scored.excluded]),
        "cards": [{"member_id": c.member_id, key: scored.kind.card_subject(c), "state": c.state, "scores": c.scores,
                   "justifications": c.justifications, "submitted_at": c.submitted_at} for c in scored.cards],
        "ranking": [{"rank": r.rank, key: r.offer_id, "number": by_id[r.offer_id].number,
                     "organisation": by_id[r.offer_id].organisation.name, "score": str(r.score_display),
                     "score_exact": _exact(r.score), "passed": r.passed, "advisory": _exact(r.advisory),
                     **(extra(by_id[r.offer_id], r) if extra else {})} for r in scored.ranking],
    }


def build(session, commission) -> dict:
    board = Board.of(session, commission)
    members = {m.id: m for m in commission.members}
    extra = {}
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
        "close_reason": commission.close_reason,
        **scored_part(board.scored(), lambda o, _r: {"requested": o.requested_grant, "proposed": o.proposed_grant}),
    })


def freeze(session, commission, now) -> None:
    commission.protocol = build(session, commission)
    commission.protocol_hash = hashlib.sha256(canonical.dumps(commission.protocol).encode()).hexdigest()
    commission.approved_at = now
