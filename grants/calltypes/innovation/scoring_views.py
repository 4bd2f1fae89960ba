"""Pages of the concept call's commission: a member's concept card (the scored submissions' one
card page, grants.commissions.views.card_page, over the concept kind) and what the commission
page's panel (calltypes/innovation_concept/commission_panel.html) shows."""
from __future__ import annotations

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.commissions.access import hidden, is_staff, ranking_rows
from grants.commissions.views import card_page
from grants.core import db
from grants.commissions import operations as rops
from reviewers.models import Commission
from reviewers.scoring import Board

from .scoring import is_concept_call
from .shortlist import shortlist_size
from .submissions import CONCEPTS
from .views import bp


def _commission(cid: int) -> Commission:
    c = db.session.scalar(rops.visible(select(Commission).where(Commission.id == cid), current_user))
    if c is None or not is_concept_call(c.contest):
        abort(404)
    return c


def panel(c: Commission) -> dict:
    """What the commission page shows of a concept call to the current user: their cards to fill
    (members), the ranking once scoring closed (redacted for an excluded member)."""
    s = db.session()
    member = c.member_for(current_user)
    scored = Board.of(s, c).scored(CONCEPTS)
    concepts = scored.submissions
    hide = hidden(s, c, current_user, CONCEPTS)
    mine = {x.concept_id: x for x in scored.cards if member is not None and x.member_id == member.id}
    rows = []
    if member is not None and member.active:
        for concept in concepts:
            rows.append({"concept": concept, "card": mine.get(concept.id), "hidden": concept.id in hide,
                         "reason": rops.may_score(s, c, member, concept) if c.state == "scoring" else None})
    return {"member": member, "rows": rows, "concepts": concepts, "ranking": ranking_rows(s, c, current_user, CONCEPTS),
            "hidden": hide, "shortlist_size": shortlist_size(c.contest), "threshold": c.contest.pass_threshold,
            "staff": is_staff(current_user, c)}


@bp.app_context_processor
def _panel_helpers():
    return {"concept_commission_panel": panel}


@bp.route("/commissions/<int:cid>/concepts/<int:concept_id>/card", methods=["GET", "POST"])
@login_required
def concept_card(cid, concept_id):
    return card_page(_commission(cid), CONCEPTS, concept_id)
