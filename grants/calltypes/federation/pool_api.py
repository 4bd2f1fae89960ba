"""/api/v1/commission-pool: the standing pool of NGO candidates for commissions (S2, R-COM-NGO), and
/api/v1/commissions/<id>/members/from-pool (officers compose a commission from it).

Public without a token: each candidate's name, nominating organisation and fields, never the e-mail
or the profile. Officers and admins, the candidate and the nominating organisation's members also
get the profile and the nomination's status. Errors in the contract's order: 401, 404, 403, 409, 422."""
from __future__ import annotations

from flask import request
from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.api import auth
from grants.api.blueprint import bp
from grants.api.collections import _expected_version, _json, _object, _page_args, full
from grants.api.problems import ApiProblem, invalid
from grants.api.validation import raw_json, validate
from grants.commissions.access import is_staff
from grants.commissions.api import COLLECTION
from grants.core import canonical, db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.registry.dictionaries import FIELDS
from grants.workflows.errors import NotEditable

from . import pool as ops
from .models import PoolCandidate

NOT_VISIBLE = "No such candidate, or not visible to you."


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def _insider(c: PoolCandidate, user) -> bool:
    """Who may read the profile and the nomination's status."""
    if user is None:
        return False
    return has_role(user, OFFICER, ADMIN) or c.user_id == user.id or ops.may_withdraw(user, c)


def serialize(c: PoolCandidate, user) -> dict:
    body = {"id": str(c.id), "name": ops.public_name(c),
            "organisation": {"id": str(c.organisation_id), "name": c.organisation.name},
            "fields": list(c.fields or [])}
    if _insider(c, user):
        body.update({"profile": c.profile, "status": ops.status(c), "nominated_at": _s(c.nominated_at),
                     "consent_at": _s(c.consent_at), "withdrawn_at": _s(c.withdrawn_at),
                     "is_me": c.user_id == user.id})
    return body


def _candidate(pid, user) -> PoolCandidate:
    try:
        pk = int(pid)
    except ValueError:
        raise ApiProblem(404, NOT_VISIBLE) from None
    if not 0 < pk < 2**31:
        raise ApiProblem(404, NOT_VISIBLE)
    c = db.session.scalar(ops.visible(select(PoolCandidate).where(PoolCandidate.id == pk), user))
    if c is None:
        raise ApiProblem(404, NOT_VISIBLE)
    return c


def _field_arg() -> str | None:
    field = request.args.get("field") or None
    if field is not None and field not in FIELDS:
        raise invalid([{"field": "field", "message": "unknown field of public benefit"}])
    return field


@bp.route("/commission-pool", methods=["GET"])
def pool_list():
    """The pool (consented, not withdrawn), by name; ?field=<code> filters; ?mine=1 (token needed)
    lists instead the caller's own nominations and their organisations' ones, in every state."""
    mine = request.args.get("mine") in ("1", "true")
    user = auth.require_user() if mine else auth.current_api_user()
    page, per_page = _page_args()
    field = _field_arg()
    s = db.session()
    if mine:
        rows = list(s.scalars(ops.visible(select(PoolCandidate), user).where(
            (PoolCandidate.user_id == user.id) | PoolCandidate.organisation_id.in_(
                list(user.organisation_ids) if has_role(user, "applicant") else []))
            .order_by(PoolCandidate.id)))
        if field:
            rows = [c for c in rows if field in (c.fields or [])]
    else:
        rows = ops.pool(s, field)
    chunk = rows[(page - 1) * per_page: page * per_page]
    return _json({"items": [serialize(c, user) for c in chunk], "total": len(rows), "page": page,
                  "per_page": per_page}, 200)


@bp.route("/commission-pool/<pid>", methods=["GET"])
def pool_get(pid):
    user = auth.current_api_user()
    return _json(serialize(_candidate(pid, user), user), 200)


class NominateIn(BaseModel):
    model_config = {"extra": "forbid"}
    organisation_id: str = Field(max_length=20)
    email: str = Field(max_length=320)
    profile: str = Field(max_length=20000)  # the rule's limit (pool.PROFILE_MAX) is checked with a clear message
    fields: list[str] = Field(default_factory=list, max_length=len(FIELDS))


@bp.route("/commission-pool", methods=["POST"])
def pool_nominate():
    user = auth.require_user()
    if not ops.may_nominate(user):
        raise PermissionDenied("Only a member of an organisation nominates candidates to the pool.")
    data = validate(NominateIn, raw_json())
    try:
        org_id = int(data.organisation_id)
    except ValueError:
        raise invalid([{"field": "organisation_id", "message": "must be an id"}]) from None
    try:
        c = ops.nominate(db.session(), user, organisation_id=org_id, email=data.email, profile=data.profile,
                         fields=data.fields)
    except ops.PoolError as e:
        db.session.rollback()
        raise invalid(e.errors, "The nomination was refused.") from None
    db.session.commit()
    return _json(serialize(c, user), 201)


class ProfileIn(BaseModel):
    model_config = {"extra": "forbid"}
    profile: str | None = Field(default=None, max_length=20000)
    fields: list[str] | None = Field(default=None, max_length=len(FIELDS))


@bp.route("/commission-pool/<pid>", methods=["PATCH"])
def pool_update(pid):
    user = auth.require_user()
    c = _candidate(pid, user)
    if c.user_id != user.id:
        raise PermissionDenied("Only the candidate edits their profile.")
    ops.not_withdrawn(c)  # 409 before the body is read
    data = validate(ProfileIn, raw_json())
    try:
        ops.update_profile(db.session(), user, c, profile=data.profile, fields=data.fields)
    except ops.PoolError as e:
        db.session.rollback()
        raise invalid(e.errors) from None
    db.session.commit()
    return _json(serialize(c, user), 200)


@bp.route("/commission-pool/<pid>/consent", methods=["POST"])
def pool_consent(pid):
    user = auth.require_user()
    c = _candidate(pid, user)
    ops.consent(db.session(), user, c)
    db.session.commit()
    return _json(serialize(c, user), 200)


@bp.route("/commission-pool/<pid>/withdraw", methods=["POST"])
def pool_withdraw(pid):
    user = auth.require_user()
    c = _candidate(pid, user)
    ops.withdraw(db.session(), user, c)
    db.session.commit()
    return _json(serialize(c, user), 200)


class FromPoolIn(BaseModel):
    model_config = {"extra": "forbid"}
    candidate_id: str | int = Field(union_mode="left_to_right")


@bp.route("/commissions/<cid>/members/from-pool", methods=["POST"])
def commission_add_from_pool(cid):
    user = auth.require_user()
    commission = _object(COLLECTION, cid, user)
    if not is_staff(user, commission):
        raise PermissionDenied()
    if commission.state != "forming":  # 409 before the body is read: the state refuses whatever it says
        raise NotEditable(_("Skład komisji można zmieniać tylko przed otwarciem oświadczeń."))
    expected = _expected_version()
    data = validate(FromPoolIn, raw_json())
    try:
        ops.add_from_pool(db.session(), user, commission, data.candidate_id, expected_version=expected)
    except (ops.PoolError, ValueError) as e:
        db.session.rollback()
        raise invalid(getattr(e, "errors", [{"field": "candidate_id", "message": str(e)}])) from None
    db.session.commit()
    return _json(full(COLLECTION, commission, user), 200, commission)


# the sub-resources above, for the API documentation (as the other areas list theirs)
EXTRA_PATHS_DOC = {
    "/api/v1/commission-pool": ["get", "post"],
    "/api/v1/commission-pool/{id}": ["get", "patch"],
    "/api/v1/commission-pool/{id}/consent": ["post"],
    "/api/v1/commission-pool/{id}/withdraw": ["post"],
    "/api/v1/commissions/{id}/members/from-pool": ["post"],
}
