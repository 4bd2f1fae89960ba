"""Pages of the innovation call type: concepts (stage 1) are started from the concept call's page,
edited as one form while a draft, shown with the concept workflow and submitted or withdrawn there;
the panels on the concept call's and the pilot contest's pages (helpers exposed to templates)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.contests.models import Contest
from grants.contests.operations import visible
from grants.core import audit, clock, db
from grants.core.dates import local
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, has_role
from grants.offers.forms_util import drop_empty, errors_by_field, unflatten
from grants.web.areas import act, save, visible_or_404
from grants.web.home import Item, Section, section
from grants.web.transitions import CsrfForm, require_csrf, transition_page
from grants.workflows.base import available_transitions
from grants.workflows.concept import officer_of_call
from grants.workflows.contest import same_department
from grants.workflows.diagram import mermaid

from . import concepts as cm
from . import operations as ops
from . import pilot as pilot_mod
from .models import Concept

bp = Blueprint("innovation", __name__, template_folder="templates")

MAX_ROWS = cm.MAX_PARTNERS


def _user():
    return current_user if current_user.is_authenticated else None


def _get(cid: int) -> Concept:
    return visible_or_404(Concept, cid, ops.visible, selectinload(Concept.organisation), selectinload(Concept.contest))


def _contest(cid: int):
    return visible_or_404(Contest, cid, visible)


@bp.route("/contests/<int:cid>/concepts", methods=["POST"])
@login_required
def create(cid):
    contest = _contest(cid)
    require_csrf()
    try:
        org_id = int(request.form.get("organisation_id", ""))
    except ValueError:
        abort(403)
    return act(lambda: ops.create(db.session(), current_user, contest, org_id), url_for("contests.show", cid=cid),
               _("Utworzono szkic koncepcji. Wypełnij go i złóż przed terminem naboru; do tego czasu widzi go tylko "
                 "Twoja organizacja."), to=lambda c: url_for(".edit", concept_id=c.id))


@bp.route("/concepts/<int:concept_id>")
@login_required
def show(concept_id):
    c = _get(concept_id)
    editable = c.state in ops.EDITABLE_STATES and c.organisation_id in current_user.organisation_ids
    staff = has_role(current_user, OFFICER, ADMIN) and officer_of_call(c, current_user)
    return render_template(
        "innovation/concept.html", k=c, contest=c.contest, content=cm.load(c), sectors=cm.SECTORS,
        problems=cm.problems(c) if c.state in ops.EDITABLE_STATES else [], editable=editable,
        transitions=available_transitions(db.session(), c, current_user), wf=c.__workflow__,
        diagram=mermaid(c.__workflow__, c.state),
        history=audit.history(db.session(), "concept", c.id) if staff else None)


def _form_values() -> dict:
    data = drop_empty(unflatten(request.form, "concept"))
    data = data if isinstance(data, dict) else {}
    partners = data.get("partners")
    if isinstance(partners, dict):  # rows not numbered: nothing usable
        partners = []
    data["partners"] = (partners or [])[:MAX_ROWS + 1]
    # the form holds every field: a field left blank is cleared, not kept from before
    for k in ("title", "problem", "novelty", "pilot_plan"):
        data.setdefault(k, "")
    data.setdefault("estimated_budget", None)
    return data


@bp.route("/concepts/<int:concept_id>/edit", methods=["GET", "POST"])
@login_required
def edit(concept_id):
    c = _get(concept_id)
    if not has_role(current_user, APPLICANT) or c.organisation_id not in current_user.organisation_ids:
        abort(403)
    form = CsrfForm()
    errors: dict[str, list[str]] = {}
    values = cm.stored(c)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = _form_values()
        try:
            expected = int(request.form.get("version", c.version))
        except ValueError:
            abort(400)
        def refused(refusals):
            nonlocal errors, status
            errors = {f"concept.{k}": v for k, v in errors_by_field(refusals).items()}
            status = 422

        shown = url_for(".show", concept_id=concept_id)
        saved = save(lambda: ops.save(db.session(), c, current_user, values, expected, grammar="typed"), refused,
                     _("Zapisano koncepcję."),
                     url_for(".edit", concept_id=concept_id, rows=_rows_arg() + 1) if request.form.get("add_row") else shown,
                     back=shown, code=303)
        if saved is not None:
            return saved
    elif c.state not in ops.EDITABLE_STATES:
        flash(_("Złożonej koncepcji nie można zmieniać."), "error")
        return redirect(url_for(".show", concept_id=concept_id), 303)
    return render_template("innovation/concept_form.html", k=c, contest=c.contest, v=values, errors=errors,
                           sectors=cm.SECTORS, extra_rows=_rows_arg(), form=form), status


def _rows_arg() -> int:
    try:
        return max(1, min(int(request.values.get("rows", 1) or 1), 10))
    except ValueError:
        return 1


transition_page(bp, "/concepts/<int:concept_id>/transitions/<name>", _get,
                lambda name: ("reason",) if name == "withdraw" else ())


# ---- panels on the contest pages (templates calltypes/innovation_*/contest_panel.html)

def concept_call_panel(contest) -> dict:
    """What the concept call's page shows: where the user's organisations may start a concept, their
    concepts, for the call's staff the submitted ones, after the decision the shortlist (public) and
    the stage-2 pilot contests naming this call."""
    user = _user()
    s = db.session()
    orgs = [m.organisation for m in user.memberships] if user is not None and has_role(user, APPLICANT) else []
    staff = user is not None and has_role(user, OFFICER, ADMIN) and officer_of_call_contest(contest, user)
    rows = ops.of_call(s, contest.id, user) if orgs or staff else []
    ids = {o.id for o in orgs}
    mine = [k for k in rows if k.organisation_id in ids]
    submitted = [k for k in rows if k.submitted_at is not None] if staff else []
    decided = contest.state in pilot_mod.DECIDED
    return {"open": ops.call_open(contest, clock.now()), "orgs": orgs, "mine": mine, "staff": staff,
            "submitted": submitted, "decided": decided,
            "shortlisted": ops.shortlisted(s, contest.id) if decided else [],
            "pilots": pilot_mod.pilot_contests(s, contest, user)}


def officer_of_call_contest(contest, user) -> bool:
    return same_department(contest, user)


def pilot_panel(contest) -> dict:
    """What the pilot contest's page shows: the concept call it follows and, for an applicant, whether
    each of their organisations may apply (and why not)."""
    user = _user()
    s = db.session()
    linked = None
    cid = pilot_mod.concept_call_id(contest)
    if cid is not None and 0 < cid < 2**31:
        linked = s.scalar(visible(select(Contest).where(Contest.id == cid), user))
    eligibility = []
    if user is not None and has_role(user, APPLICANT):
        for m in user.memberships:
            reason = pilot_mod.may_apply(s, contest, m.organisation_id)
            eligibility.append({"organisation": m.organisation, "allowed": reason is None,
                                "reason": reason.text if reason else None})
    return {"concept_call": linked if linked is not None and linked.call_type == pilot_mod.CONCEPT_CALL else None,
            "eligibility": eligibility}


@bp.app_context_processor
def _panels():
    return {"innovation_concept_panel": concept_call_panel, "innovation_pilot_panel": pilot_panel,
            "concept_sectors": cm.SECTORS}


# ---- the applicant's home

@section(APPLICANT)
def _my_concepts(user):
    if not user.organisation_ids:
        return None
    rows = db.session.scalars(ops.visible(select(Concept), user).where(
        Concept.organisation_id.in_(list(user.organisation_ids)),
        Concept.state.in_(("draft", "submitted", "shortlisted")))
        .options(selectinload(Concept.contest)).order_by(Concept.id)).all()
    if not rows:
        return None
    items = []
    for k in rows:
        meta = str(k.state_label)
        if k.state == "draft" and k.contest.deadline:
            meta += " · " + str(_("termin %(d)s", d=local(k.contest.deadline).strftime("%Y-%m-%d %H:%M")))
        elif k.state == "shortlisted":
            meta += " · " + str(_("możesz złożyć ofertę w konkursie na pilotaż"))
        items.append(Item(k.title or str(_("(bez tytułu)")), url_for("innovation.show", concept_id=k.id), meta))
    return Section(_("Koncepcje mojej organizacji"), items, empty=_("Brak koncepcji w toku."), order=11)
from . import scoring_views  # noqa: E402,F401 - concept cards (A2)
from . import after_views  # noqa: E402,F401 - milestones, evaluation, scale-up (B)
