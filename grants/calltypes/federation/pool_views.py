"""Pages of the standing pool of NGO candidates for commissions (S2, R-COM-NGO), on the "federation"
blueprint: the public pool (name and nominating organisation only), the nomination form for the
members of an organisation, the candidate's own page (consent, profile, withdrawal), the officers'
"add from the pool" form on a forming commission's page, and a home section for a candidate whose
consent is awaited."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.commissions.access import is_staff
from grants.core import audit, db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, ROLES, PermissionDenied, has_role
from grants.registry.dictionaries import FIELDS
from grants.web.home import Item, Section, section
from grants.web.transitions import require_csrf
from grants.commissions import operations as rops
from grants.commissions.composition import participating_organisations
from grants.web.areas import act, save, visible_or_404
from reviewers.models import Commission

from . import pool as ops
from .blueprint import bp
from .models import PoolCandidate


def _user():
    return current_user if current_user.is_authenticated else None


def _field_filter() -> str | None:
    field = request.args.get("field") or None
    return field if field in FIELDS else None


def _errors(errors: list[dict]) -> dict[str, str]:
    out: dict[str, str] = {}
    for x in errors:
        out[x["field"]] = f"{out[x['field']]} {x['message']}" if x["field"] in out else x["message"]
    return out


@bp.route("/commission-pool")
def pool_index():
    """Public: who is in the pool, by name and nominating organisation (never e-mail or profile)."""
    field = _field_filter()
    user = _user()
    return render_template("federation/pool.html", rows=ops.pool(db.session(), field), field=field,
                           fields=FIELDS, name=ops.public_name, may_nominate=ops.may_nominate(user),
                           bad_field=bool(request.args.get("field")) and field is None)


@bp.route("/commission-pool/nominate", methods=["GET", "POST"])
@login_required
def pool_nominate():
    if not ops.may_nominate(current_user):
        abort(403)
    s = db.session()
    orgs = sorted((m.organisation for m in current_user.memberships), key=lambda o: o.name)
    errors, values = {}, {}
    if request.method == "POST":
        require_csrf()
        values = {"organisation_id": request.form.get("organisation_id", ""), "email": request.form.get("email", ""),
                  "profile": request.form.get("profile", ""), "fields": request.form.getlist("fields")}
        try:
            org_id = int(values["organisation_id"] or (orgs[0].id if len(orgs) == 1 else 0))
        except ValueError:
            org_id = 0
        try:
            ops.nominate(s, current_user, organisation_id=org_id, email=values["email"], profile=values["profile"],
                         fields=values["fields"])
            s.commit()
        except PermissionDenied:
            s.rollback()
            abort(403)
        except ops.PoolError as e:
            s.rollback()
            errors = _errors(e.errors)
        else:
            flash(_("Zgłoszono kandydata do puli. Trafi do niej, gdy sam wyrazi zgodę ze swojego konta."), "success")
            return redirect(url_for(".pool_nominate"), 303)
    return render_template("federation/pool_nominate.html", orgs=orgs, errors=errors, values=values, fields=FIELDS,
                           nominations=ops.nominations_of(s, current_user), labels=ops.STATUS_LABELS,
                           status=ops.status, name=ops.public_name, max_profile=ops.PROFILE_MAX), 422 if errors else 200


def _candidate(pid: int) -> PoolCandidate:
    """A nomination the caller is party to (the candidate, the nominating organisation, staff)."""
    c = db.session.scalar(ops.visible(select(PoolCandidate).where(PoolCandidate.id == pid), current_user))
    if c is None or not (c.user_id == current_user.id or ops.may_withdraw(current_user, c)
                         or has_role(current_user, OFFICER, ADMIN)):
        abort(404)
    return c


@bp.route("/commission-pool/<int:pid>")
@login_required
def pool_show(pid):
    c = _candidate(pid)
    return _show(c)


def _show(c, errors=None, values=None, status=200):
    staff = has_role(current_user, OFFICER, ADMIN)
    return render_template("federation/pool_candidate.html", cand=c, me=c.user_id == current_user.id,
                           may_withdraw=ops.may_withdraw(current_user, c), staff=staff, fields=FIELDS,
                           status=ops.status(c), labels=ops.STATUS_LABELS, name=ops.public_name(c),
                           errors=errors or {}, values=values or {}, max_profile=ops.PROFILE_MAX,
                           history=audit.history(db.session(), ops.OBJECT_TYPE, c.id) if staff else None), status


def _act(pid, fn, done, after=None):
    """Performs `fn` on the candidate (CSRF, 403, flash); back to the candidate's page or to `after()`."""
    c = _candidate(pid)
    require_csrf()
    return act(lambda: fn(c), lambda: (after and after()) or url_for(".pool_show", pid=pid), done)


@bp.route("/commission-pool/<int:pid>/consent", methods=["POST"])
@login_required
def pool_consent(pid):
    return _act(pid, lambda c: ops.consent(db.session(), current_user, c),
                _("Wyrażono zgodę: jesteś w puli kandydatów do komisji konkursowych."))


@bp.route("/commission-pool/<int:pid>/withdraw", methods=["POST"])
@login_required
def pool_withdraw(pid):
    def after():
        if request.form.get("back") == "nominate" and ops.may_nominate(current_user):
            return url_for(".pool_nominate")
        return None
    return _act(pid, lambda c: ops.withdraw(db.session(), current_user, c), _("Wycofano zgłoszenie z puli."), after)


@bp.route("/commission-pool/<int:pid>/profile", methods=["POST"])
@login_required
def pool_profile(pid):
    c = _candidate(pid)
    require_csrf()
    values = {"profile": request.form.get("profile", ""), "fields": request.form.getlist("fields")}
    return save(lambda: ops.update_profile(db.session(), current_user, c, profile=values["profile"], fields=values["fields"]),
                lambda errors: _show(c, _errors(errors), values, 422), _("Zapisano profil kandydata."),
                url_for(".pool_show", pid=pid), code=303)


@bp.route("/commissions/<int:cid>/members/from-pool", methods=["POST"])
@login_required
def pool_add_to_commission(cid):
    c = visible_or_404(Commission, cid, rops.visible)
    require_csrf()
    if not is_staff(current_user, c):
        abort(403)
    try:
        version = int(request.form.get("version", c.version))
    except ValueError:
        abort(400)

    def added(m):
        if m.excluded_reason:
            return _("Dodano członka z puli, ale jest wyłączony: %(reason)s", reason=m.excluded_reason), "error"
        return _("Dodano członka komisji z puli kandydatów organizacji."), "success"
    return act(lambda: ops.add_from_pool(db.session(), current_user, c, request.form.get("candidate_id", ""),
                                         expected_version=version),
               url_for("commissions.show", cid=cid) + "#pool", added)


@bp.app_context_processor
def _pool_picker():
    """`commission_pool_picker(c)` for the commission page: the pool's candidates not sitting on the
    commission, filtered by ?pool_field=, with a flag for those R-COM-NGO would exclude."""
    def picker(commission) -> dict:
        s = db.session()
        field = request.args.get("pool_field") or None
        field = field if field in FIELDS else None
        sitting = {m.user_id for m in commission.members}
        rows = [c for c in ops.pool(s, field) if c.user_id not in sitting]
        return {"rows": rows, "field": field, "fields": FIELDS, "name": ops.public_name,
                "taking_part": participating_organisations(s, commission.contest_id)}
    return {"commission_pool_picker": picker}


@section(*ROLES)
def _awaiting_consent(user):
    rows = ops.awaiting_consent(db.session(), user)
    if not rows:
        return None
    return Section(_("Zgłoszono Cię do puli kandydatów do komisji konkursowych"),
                   [Item(str(_("Zgłoszenie od: %(org)s", org=c.organisation.name)),
                         url_for("federation.pool_show", pid=c.id), str(_("czeka na Twoją zgodę")))
                    for c in rows], order=11)
