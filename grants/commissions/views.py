"""Commission pages: composition (officer), declarations and score cards (members), ranking and
allocation (officer), protocol (R-REVIEW)."""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.accounts.models import User, UserRole
from grants.contests.models import Contest
from grants.contests.operations import visible as contest_visible
from grants.core import audit, db
from grants.core.labels import REGISTRY as DICTIONARIES
from grants.core.i18n import _
from grants.documents.kinds import protocol_context
from grants.documents.render import render_html
from grants.core.permissions import ADMIN, COMMISSION_MEMBER, OFFICER, PermissionDenied
from grants.core.numbers import parse_money
from grants.offers.models import Offer
from grants.registry import search
from grants.registry.models import Organisation
from grants.web.home import Item, Section, section
from grants.web.transitions import CsrfForm, confirmation, needs_confirmation, require_csrf, transition_page
from grants.workflows.base import available_transitions
from grants.workflows.diagram import mermaid
from grants.workflows.errors import WorkflowError
from grants.web.areas import act, form_int, listing, visible_or_404
from grants.commissions import operations as ops
from grants.commissions.composition import WITHOUT_NGO
from reviewers.declarations import declarations_of, organisations_to_declare
from reviewers.models import Commission, CommissionMember, ScoreCard
from grants.commissions.protocol import build as build_protocol
from reviewers.scoring import Board, missing_cards, ranking
from reviewers.submissions import SubmissionKind

from .access import hidden, hidden_offers, is_staff, redact_protocol, redact_ranking, scores_closed
from .submissions import OFFERS, SCORED_STATES

bp = Blueprint("commissions", __name__, template_folder="templates")
PER_PAGE = 50  # offers on one page of a member's cards

# one dictionary for the pages, the protocol and the history (grants.core.labels)
KIND_LABELS = DICTIONARIES["commission_member_kind"]
GROUND_LABELS = DICTIONARIES["declaration_ground"]



def _get(cid: int) -> Commission:
    return visible_or_404(Commission, cid, ops.visible)


def _csrf():
    require_csrf()


@bp.route("/contests/<int:cid>/commission", methods=["POST"])
@login_required
def create(cid):
    _csrf()
    contest = visible_or_404(Contest, cid, contest_visible)
    return act(lambda: ops.create(db.session(), current_user, contest), url_for("contests.show", cid=cid),
               to=lambda c: url_for(".show", cid=c.id))


def _seat(cid: int):
    """The commission (visible, else a 404), the session, and the caller's place: staff, and their seat or None."""
    c = _get(cid)
    return c, db.session(), is_staff(current_user, c), c.member_for(current_user)


@bp.route("/commissions/<int:cid>")
@login_required
def show(cid):
    c, s, staff, member = _seat(cid)
    orgs = {o.id: o for o in s.scalars(select(Organisation).where(
        Organisation.id.in_(organisations_to_declare(s, c))).order_by(Organisation.name))} if c.state != "forming" else {}
    declarations = declarations_of(s, c)
    mine = {d.organisation_id: d for d in declarations if member and d.member_id == member.id}
    # the member's cards list the offers a page at a time, by key (issue 20): a national call's
    # thousands of offers are not loaded to show fifty
    scoring_list = member is not None and member.active and c.state in ("scoring", "closed", "approved")
    scored = Board.of(s, c).scored()
    page = listing(scored.query(joinedload(Offer.organisation)), Offer, Offer.id, per_page=PER_PAGE,
                   total=len(scored.facts)) if scoring_list else None
    offers = page.rows if page else []
    my_cards = _own_cards(s, member, offers)
    hidden = hidden_offers(s, c, current_user)
    ranked = redact_ranking([{"rank": r.rank, "offer_id": r.offer_id, "score": str(r.score_display), "passed": r.passed,
                              "advisory": None if r.advisory is None else str(r.advisory_display)}
                             for r in ranking(s, c)], hidden) if scores_closed(c) else []
    candidates, overview, progress = [], [], []
    if staff and c.state == "forming":
        sitting = {m.user_id for m in c.members}
        candidates = [u for u in s.scalars(select(User).join(UserRole).where(
            UserRole.role.in_((OFFICER, ADMIN, COMMISSION_MEMBER)), ops.may_sit_for(c.contest.grantor_id))
            .order_by(User.full_name, User.id).distinct()) if u.id not in sitting]
    if staff and c.state != "forming":  # officers follow the declarations (never the scores while blind)
        for m in c.members:
            own = [d for d in declarations if d.member_id == m.id]
            overview.append({"member": m, "declared": len(own), "conflicts": [d for d in own if d.conflict]})
    if staff and c.state == "scoring":
        todo = {}
        for mid, _oid in missing_cards(s, c):
            todo[mid] = todo.get(mid, 0) + 1
        progress = [{"member": m, "missing": todo.get(m.id, 0)} for m in c.members if m.voting]
    return render_template(
        "commissions/show.html", c=c, contest=c.contest, staff=staff, member=member, orgs=orgs, mine=mine,
        offers=offers, page=page, ranked_offers=_ranked_offers(s, c) if ranked else {}, my_cards=my_cards,
        hidden=hidden, ranked=ranked,
        may={o.id: ops.may_score(s, c, member, o) for o in offers} if member else {},
        missing=sum(p["missing"] for p in progress), progress=progress, overview=overview,
        candidates=candidates,
        kinds=KIND_LABELS, grounds=GROUND_LABELS, without_ngo=WITHOUT_NGO,
        transitions=available_transitions(s, c, current_user), wf=c.__workflow__, diagram=mermaid(c.__workflow__, c.state),
        history=audit.history(s, "commission", c.id) if staff else None, form=CsrfForm())


def _own_cards(s, member, offers) -> dict:
    """The member's own cards of the listed offers, by offer id. A member reads their own cards in
    every state (`access.visible_cards`); those of offers hidden from them are never shown (the
    page says they are excluded first)."""
    if member is None or not offers:
        return {}
    return {x.offer_id: x for x in s.scalars(select(ScoreCard).where(
        ScoreCard.member_id == member.id, ScoreCard.offer_id.in_([o.id for o in offers])))}


def _ranked_offers(s, c) -> dict:
    """What the ranking shows of each scored offer, as plain rows of one query (no offer objects):
    number, the lead organisation's name, the amounts asked for and proposed."""
    rows = s.execute(select(Offer.id, Offer.number, Organisation.name.label("organisation_name"),
                            Offer.requested_grant, Offer.proposed_grant)
                     .join(Organisation, Organisation.id == Offer.organisation_id)
                     .where(Offer.contest_id == c.contest_id, Offer.state.in_(SCORED_STATES)))
    return {r.id: r for r in rows}


@bp.route("/commissions/<int:cid>/members", methods=["POST"])
@login_required
def add_member(cid):
    c = _get(cid)
    _csrf()

    def add():
        org = _nominating()
        ops.add_member(db.session(), current_user, c, user_id=form_int("user_id"),
                       kind=request.form.get("kind", ""), nominating_organisation_id=org,
                       is_chair=request.form.get("is_chair") == "1",
                       expected_version=form_int("version") if request.form.get("version") else c.version)
    return act(add, url_for(".show", cid=cid) + "#members", _("Dodano członka komisji."))


NOMINATORS_SHOWN = 10  # organisations a refusal names when several match what was typed


def _nominating() -> int | None:
    """The nominating organisation a form names: its id (`nominating_organisation_id`, as the API
    takes it), or what the officer typed, a KRS, NIP or name found in the registry (a list of every
    organisation would be tens of thousands of options at national scale). Not found, or several:
    refused, naming those it might be."""
    if request.form.get("nominating_organisation_id"):
        return form_int("nominating_organisation_id")
    text = request.form.get("nominating_organisation", "")
    org, maybe = search.resolve(db.session(), text, NOMINATORS_SHOWN)
    if org is not None:
        return org.id
    if not text.strip():
        return None
    if not maybe:
        raise ops.ReviewError([{"field": "nominating_organisation", "message": str(_(
            "Nie znaleziono w rejestrze organizacji „%(q)s”. Podaj jej numer KRS, NIP albo nazwę.", q=text.strip()))}])
    names = "; ".join(f"{o.name} (KRS {o.krs})" if o.krs else o.name for o in maybe[:NOMINATORS_SHOWN])
    if len(maybe) > NOMINATORS_SHOWN:
        names = str(_("%(names)s i inne", names=names))
    raise ops.ReviewError([{"field": "nominating_organisation", "message": str(_(
        "Kilka organizacji pasuje do „%(q)s”: %(names)s. Podaj numer KRS albo NIP.", q=text.strip(), names=names))}])


@bp.route("/commissions/<int:cid>/members/<int:mid>/remove", methods=["POST"])
@login_required
def remove_member(cid, mid):
    c = _get(cid)
    _csrf()
    return act(lambda: ops.remove_member(db.session(), current_user, c, mid, int(request.form.get("version", c.version))),
               url_for(".show", cid=cid) + "#members", _("Usunięto członka komisji."))


@bp.route("/commissions/<int:cid>/declarations", methods=["POST"])
@login_required
def declare(cid):
    c = _get(cid)
    _csrf()  # only an active member declares, for themselves (403 otherwise)
    if request.form.get("conflict") not in ("0", "1"):  # no answer is chosen for the member
        flash(_("Wybierz odpowiedź w oświadczeniu: czy jesteś bezstronny wobec tej oferty."), "error")
        return redirect(url_for(".show", cid=cid) + "#declarations", 303)
    return act(lambda: ops.declare(db.session(), current_user, c, int(request.form.get("organisation_id", "0")),
                                   request.form.get("conflict") == "1", request.form.getlist("grounds"),
                                   request.form.get("note", "")),
               url_for(".show", cid=cid) + "#declarations", _("Złożono oświadczenie."))


@bp.route("/commissions/<int:cid>/cards/<int:oid>", methods=["GET", "POST"])
@login_required
def card(cid, oid):
    return card_page(_get(cid), OFFERS, oid)


def card_page(c: Commission, kind: SubmissionKind, sid: int):
    """A member's score card for one submission of any kind (R-SCORE, R-COM-IMPARTIAL): the form
    while scoring is open, the submitted card read-only after."""
    s = db.session()
    sub = Board.of(s, c).scored(kind).by_id.get(sid)
    if sub is None:
        abort(404)
    member = c.member_for(current_user)
    if member is None or not member.active or sub.id in hidden(s, c, current_user, kind):
        abort(403)  # a visible commission, but not a card this caller may open (R-COM-IMPARTIAL)
    existing = ops.card_for(s, c, member, sub)
    reason = ops.may_score(s, c, member, sub)
    submitted = existing is not None and existing.state == "submitted"
    back = url_for("commissions.show", cid=c.id) + kind.anchor
    if reason is not None and not (submitted and request.method == "GET"):
        flash(str(reason), "error")
        return redirect(back, 303)
    criteria = c.contest.criteria or []
    errors: dict[str, list[str]] = {}
    values = {"scores": dict(existing.scores) if existing else {},
              "justifications": dict(existing.justifications) if existing else {}}
    status = 200
    if request.method == "POST":
        _csrf()
        values = posted_card(criteria)
        submit = request.form.get("submit") == "1"
        confirm_first = submit and needs_confirmation("score_card", "submit")  # saved as a draft until confirmed
        try:
            version = int(request.form["version"]) if request.form.get("version") else None
            if confirm_first:  # what would refuse the submission is said before the confirmation
                problems = ops.check_scores(c.contest, values["scores"], values["justifications"], True)[2]
                if problems:
                    raise ops.ReviewError(problems)
            saved = ops.save_card(s, current_user, c, sub, values["scores"], values["justifications"],
                                  submit=submit and not confirm_first, expected_version=version)
            db.session.commit()
            if confirm_first:
                return confirmation("score_card", "submit", _("Złóż kartę oceny"), request.path,
                                    {"version": str(saved.version)})
        except ValueError as e:  # ReviewError, or a version that is not a number
            db.session.rollback()
            for x in getattr(e, "errors", [{"field": "version", "message": str(_("Nieprawidłowa wersja karty."))}]):
                errors.setdefault(x["field"], []).append(x["message"])
            status = 422
        except (WorkflowError, PermissionDenied) as e:
            db.session.rollback()
            flash(str(getattr(e, "detail", None) or getattr(e, "reason", None) or e), "error")
            return redirect(back, 303)
        else:
            flash(str(kind.texts["submitted" if submit else "saved"]) % {"n": sub.number}, "success")
            return redirect(back, 303)
    return render_template("commissions/card.html", c=c, kind=kind, sub=sub, card=existing, values=values,
                           errors=errors, labels=card_labels(criteria), member=member, back=back,
                           title=str(kind.texts["card_title"]) % {"n": sub.number}, form=CsrfForm()), status


@bp.route("/commissions/<int:cid>/allocation", methods=["POST"])
@login_required
def allocation(cid):
    c = _get(cid)
    _csrf()
    if not is_staff(current_user, c):
        abort(403)  # amounts are proposed by officers of the contest (R-ALLOC)
    s = db.session()
    numbers = dict(s.execute(select(Offer.id, Offer.number).where(Offer.contest_id == c.contest_id,
                                                                  Offer.state.in_(SCORED_STATES))).all())
    amounts, errors = {}, []
    for key, raw in request.form.items():
        if key.startswith("amount."):
            try:
                oid = int(key.split(".", 1)[1])
            except ValueError:
                abort(400)
            if oid not in numbers:
                abort(400)
            try:
                amounts[oid] = parse_money(raw or "0", grammar="typed")
            except ValueError as e:
                errors.append(f"{numbers[oid]}: {e}")
    if errors:
        flash("; ".join(errors), "error")
        return redirect(url_for(".show", cid=cid) + "#ranking", 303)
    return act(lambda: ops.set_amounts(s, current_user, c, amounts), url_for(".show", cid=cid) + "#ranking",
               _("Zapisano proponowane kwoty."), field_message=lambda x: _field_message(x, numbers))


def _field_message(err: dict, numbers: dict) -> str:
    field = err.get("field") or ""
    if field.startswith("amounts."):
        try:
            return f"{numbers[int(field.split('.', 1)[1])]}: {err['message']}"
        except (KeyError, ValueError):
            pass
    return err["message"]


transition_page(bp, "/commissions/<int:cid>/transitions/<name>", _get, ("reason", "without_ngo_reason"))


@bp.route("/commissions/<int:cid>/protocol")
@login_required
def protocol(cid):
    c, s, staff, member = _seat(cid)
    if not staff and member is None:
        abort(403)
    doc = c.protocol or build_protocol(s, c)
    keep = None
    if not staff and not scores_closed(c):  # members see only their own declarations until scoring closes
        mine = [d.member_id == member.id for d in sorted(declarations_of(s, c), key=lambda d: (d.member_id, d.organisation_id))]
        keep = lambda i: i < len(mine) and mine[i]  # noqa: E731
    doc = redact_protocol(doc, hidden_offers(s, c, current_user), scores_closed(c), member.id if member else None, keep)
    return render_html("protocol", protocol_context(s, c, doc, frozen=c.protocol is not None, closed=scores_closed(c),
                                                    labels={"kinds": KIND_LABELS, "grounds": GROUND_LABELS,
                                                            "without_ngo": WITHOUT_NGO}))



@section(COMMISSION_MEMBER, OFFICER, ADMIN)
def _my_commission_work(user):
    s = db.session()
    rows = s.scalars(select(Commission).join(CommissionMember).where(
        CommissionMember.user_id == user.id, Commission.state.in_(("declarations", "scoring")))).all()
    if not rows and COMMISSION_MEMBER not in user.role_names:
        return None
    items = []
    for c in rows:
        member = c.member_for(user)
        if member is None or not member.active:  # excluded from the commission: nothing to do
            continue
        declared = {d.organisation_id for d in declarations_of(s, c) if d.member_id == member.id}
        if not set(organisations_to_declare(s, c)) <= declared:
            items.append(Item(c.contest.title, url_for("commissions.show", cid=c.id) + "#declarations",
                              str(_("złóż oświadczenia o bezstronności"))))
        if c.state == "scoring" and member:
            todo = [oid for mid, oid in missing_cards(s, c) if mid == member.id]
            if todo:
                items.append(Item(c.contest.title, url_for("commissions.show", cid=c.id) + "#scoring",
                                  str(_("karty oceny do wypełnienia: %(n)s", n=len(todo)))))
    return Section(_("Karty oceny do wypełnienia"), items, empty=_("Nie masz kart do oceny."), order=20)


def card_labels(criteria: list[dict]) -> dict[str, str]:
    """The score card form's field labels (its error summary names them), for offers and concepts."""
    labels = {}
    for crit in criteria:
        labels[f"scores.{crit['code']}"] = str(_("%(c)s: punkty", c=crit["label"]))
        labels[f"justifications.{crit['code']}"] = str(_("%(c)s: uzasadnienie", c=crit["label"]))
    return labels


def posted_card(criteria: list[dict]) -> dict[str, dict[str, str]]:
    """The scores and justifications a score card form sent, per criterion."""
    codes = [x["code"] for x in criteria]
    return {"scores": {k: request.form.get(f"scores.{k}", "") for k in codes},
            "justifications": {k: request.form.get(f"justifications.{k}", "") for k in codes}}
