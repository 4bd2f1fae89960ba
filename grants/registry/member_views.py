"""Pages of an organisation's members and of a person's invitations (R-ORG-MEMBERSHIP): the board
invites and manages, the invitee accepts or declines from their account, staff add only as an
audited exception, the board and staff remove, anyone leaves."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.forms.registry import ConfirmForm, InviteForm, RemoveMemberForm, RoleForm, StaffAddForm
from grants.web import home
from grants.web.areas import act
from grants.web.transitions import require_csrf

from . import memberships as ms
from .models import Membership, MembershipInvitation, Organisation

bp = Blueprint("members", __name__, template_folder="templates")


def _org(oid) -> Organisation:
    org = db.session.get(Organisation, oid)
    if org is None:
        abort(404)
    if not ms.can_see_members(db.session(), current_user, org):
        abort(403)
    return org


def _apply_errors(form, errors) -> None:
    for err in errors:
        field = getattr(form, err["field"], None)
        if field is not None and hasattr(field, "errors") and err["field"] != "csrf_token":
            field.errors = list(field.errors) + [err["message"]]
        else:
            flash(err["message"], "error")


def _render(org: Organisation, *, invite_form=None, staff_form=None, status: int = 200):
    s = db.session()
    user = current_user
    staff = has_role(user, OFFICER, ADMIN)
    rows = ms.members(s, org)
    board = ms.is_board(user, org.id)
    return render_template(
        "registry/members.html", org=org, rows=rows, board=board, staff=staff,
        member_roles=ms.ROLE_LABELS, invite_form=invite_form or InviteForm(prefix="invite"),
        staff_form=staff_form or StaffAddForm(prefix="staff"), works_with=staff and ms.works_with(s, user, org),
        role_forms={m.id: RoleForm(prefix=f"m{m.id}", role=m.role) for m in rows} if board else {},
        removable={m.id for m in rows if ms.can_remove(s, user, m)},
        invitations=ms.pending_of(s, org) if board else [], confirm=ConfirmForm(),
        reason_min=ms.REASON_MIN_LENGTH, valid_days=ms.INVITATION_VALID.days), status


@bp.route("/organisations/<int:oid>/members")
@login_required
def index(oid):
    return _render(_org(oid))


@bp.route("/organisations/<int:oid>/invitations", methods=["POST"])
@login_required
def invite(oid):
    org = _org(oid)
    if not ms.can_invite(current_user, org):
        abort(403)
    form = InviteForm(prefix="invite")
    if not form.validate_on_submit():
        return _render(org, invite_form=form, status=422)
    try:
        ms.invite(db.session(), current_user, org, form.email.data, form.role.data)
        db.session.commit()
    except ms.MembershipError as e:
        db.session.rollback()
        _apply_errors(form, e.errors)
        return _render(org, invite_form=form, status=422)
    flash(_("Wysłano zaproszenie na adres %(email)s.", email=form.email.data), "success")
    return redirect(url_for(".index", oid=oid), 303)


@bp.route("/organisations/<int:oid>/members", methods=["POST"])
@login_required
def staff_add(oid):
    """Staff's exception (the URL that used to add anyone unannounced)."""
    org = _org(oid)
    if not has_role(current_user, OFFICER, ADMIN):
        abort(403)
    if not ms.works_with(db.session(), current_user, org):  # before the body: no relation, no exception
        raise PermissionDenied(ms.NO_RELATION)
    form = StaffAddForm(prefix="staff")
    if not form.validate_on_submit():
        return _render(org, staff_form=form, status=422)
    try:
        ms.add_by_staff(db.session(), current_user, org, form.email.data, form.reason.data, form.role.data)
        db.session.commit()
    except PermissionDenied as e:
        db.session.rollback()
        flash(str(e.reason), "error")
        return _render(org, staff_form=form, status=403)
    except ms.MembershipError as e:
        db.session.rollback()
        _apply_errors(form, e.errors)
        return _render(org, staff_form=form, status=422)
    flash(_("Dodano osobę jako wyjątek; członkowie organizacji zostali powiadomieni."), "success")
    return redirect(url_for(".index", oid=oid), 303)


def _membership(oid, mid) -> Membership:
    m = db.session.get(Membership, mid)
    if m is None or m.organisation_id != oid:
        abort(404)
    return m


@bp.route("/organisations/<int:oid>/members/<int:mid>/role", methods=["POST"])
@login_required
def set_role(oid, mid):
    org = _org(oid)
    m = _membership(org.id, mid)
    if not ms.is_board(current_user, org.id):
        abort(403)
    form = RoleForm(prefix=f"m{m.id}")
    if not form.validate_on_submit():
        flash(_("Wybierz rolę."), "error")
        return redirect(url_for(".index", oid=oid), 303)
    return act(lambda: ms.set_role(db.session(), current_user, m, form.role.data), url_for(".index", oid=oid),
               _("Zmieniono rolę."))


@bp.route("/organisations/<int:oid>/members/<int:mid>/remove", methods=["GET", "POST"])
@login_required
def remove(oid, mid):
    org = _org(oid)
    m = _membership(org.id, mid)
    if not ms.can_remove(db.session(), current_user, m):
        abort(403)
    form = RemoveMemberForm()
    leaving = m.user_id == current_user.id
    if form.validate_on_submit():
        try:
            ms.remove(db.session(), current_user, m, form.reason.data or "")
            db.session.commit()
        except ms.MembershipError as e:
            db.session.rollback()
            flash("; ".join(x["message"] for x in e.errors), "error")
            return redirect(url_for(".index", oid=oid), 303)
        if leaving:
            flash(_("Nie działasz już w imieniu organizacji „%(org)s”.", org=org.name), "success")
            return redirect(url_for("home.index"), 303)
        flash(_("Usunięto osobę z organizacji."), "success")
        return redirect(url_for(".index", oid=oid), 303)
    return render_template("registry/member_remove.html", org=org, m=m, form=form, leaving=leaving,
                           member_roles=ms.ROLE_LABELS), 422 if request.method == "POST" else 200


@bp.route("/organisations/<int:oid>/invitations/<int:iid>/revoke", methods=["POST"])
@login_required
def revoke(oid, iid):
    org = _org(oid)
    inv = db.session.get(MembershipInvitation, iid)
    if inv is None or inv.organisation_id != org.id:
        abort(404)
    require_csrf()
    return act(lambda: ms.revoke(db.session(), current_user, inv), url_for(".index", oid=oid), _("Wycofano zaproszenie."))


@bp.route("/invitations")
@login_required
def invitations():
    return render_template("registry/invitations.html", rows=ms.pending_for(db.session(), current_user),
                           confirm=ConfirmForm(), member_roles=ms.ROLE_LABELS)


def _answer(iid, fn, done):
    inv = ms.visible_invitation(db.session(), current_user, iid)
    if inv is None:
        abort(404)
    require_csrf()
    return act(lambda: fn(db.session(), current_user, inv), url_for(".invitations"), done)


@bp.route("/invitations/<int:iid>/accept", methods=["POST"])
@login_required
def accept(iid):
    return _answer(iid, ms.accept, _("Przyjęto zaproszenie: działasz teraz w imieniu organizacji."))


@bp.route("/invitations/<int:iid>/decline", methods=["POST"])
@login_required
def decline(iid):
    return _answer(iid, ms.decline, _("Odrzucono zaproszenie."))


@home.section("public")
def _my_invitations(user):
    """Every signed-in person sees the invitations waiting for their e-mail."""
    if user is None:
        return None
    rows = ms.pending_for(db.session(), user)
    if not rows:
        return None
    return home.Section(_("Zaproszenia do organizacji"), [
        home.Item(str(_("%(org)s (rola: %(role)s)", org=inv.organisation.name, role=ms.ROLE_LABELS[inv.role])),
                  url_for("members.invitations")) for inv in rows], order=5)
