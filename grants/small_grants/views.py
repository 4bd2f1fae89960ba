"""Art. 19a small grants: the NGO's simplified offer, the public 7-day comment window, the officer's award."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from grants.core import formatting
from grants.core import clock, db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, has_role
from grants.registry import authorities, departments
from grants.core.numbers import parse_money
from grants.registry.dictionaries import FIELDS
from grants.registry.views import department_context
from grants.web.home import Item, Section, section
from grants.workflows.base import available_transitions
from grants.web.transitions import CsrfForm, require_csrf, transition_page
from grants.web.areas import act, department_page, listing, save, viewer, visible_or_404

from . import operations as ops
from .models import SmallGrant, SmallGrantComment

bp = Blueprint("small_grants", __name__, url_prefix="/small-grants", template_folder="templates")




def _get(sid):
    return visible_or_404(SmallGrant, sid, ops.visible)


@bp.route("/", methods=["GET", "POST"])
def index():
    errors, values, status = {}, {}, 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            abort(401)
        require_csrf()
        values = {k: request.form.get(k, "") for k in ("title", "description", "field", "amount", "task_start", "task_end",
                                                      "grantor")}
        data, errors = dict(values), {}
        try:
            data["amount"] = parse_money(values["amount"], grammar="typed") \
                if values["amount"].strip() else None
        except ValueError as e:
            errors["amount"] = str(e)
        for k in ("task_start", "task_end"):
            try:
                data[k] = date.fromisoformat(values[k]) if values[k] else None
            except ValueError:
                errors[k] = str(_("Podaj datę w postaci RRRR-MM-DD."))
        try:
            org_id = int(request.form.get("organisation_id", "0"))
        except ValueError:
            abort(403)
        def submit():
            if errors:
                raise ops.SmallGrantError([{"field": k, "message": v} for k, v in errors.items()])
            return ops.submit(db.session(), current_user, org_id, data)

        def refused(refusals):
            nonlocal errors, status
            errors = {x["field"]: x["message"] for x in refusals}
            status = 422

        saved = save(submit, refused, lambda submitted: [
            (_("Złożono ofertę w trybie art. 19a. Urząd opublikuje ją na 7 dni do uwag."), "success"),
            *((_("Uwaga: %(w)s", w=w), "info") for w in submitted[1])],
            lambda submitted: url_for(".show", sid=submitted[0].id), code=303)
        if saved is not None:
            return saved
    page = listing(ops.visible(select(SmallGrant), viewer()), SmallGrant, SmallGrant.id.desc())
    orgs = [m.organisation for m in current_user.memberships] if viewer() and has_role(current_user, APPLICANT) else []
    values.setdefault("grantor", request.args.get("grantor", ""))
    return render_template("small_grants/index.html", rows=page.rows, page=page, orgs=orgs, fields=FIELDS, errors=errors, values=values,
                           grantors=authorities.all_grantors(db.session()) if orgs else [],
                           form=CsrfForm()), status


@bp.route("/<int:sid>", methods=["GET", "POST"])
def show(sid):
    obj = _get(sid)
    if request.method == "POST":  # a comment: anyone may comment while published (R-19A-PUBLISH)
        require_csrf()
        return act(lambda: ops.add_comment(db.session(), obj, viewer(), request.form.get("author_name", ""),
                                           request.form.get("body", "")),
                   url_for(".show", sid=sid) + "#comments", _("Dziękujemy, uwaga została przyjęta."))
    comments = db.session.scalars(select(SmallGrantComment).where(SmallGrantComment.small_grant_id == obj.id)
                                  .order_by(SmallGrantComment.id)).all()
    now = clock.now()
    return render_template("small_grants/show.html", o=obj, comments=comments, fields=FIELDS,
                           can_comment=obj.state == "published" and obj.comments_close_at and now <= obj.comments_close_at,
                           late=ops.publish_late(obj, clock.today()),
                           transitions=available_transitions(db.session(), obj, viewer()) if viewer() else [],
                           form=CsrfForm(), **department_context(obj, viewer()))


transition_page(bp, "/<int:sid>/transitions/<name>", _get, ("justification", "reason"))


@section("public")
def _open_for_comments(user):
    rows = db.session.scalars(select(SmallGrant).where(SmallGrant.state == "published").order_by(SmallGrant.id)).all()
    return Section(_("Małe granty (art. 19a): zgłoś uwagi"),
                   [Item(o.title, url_for("small_grants.show", sid=o.id), str(_("uwagi do %(d)s",
                                                                                d=formatting.day(o.comments_close_at))))
                    for o in rows], empty=_("Brak ofert otwartych na uwagi."), order=35)


department_page(bp, "/<int:sid>/department", _get, ops.reassign_department)


@section(OFFICER, ADMIN)
def _small_grants_waiting(user):
    """The department's offers (an admin: all, those without a department first)."""
    rows = db.session.scalars(ops.visible(select(SmallGrant), user).where(SmallGrant.state.in_(
        ("submitted", "comments_closed")), departments.officer_condition(SmallGrant, user))
        .order_by(SmallGrant.department_id.is_not(None), SmallGrant.id)).all()
    today = clock.today()
    items = []
    for o in rows:
        if o.state == "submitted":
            items.append(Item(o.title, url_for("small_grants.show", sid=o.id), str(_("opublikuj do %(d)s", d=o.publish_due)),
                              flag=str(_("termin publikacji minął (R-19A-PUBLISH)")) if ops.publish_late(o, today) else ""))
        else:
            items.append(Item(o.title, url_for("small_grants.show", sid=o.id), str(_("uwagi zebrane: rozstrzygnij"))))
    for o, item in zip(rows, items):
        if o.department_id is None:  # only admins see these: they assign the department
            item.flag = "; ".join(f for f in (item.flag, str(_("bez wydziału: przypisz"))) if f)
    return Section(_("Małe granty do obsłużenia"), items, empty=_("Brak małych grantów do obsłużenia."), order=16)
