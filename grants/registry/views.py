"""The organisation registry pages: public list and record (S3, S5), officers keep it, members keep
their own contact data."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.core import audit, db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.forms.registry import OrganisationForm

from grants.forms.account import CsrfForm
from grants.web.areas import listing

from . import merging, notes
from . import operations as ops
from .import_views import sources_of
from . import search
from .dictionaries import DISTRICTS, FIELDS, LEGAL_FORMS
from .models import Department, Membership, Organisation

bp = Blueprint("registry", __name__, url_prefix="/organisations", template_folder="templates")
PER_PAGE = 50


def _user():
    return current_user if current_user.is_authenticated else None


@bp.route("/")
def index():
    text = (request.args.get("q") or "").strip()[:100]
    field = request.args.get("field") or ""
    district = request.args.get("district") or ""
    q = search.query(db.session().bind.dialect.name, text, field, district)
    page = listing(q, Organisation, *search.ORDER, per_page=PER_PAGE, search=bool(text))
    return render_template("registry/index.html", rows=page.rows, page=page, q=text,
                           field=field, district=district, fields=FIELDS, districts=DISTRICTS, forms=LEGAL_FORMS,
                           can_create=has_role(_user(), OFFICER, ADMIN))


@bp.route("/<int:oid>")
def show(oid):
    org = db.session.get(Organisation, oid)
    if org is None:
        abort(404)
    if org.merged_into_id:  # a merged record redirects to the one kept (issue 16)
        return redirect(url_for(".show", oid=merging.resolve(db.session(), org).id), 301)
    user = _user()
    staff = has_role(user, OFFICER, ADMIN)
    org_sources, differ = sources_of(org) if staff else ([], {})
    members = []
    if staff or (user is not None and org.id in user.organisation_ids):
        members = db.session.scalars(select(Membership).where(Membership.organisation_id == org.id)
                                     .options(selectinload(Membership.user))).all()
    return render_template("registry/show.html", org=org, fields=FIELDS, districts=DISTRICTS, forms=LEGAL_FORMS,
                           members=members, can_edit=ops.can_edit(db.session(), user, org), staff=staff,
                           history=audit.history(db.session(), "organisation", org.id) if staff else None,
                           org_sources=org_sources, differ=differ,
                           notes=notes.visible(db.session(), user, org), may_note=notes.may_use(user))


@bp.route("/<int:oid>/notes", methods=["POST"])
@login_required
def add_note(oid: int):
    """An authority's own note on the organisation (issue 22)."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    org = db.session.get(Organisation, oid)
    if org is None or not notes.may_use(current_user):
        abort(404)
    try:
        notes.add(db.session(), current_user._get_current_object(), org, request.form.get("body", ""))
        db.session.commit()
    except notes.NoteError as e:
        db.session.rollback()
        flash("; ".join(x["message"] for x in e.errors), "error")
    else:
        flash(_("Zapisano notatkę."), "success")
    return redirect(url_for(".show", oid=oid), 303)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not has_role(current_user, OFFICER, ADMIN):
        abort(403)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = ops.create(db.session(), current_user, form.values())
            db.session.commit()
        except ops.RegistryError as e:
            db.session.rollback()
            for err in e.errors:
                getattr(form, err["field"]).errors.append(err["message"])
        else:
            flash(_("Dodano organizację do rejestru."), "success")
            return redirect(url_for(".show", oid=org.id))
    return render_template("registry/form.html", form=form, org=None), 422 if request.method == "POST" else 200


@bp.route("/<int:oid>/edit", methods=["GET", "POST"])
@login_required
def edit(oid):
    org = db.session.get(Organisation, oid)
    if org is None:
        abort(404)
    if not ops.can_edit(db.session(), current_user, org):
        abort(403)
    form = OrganisationForm(obj=org) if request.method == "GET" else OrganisationForm()
    if request.method == "GET":
        form.district.data = org.district or ""
    identity_locked = not has_role(current_user, OFFICER, ADMIN)
    if form.validate_on_submit():
        try:
            ops.update(db.session(), current_user, org, form.values())
            db.session.commit()
        except ops.RegistryError as e:
            db.session.rollback()
            for err in e.errors:
                getattr(form, err["field"]).errors.append(err["message"])
        except PermissionDenied:
            abort(403)
        else:
            flash(_("Zapisano zmiany."), "success")
            return redirect(url_for(".show", oid=org.id))
    return render_template("registry/form.html", form=form, org=org, identity_locked=identity_locked), \
        422 if request.method == "POST" else 200


def department_context(obj, user) -> dict:
    """What an art. 12 or art. 19a offer's page shows of its department, and the admin's choices to
    reassign it (the form posts department_id to the area's /department route)."""
    dept = db.session.get(Department, obj.department_id) if obj.department_id else None
    choices = db.session.scalars(select(Department).where(Department.grantor_id == obj.grantor_id)  # its authority's
                                 .order_by(Department.code)).all() if has_role(user, ADMIN) else []
    return {"department": dept, "department_choices": choices}
