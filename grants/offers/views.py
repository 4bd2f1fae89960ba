"""Offer pages: the applicant fills the statutory template section by section (drafts saved as they
go), submits and gets a receipt, corrects when asked; the officer works through the formal checklist."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from grants.calltypes import get as get_call_type
from grants.contests.models import Contest
from grants.contests.operations import visible
from grants.core import formatting
from grants.core import audit, db
from grants.core.i18n import _
from grants.core.permissions import (
    ADMIN,
    APPLICANT,
    OFFICER,
    PermissionDenied,
    has_role,
)
from grants.documents.kinds import offer_context
from grants.documents.render import render_html
from grants.registry.models import Organisation
from grants.web.home import Item, Section, section
from grants.web.transitions import CsrfForm, perform, require_csrf
from grants.workflows.base import available_transitions
from grants.workflows.diagram import mermaid
from grants.workflows.errors import WorkflowError
from grants.workflows.offer import officer_of_contest
from grants.web.areas import visible_or_404

from . import content as cm
from . import operations as ops
from .forms_util import drop_empty, errors_by_field, keyed, unflatten
from .models import Offer
from .validation import figures, problems_for

bp = Blueprint("offers", __name__, template_folder="templates")

SECTIONS = [
    ("basic", _("I. Podstawowe informacje")),
    ("applicant", _("II. Dane oferenta")),
    ("task", _("III. Opis zadania")),
    ("profile", _("IV. Charakterystyka oferenta")),
    ("costs", _("V.A Kalkulacja kosztów")),
    ("sources", _("V.B Źródła finansowania")),
    ("partners", _("V.C Oferta wspólna")),
    ("other", _("VI. Inne informacje")),
    ("declarations", _("VII. Oświadczenia")),
]
SECTION_NAMES = dict(SECTIONS)


def sections_for(contest) -> list[tuple[str, object]]:
    """The statutory sections plus the call type's own one (before the declarations)."""
    ct = get_call_type(contest.call_type)
    if ct.offer_model is None:
        return SECTIONS
    return [*SECTIONS[:-1], ("call", ct.offer_section_label or ct.label), SECTIONS[-1]]



def _get(oid: int, *, for_transition: bool = False) -> Offer:
    if for_transition:  # the partners come with what the checks read, in the same statement
        return visible_or_404(Offer, oid, ops.visible, for_transition=True)
    return visible_or_404(Offer, oid, ops.visible, selectinload(Offer.partners))


def _section_of(field: str) -> str:
    return field.split(".")[0]


@bp.route("/contests/<int:cid>/offers", methods=["POST"])
@login_required
def create(cid):
    c = visible_or_404(Contest, cid, visible)
    require_csrf()
    try:
        org_id = int(request.form.get("organisation_id", ""))
    except ValueError:
        abort(403)
    if request.form.get("another") != "1" and org_id in current_user.organisation_ids:
        # a second click returns the draft this person made, not another one
        draft = db.session.scalar(select(Offer).where(Offer.contest_id == c.id, Offer.organisation_id == org_id,
                                                      Offer.state == "draft", Offer.created_by_id == current_user.id)
                                  .order_by(Offer.id.desc()).limit(1))
        if draft is not None:
            flash(_("Masz już szkic oferty w tym konkursie; oto on. Kolejną ofertę utworzysz przyciskiem "
                    "„Utwórz kolejną ofertę” na stronie konkursu."), "success")
            return redirect(url_for(".show", oid=draft.id), 303)
    try:
        o = ops.create(db.session(), current_user, c, org_id)
        db.session.commit()
    except (ValueError, PermissionDenied):
        abort(403)
    except WorkflowError as e:
        db.session.rollback()
        flash(str(e.detail), "error")
        return redirect(url_for("contests.show", cid=cid), 303)
    flash(_("Utworzono szkic oferty. Wypełniaj kolejne części; każda zapisuje się osobno."), "success")
    return redirect(url_for(".show", oid=o.id), 303)


@bp.route("/offers/<int:oid>")
@login_required
def show(oid):
    o = _get(oid)
    editable = o.state in ops.EDITABLE_STATES and o.organisation_id in current_user.organisation_ids
    problems = problems_for(db.session(), o) if o.state in ops.EDITABLE_STATES else []
    by_section: dict[str, list] = {}
    for p in problems:
        by_section.setdefault(_section_of(p.field), []).append(p)
    officer = has_role(current_user, OFFICER, ADMIN) and officer_of_contest(o, current_user)
    return render_template(
        "offers/show.html", o=o, c=o.contest, sections=sections_for(o.contest), problems=problems, by_section=by_section,
        editable=editable, figures=figures(o.content), officer=officer,
        transitions=available_transitions(db.session(), o, current_user),
        diagram=mermaid(o.__workflow__, o.state), wf=o.__workflow__,
        history=audit.history(db.session(), "offer", o.id) if officer else None, form=CsrfForm())


def _partner_choices(o: Offer):
    return db.session.scalars(select(Organisation).where(Organisation.id != o.organisation_id)
                              .order_by(Organisation.name)).all()


def _years(o: Offer) -> list[int]:
    t = (o.content or {}).get("task", {})
    try:
        a, b = int(t["start_date"][:4]), int(t["end_date"][:4])
        return list(range(a, b + 1)) if b >= a else []
    except (KeyError, TypeError, ValueError):
        return [o.contest.year]


def _parse(name: str, o: Offer):
    if name == "partners":
        return [int(x) for x in request.form.getlist("partners[]") if x.isdigit()]
    data = drop_empty(unflatten(request.form, name))
    if name == "costs":
        data = data if isinstance(data, list) else []
        for line in data:
            line["by_year"] = keyed(line.get("by_year"), "y")
            line["by_partner"] = keyed(line.get("by_partner"), "o")
    if name == "declarations":
        data = {"accepted": request.form.getlist("declarations.accepted[]")}
    if name == "call":
        data = get_call_type(o.contest.call_type).parse_offer_form(data if isinstance(data, dict) else {})
    if name == "costs" and data == {}:
        data = []
    return data


@bp.route("/offers/<int:oid>/sections/<name>", methods=["GET", "POST"])
@login_required
def edit_section(oid, name):
    o = _get(oid)
    names = dict(sections_for(o.contest))
    if name not in names:
        abort(404)
    if o.organisation_id not in current_user.organisation_ids:
        abort(403)
    form = CsrfForm()
    errors: dict[str, list[str]] = {}
    values = (o.content or {}).get(name)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        data = _parse(name, o)
        values = data
        try:
            expected = int(request.form.get("version", o.version))
            if name == "partners":
                ops.set_partners(db.session(), o, current_user, data, expected)
            else:
                ops.save_sections(db.session(), o, current_user, {name: data}, expected, grammar="typed")
            db.session.commit()
        except ops.OfferError as e:
            db.session.rollback()
            errors = errors_by_field(e.errors)
            status = 422
        except WorkflowError as e:
            db.session.rollback()
            flash(str(e.detail), "error")
            return redirect(url_for(".show", oid=oid), 303)
        except PermissionDenied:
            abort(403)
        else:
            flash(_("Zapisano: %(s)s.", s=str(names[name])), "success")
            if request.form.get("add_row"):
                return redirect(url_for(".edit_section", oid=oid, name=name, rows=int(request.form.get("rows", 0)) + 1), 303)
            return redirect(url_for(".show", oid=oid) + f"#sec-{name}", 303)
    elif o.state not in ops.EDITABLE_STATES:
        flash(_("Złożonej oferty nie można zmieniać."), "error")
        return redirect(url_for(".show", oid=oid), 303)
    extra_rows = max(1, min(int(request.args.get("rows", 1) or 1), 20))
    return render_template("offers/section.html", o=o, c=o.contest, name=name, title=names[name],
                           call_type=get_call_type(o.contest.call_type),
                           values=values if values is not None else cm.empty().get(name), errors=errors, form=form,
                           extra_rows=extra_rows, years=_years(o), partners=_partner_choices(o) if name in ("partners", "costs") else [],
                           declarations=cm.DECLARATIONS, figures=figures(o.content)), status


@bp.route("/offers/<int:oid>/transitions/<name>", methods=["POST"])
@login_required
def transition(oid, name):
    o = _get(oid, for_transition=True)
    payload = {}
    if name == "request_correction":
        payload["deficiencies"] = [x.strip() for x in request.form.get("deficiencies", "").splitlines() if x.strip()]
    elif name == "reject_formally":
        payload["reasons"] = request.form.get("reasons", "")
    elif name == "withdraw" and request.form.get("reason"):
        payload["reason"] = request.form.get("reason")
    submitting = name in ("submit", "resubmit")

    def receipt_after_double_click(_error):
        fresh = db.session.get(Offer, oid)
        if submitting and fresh is not None and fresh.state == "submitted" and fresh.receipt:
            # a double click: the first click submitted; show the same receipt
            flash(_("Oferta została już złożona. Oto potwierdzenie."), "success")
            return redirect(url_for(".show", oid=oid) + "#receipt", 303)
        return None

    return perform(o, name, payload=payload, back=url_for(".show", oid=oid), refused=receipt_after_double_click,
                   done=url_for(".show", oid=oid) + ("#receipt" if submitting else ""))


@bp.route("/offers/<int:oid>/checks", methods=["POST"])
@login_required
def checks(oid):
    o = _get(oid)
    require_csrf()
    codes = [c["code"] for c in o.contest.formal_checklist or []]
    values = {code: request.form.get(f"check.{code}") == "1" for code in codes}
    try:
        ops.set_formal_checks(db.session(), o, current_user, values, int(request.form.get("version", o.version)))
        db.session.commit()
    except PermissionDenied:
        abort(403)
    except (WorkflowError, ops.OfferError) as e:
        db.session.rollback()
        flash(str(getattr(e, "detail", e)), "error")
    else:
        flash(_("Zapisano listę kontrolną."), "success")
    return redirect(url_for(".show", oid=oid) + "#formal", 303)


@bp.route("/offers/<int:oid>/print")
@login_required
def printable(oid):
    return render_html("offer", offer_context(_get(oid)))


def _flatten(node, prefix="") -> dict[str, str]:
    out = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.update(_flatten(v, f"{prefix}.{i}"))
    else:
        out[prefix] = "" if node is None else str(node)
    return out


@bp.route("/offers/<int:oid>/revisions")
@login_required
def revisions(oid):
    o = _get(oid)
    revs = o.revisions
    if not revs:
        return render_template("offers/revisions.html", o=o, revs=[], rows=[], a=None, b=None)
    try:
        a = int(request.args.get("a", max(1, len(revs) - 1)))
        b = int(request.args.get("b", len(revs)))
    except ValueError:
        abort(404)
    ra = next((r for r in revs if r.number == a), None)
    rb = next((r for r in revs if r.number == b), None)
    if ra is None or rb is None:
        abort(404)
    fa, fb = _flatten(ra.content["content"]), _flatten(rb.content["content"])
    rows = [(k, fa.get(k, ""), fb.get(k, ""), fa.get(k) != fb.get(k)) for k in sorted(set(fa) | set(fb))]
    if request.args.get("changed") == "1":
        rows = [r for r in rows if r[3]]
    return render_template("offers/revisions.html", o=o, revs=revs, rows=rows, a=ra, b=rb)


@section(APPLICANT)
def _my_offers(user):
    orgs = list(user.organisation_ids)
    if not orgs:
        return None
    rows = db.session.scalars(ops.visible(select(Offer), user).where(Offer.state.in_(
        ("draft", "submitted", "needs_correction", "eligible", "update_required", "selected", "ready_for_agreement")))
        .options(joinedload(Offer.contest).joinedload(Contest.grantor)).order_by(Offer.id)).all()  # each row shows its contest's deadline
    items = []
    for o in rows:
        # the same title in two contests is told apart; the authority too (issue 22: one home for all)
        meta = f"{o.contest.grantor.name} · {o.contest.title} · {o.state_label}"
        flag = ""
        if o.state == "needs_correction" and o.correction_due_at:
            flag = str(_("uzupełnij do %(d)s", d=formatting.when(o.correction_due_at)))
        elif o.state == "draft" and o.contest.deadline:
            meta += " · " + str(_("termin %(d)s", d=formatting.when(o.contest.deadline)))
        items.append(Item(o.title or str(_("(bez tytułu)")), url_for("offers.show", oid=o.id), meta, flag=flag))
    return Section(_("Oferty mojej organizacji"), items, empty=_("Brak ofert w toku."), order=11)


@section(OFFICER, ADMIN)
def _offers_to_review(user):
    q = ops.visible(select(Offer), user).join(Contest, Contest.id == Offer.contest_id).where(
        Offer.state == "submitted", Contest.state == "formal_review")
    rows = db.session.scalars(q.options(joinedload(Offer.contest)).order_by(Offer.id).limit(50)).all()
    items = [Item(f"{o.number} {o.title}", url_for("offers.show", oid=o.id) + "#formal",
                  f"{o.contest.title} · {_('ocena formalna')}") for o in rows]
    return Section(_("Oferty do oceny formalnej"), items, empty=_("Brak ofert do oceny formalnej."), order=13)
