"""The platform operator's page (issue 22): the authorities of the deployment, a new authority and
its first admin. The operator sees no drafts: the role has no rights in any area."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants.accounts import admin
from grants.accounts.operations import AccountError
from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import OPERATOR
from grants.forms.account import CsrfForm
from grants.registry import authorities

from .security import roles_required

bp = Blueprint("operator", __name__, url_prefix="/operator")


@bp.route("/grantors/")
@roles_required(OPERATOR)
def grantors():
    return render_template("operator/grantors.html", rows=authorities.all_grantors(db.session()),
                           voivodeship=authorities.voivodeship, form=request.form)


@bp.route("/grantors/", methods=["POST"])
@roles_required(OPERATOR)
def create_grantor():
    if not CsrfForm().validate_on_submit():
        abort(400)
    f = request.form
    try:
        g = authorities.create(db.session(), current_user._get_current_object(), code=f.get("code", ""),
                               name=f.get("name", ""), teryt=f.get("teryt", ""), office_name=f.get("office_name", ""),
                               coat_of_arms_url=f.get("coat_of_arms_url", ""), colour=f.get("colour", ""),
                               host=f.get("host", ""))
        db.session.commit()
    except authorities.GrantorError as e:
        db.session.rollback()
        for err in e.errors:
            flash(err["message"], "error")
        return redirect(url_for(".grantors"), 303)
    flash(_("Dodano organ %(n)s.", n=g.name), "success")
    return redirect(url_for(".grantors"), 303)


@bp.route("/grantors/<code>/admins", methods=["POST"])
@roles_required(OPERATOR)
def create_admin(code: str):
    if not CsrfForm().validate_on_submit():
        abort(400)
    g = authorities.by_code(db.session(), code)
    if g is None:
        abort(404)
    f = request.form
    try:
        admin.create_first_admin(db.session(), current_user._get_current_object(), g, email=f.get("email", ""),
                                 password=f.get("password", ""), full_name=f.get("full_name", ""))
        db.session.commit()
    except AccountError as e:
        db.session.rollback()
        flash(str(e.message), "error")
    else:
        flash(_("Dodano administratora organu %(n)s.", n=g.name), "success")
    return redirect(url_for(".grantors"), 303)
