"""Art. 12 own-initiative offers: a guide, the NGO's submission, the officer's assessment within a month."""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core import clock, db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, PermissionDenied, has_role
from grants.core.numbers import parse_money
from grants.registry import authorities
from grants.registry.dictionaries import FIELDS
from grants.registry.views import department_context
from grants.web.home import Item, Section, section
from grants.workflows.base import available_transitions
from grants.web.transitions import CsrfForm, require_csrf, transition_page
from grants.web.areas import department_page, listing, visible_or_404

from . import operations as ops
from .models import Initiative

bp = Blueprint("initiatives", __name__, url_prefix="/initiatives", template_folder="templates")



@bp.route("/guide")
def guide():
    return render_template("initiatives/guide.html")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    errors, values, status = {}, {}, 200
    if request.method == "POST":
        require_csrf()
        values = {k: request.form.get(k, "") for k in ("title", "description", "field", "estimated_cost", "grantor")}
        try:
            data = dict(values)
            data["estimated_cost"] = parse_money(values["estimated_cost"], grammar="typed") \
                if values["estimated_cost"] else None
            obj = ops.submit(db.session(), current_user, int(request.form.get("organisation_id", "0")), data)
            db.session.commit()
        except PermissionDenied:
            abort(403)
        except ValueError as e:
            db.session.rollback()
            errors = {x["field"]: x["message"] for x in e.errors} if hasattr(e, "errors") else {"estimated_cost": str(e)}
            status = 422
        else:
            flash(_("Złożono ofertę z własnej inicjatywy. Urząd oceni jej celowość w ciągu miesiąca."), "success")
            return redirect(url_for(".show", iid=obj.id), 303)
    page = listing(ops.visible(select(Initiative), current_user), Initiative, Initiative.id.desc())
    orgs = [m.organisation for m in current_user.memberships] if has_role(current_user, APPLICANT) else []
    values.setdefault("grantor", request.args.get("grantor", ""))
    return render_template("initiatives/index.html", rows=page.rows, page=page, orgs=orgs, fields=FIELDS, errors=errors, values=values,
                           grantors=authorities.all_grantors(db.session()) if orgs else [],
                           today=clock.today(), late=ops.is_late, form=CsrfForm()), status


@bp.route("/<int:iid>")
@login_required
def show(iid):
    obj = visible_or_404(Initiative, iid, ops.visible)
    return render_template("initiatives/show.html", o=obj, fields=FIELDS, late=ops.is_late(obj, clock.today()),
                           transitions=available_transitions(db.session(), obj, current_user), form=CsrfForm(),
                           **department_context(obj, current_user))


transition_page(bp, "/<int:iid>/transitions/<name>", lambda iid: visible_or_404(Initiative, iid, ops.visible),
                ("announcement_date", "justification", "reason"))


department_page(bp, "/<int:iid>/department", lambda iid: visible_or_404(Initiative, iid, ops.visible),
                ops.reassign_department)


@section(OFFICER, ADMIN)
def _initiatives_waiting(user):
    """The department's offers (an admin: all)."""
    rows = db.session.scalars(ops.visible(select(Initiative), user).where(
        Initiative.state.in_(("submitted", "under_assessment"))).order_by(Initiative.assessment_due)).all()
    today = clock.today()
    items = [Item(o.title, url_for("initiatives.show", iid=o.id), str(_("ocena do %(d)s", d=o.assessment_due)),
                  flag="; ".join(str(f) for f in (
                      _("po terminie (R-ART12-MONTH)") if ops.is_late(o, today) else "",
                      _("bez wydziału: przypisz") if o.department_id is None else "") if f)) for o in rows]
    return Section(_("Oferty z własnej inicjatywy do oceny"), items, empty=_("Brak ofert do oceny."), order=14)
