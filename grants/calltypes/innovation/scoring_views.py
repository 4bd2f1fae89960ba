"""Pages of the concept call's commission: a member's concept card (R-SCORE, R-COM-IMPARTIAL) and
what the commission page's panel (calltypes/innovation_concept/commission_panel.html) shows."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.commissions.views import card_labels, posted_card
from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import PermissionDenied
from grants.web.transitions import CsrfForm, require_csrf
from grants.workflows.errors import WorkflowError
from reviewers import operations as rops
from reviewers.models import Commission

from . import scoring
from .views import bp


def _commission(cid: int) -> Commission:
    c = db.session.scalar(rops.visible(select(Commission).where(Commission.id == cid), current_user))
    if c is None or not scoring.is_concept_call(c.contest):
        abort(404)
    return c


def panel(c: Commission) -> dict:
    """What the commission page shows of a concept call to the current user: their cards to fill
    (members), the ranking once scoring closed (redacted for an excluded member)."""
    s = db.session()
    member = c.member_for(current_user)
    board = scoring.ConceptBoard.of(s, c)
    concepts = board.concepts
    hidden = scoring.hidden_concepts(s, c, current_user)
    mine = {x.concept_id: x for x in board.cards if member is not None and x.member_id == member.id}
    rows = []
    if member is not None and member.active:
        for concept in concepts:
            rows.append({"concept": concept, "card": mine.get(concept.id), "hidden": concept.id in hidden,
                         "reason": scoring.may_score(s, c, member, concept) if c.state == "scoring" else None})
    from .shortlist import shortlist_size
    return {"member": member, "rows": rows, "concepts": concepts, "ranking": scoring.ranking_rows(s, c, current_user),
            "hidden": hidden, "shortlist_size": shortlist_size(c.contest), "threshold": c.contest.pass_threshold,
            "staff": scoring.is_staff(current_user, c)}


@bp.app_context_processor
def _panel_helpers():
    return {"concept_commission_panel": panel}


@bp.route("/commissions/<int:cid>/concepts/<int:concept_id>/card", methods=["GET", "POST"])
@login_required
def concept_card(cid, concept_id):
    c = _commission(cid)
    s = db.session()
    board = scoring.ConceptBoard.of(s, c)
    concept = board.concepts_by_id.get(concept_id)
    if concept is None:
        abort(404)
    member = c.member_for(current_user)
    if member is None or not member.active or concept.id in scoring.hidden_concepts(s, c, current_user):
        abort(403)  # a visible commission, but not a card this caller may open (R-COM-IMPARTIAL)
    existing = scoring.card_for(s, member, concept)
    reason = scoring.may_score(s, c, member, concept)
    submitted = existing is not None and existing.state == "submitted"
    back = url_for("commissions.show", cid=cid) + "#concept-cards"
    if reason is not None and not (submitted and request.method == "GET"):
        flash(str(reason), "error")
        return redirect(back, 303)
    criteria = c.contest.criteria or []
    labels = card_labels(criteria)
    errors: dict[str, list[str]] = {}
    values = {"scores": dict(existing.scores) if existing else {},
              "justifications": dict(existing.justifications) if existing else {}}
    status = 200
    if request.method == "POST":
        require_csrf()
        values = posted_card(criteria)
        submit = request.form.get("submit") == "1"
        try:
            version = int(request.form["version"]) if request.form.get("version") else None
            scoring.save_card(s, current_user, c, concept, values["scores"], values["justifications"],
                              submit=submit, expected_version=version)
            db.session.commit()
        except ValueError as e:  # CardError, or a version that is not a number
            db.session.rollback()
            for x in getattr(e, "errors", [{"field": "version", "message": str(_("Nieprawidłowa wersja karty."))}]):
                errors.setdefault(x["field"], []).append(x["message"])
            status = 422
        except (WorkflowError, PermissionDenied) as e:
            db.session.rollback()
            flash(str(getattr(e, "detail", None) or getattr(e, "reason", None) or e), "error")
            return redirect(back, 303)
        else:
            flash(_("Złożono kartę oceny koncepcji %(n)s.", n=concept.number) if submit
                  else _("Zapisano szkic karty oceny koncepcji %(n)s.", n=concept.number), "success")
            return redirect(back, 303)
    return render_template("calltypes/innovation_concept/concept_card.html", c=c, concept=concept, card=existing,
                           values=values, errors=errors, labels=labels, member=member, form=CsrfForm()), status
