"""What a caller may see of a commission's scores (R-COM-IMPARTIAL, blind scoring), for any kind
of submission (reviewers.submissions: offers when none is named, concepts...).

Who sees the commission at all is `grants.commissions.operations.visible` (officers of the contest's
department, admins, and the members who sit on it); everything here is about the scores inside:
- while scoring is open (and before), it is blind: a member sees only their own cards, officers see none;
- once scoring is closed, officers of the contest see every card, members every card except those
  of the submissions they are excluded from (a declared conflict with the lead or a partner);
- a member excluded from the whole commission (R-COM-NGO: nominated by an organisation taking part)
  or who declined is excluded from every submission: they never see a score.
"""
from __future__ import annotations

from grants.core.permissions import ADMIN, OFFICER, has_role
from grants.workflows.commission import officer_of_contest
from reviewers.scoring import Board
from reviewers.submissions import SubmissionKind

SCORES_OPEN = ("closed", "approved")
# what an excluded member never reads of a hidden row (rank: a gap or a position gives a score away)
BLANKED = ("rank", "score", "score_exact", "advisory", "passed")


def is_staff(user, commission) -> bool:
    return has_role(user, OFFICER, ADMIN) and officer_of_contest(commission, user)


def scores_closed(commission) -> bool:
    return commission.state in SCORES_OPEN


def hidden(session, commission, user, kind: SubmissionKind | None = None) -> set[int]:
    """Submissions whose scores this caller, as a member, must never see (R-COM-IMPARTIAL)."""
    member = commission.member_for(user)
    if member is None:
        return set()
    return Board.of(session, commission).scored(kind).hidden_for(member)


def hidden_offers(session, commission, user) -> set[int]:
    return hidden(session, commission, user)


def visible_cards(session, commission, user, kind: SubmissionKind | None = None) -> list:
    """The score cards this caller may read (see the module's docstring)."""
    member = commission.member_for(user)
    if member is None and not is_staff(user, commission):
        return []
    scored = Board.of(session, commission).scored(kind)
    cards = scored.cards
    if member is None:  # an officer of the contest who does not sit on the commission
        return list(cards) if scores_closed(commission) else []
    if not scores_closed(commission):
        return [c for c in cards if c.member_id == member.id]
    hide = hidden(session, commission, user, kind)
    return [c for c in cards if scored.kind.card_subject(c) not in hide]


def may_see_declarations_of_others(user, commission) -> bool:
    """Officers of the contest see every member's declarations; members see their own until scoring
    closes (the protocol then lists them all)."""
    return is_staff(user, commission) or scores_closed(commission)


def ranking_rows(session, commission, user, kind: SubmissionKind | None = None) -> list[dict]:
    """The ranking as this caller may read it (empty until scoring closes), one row per submission
    with its number, title, organisation and state; redacted for an excluded member."""
    if not scores_closed(commission):
        return []
    scored = Board.of(session, commission).scored(kind)
    key = scored.kind.key
    rows = []
    for r in scored.ranking:
        x = scored.by_id[r.offer_id]
        rows.append({"rank": r.rank, key: x.id, "number": x.number, "title": x.title,
                     "organisation": x.organisation.name if x.organisation else "", "state": x.state,
                     "score": str(r.score_display), "passed": r.passed, "voters": r.voters,
                     "advisory": None if r.advisory is None else str(r.advisory_display)})
    return redact_ranking(rows, hidden(session, commission, user, kind), key, ("rank", "score", "passed",
                                                                                "advisory", "voters"))


def redact_protocol(doc: dict, hidden: set, closed: bool, own_member_id: int | None,
                    keep_declaration=None, key: str = "offer_id") -> dict:
    """The protocol document (or a call type's part of it) as this caller may read it: before scoring
    closes only their own cards and no ranking (blind scoring); the scores and cards of hidden
    submissions left out (R-COM-IMPARTIAL); `keep_declaration(index)` filters the declarations
    (None keeps them all)."""
    hidden = {str(h) for h in hidden}
    doc = dict(doc)
    if not closed:
        doc["cards"] = [x for x in doc.get("cards", []) if own_member_id is not None and x["member_id"] == own_member_id]
        doc["ranking"] = []
    if keep_declaration is not None:
        doc["declarations"] = [d for i, d in enumerate(doc.get("declarations", [])) if keep_declaration(i)]
    if hidden:
        doc["cards"] = [x for x in doc.get("cards", []) if str(x[key]) not in hidden]
        blanked = BLANKED + (("voters",) if key != "offer_id" else ())
        doc["ranking"] = redact_ranking(doc.get("ranking", []), hidden, key, blanked)
    return doc


def redact_ranking(rows: list[dict], hidden, key: str = "offer_id", blanked: tuple = BLANKED) -> list[dict]:
    """A ranking without what would tell an excluded member the hidden submissions' scores: their
    score, advisory score and pass mark blanked, the hidden rows moved to the end, and every rank
    number left out (a gap in the numbering, or a position between two scores, would give the score away)."""
    hidden = {str(h) for h in hidden}
    if not hidden:
        return rows
    shown = [{**r, "rank": None} for r in rows if str(r[key]) not in hidden]
    blank = [{**r, **dict.fromkeys(blanked)} for r in rows if str(r[key]) in hidden]
    return shown + blank
