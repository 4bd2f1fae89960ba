"""Generic collection endpoints shared by every workflow object:
GET list (paged), GET one (with the caller's transitions), POST create, PATCH edit,
POST …/transitions/<name> (If-Match, Idempotency-Key). Areas declare a `Collection` in their api.py."""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any, Callable

from flask import Response, request
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grants.core import clock, db
from grants.workflows.base import available_transitions, apply_transition

from . import auth
from .blueprint import bp
from .models import IdempotencyRecord
from .problems import ApiProblem
from .validation import raw_json, validate

AREAS = ("grants.consultations.api",)


@dataclass
class Collection:
    name: str
    model: type
    serialize: Callable[[Any, Any], dict]
    visible: Callable[[Any, Any], Any]  # (select, user) -> select filtered to what the caller may see
    public: bool = False  # readable without a token (visible(q, None) says what)
    item_schema: type[BaseModel] | None = None
    create_schema: type[BaseModel] | None = None
    create: Callable[[Any, Any, BaseModel], Any] | None = None  # (session, user, data) -> obj
    patch_schema: type[BaseModel] | None = None
    # (session, obj, user, validated_data_fn, expected_version) -> obj: permission, version, then data
    patch: Callable[..., Any] | None = None
    summary: str = ""


REGISTRY: dict[str, Collection] = {}


def register(c: Collection) -> Collection:
    REGISTRY[c.name] = c
    return c


def load_all() -> None:
    for mod in AREAS:
        importlib.import_module(mod)


def _collection(name: str) -> Collection:
    c = REGISTRY.get(name)
    if c is None:
        raise ApiProblem(404, f"No collection '{name}'.")
    return c


def _caller(c: Collection):
    return auth.current_api_user() if c.public else auth.require_user()


def _object(c: Collection, obj_id: str, user):
    try:
        pk = int(obj_id)
    except ValueError:
        raise ApiProblem(404, "No such object, or not visible to you.") from None
    if not (0 < pk < 2**63):
        raise ApiProblem(404, "No such object, or not visible to you.")
    obj = db.session.scalar(c.visible(select(c.model).where(c.model.id == pk), user))
    if obj is None:
        raise ApiProblem(404, "No such object, or not visible to you.")
    return obj


def _page_args() -> tuple[int, int]:
    errors = []
    try:
        page = int(request.args.get("page", "1"))
        if page < 1:
            raise ValueError
    except ValueError:
        errors.append({"field": "page", "message": "must be an integer ≥ 1"})
        page = 1
    try:
        per_page = int(request.args.get("per_page", "50"))
        if not 1 <= per_page <= 500:
            raise ValueError
    except ValueError:
        errors.append({"field": "per_page", "message": "must be an integer from 1 to 500"})
        per_page = 50
    if errors:
        raise ApiProblem(422, "Invalid paging.", "/problems/invalid-input", errors=errors)
    return page, per_page


def full(c: Collection, obj, user) -> dict:
    body = c.serialize(obj, user)
    body["transitions"] = [
        {"name": t["name"], "label": str(t["label"]), "allowed": t["allowed"], "reason": t["reason"],
         "rule": t["rule"], "automatic": t["automatic"]}
        for t in available_transitions(db.session(), obj, user)]
    return body


def _expected_version() -> int | None:
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    value = raw.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    try:
        return int(value)
    except ValueError:
        raise ApiProblem(400, "If-Match must be a quoted version number, e.g. \"3\".") from None


def _json(body: dict, status: int, obj=None) -> Response:
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    if obj is not None and getattr(obj, "version", None) is not None:
        resp.headers["ETag"] = f'"{obj.version}"'
    return resp


def idempotent(user, perform: Callable[[], Response]) -> Response:
    """A retry with the same Idempotency-Key and caller returns the first (successful) result."""
    key = request.headers.get("Idempotency-Key")
    if not key:
        return perform()
    if len(key) > 200:
        raise ApiProblem(400, "Idempotency-Key is at most 200 characters.")
    s = db.session()

    def stored() -> Response | None:
        rec = s.scalar(select(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id,
                                                       IdempotencyRecord.key == key))
        if rec is None:
            return None
        if rec.method != request.method or rec.path != request.path:
            raise ApiProblem(422, "This Idempotency-Key was used for another request.", "/problems/idempotency-key")
        resp = Response(rec.body, status=rec.status, mimetype="application/json")
        resp.headers["Idempotent-Replayed"] = "true"
        return resp

    first = stored()
    if first is not None:
        return first
    try:
        resp = perform()
    except Exception:
        s.rollback()
        replay = stored()  # a concurrent twin got there first
        if replay is not None:
            return replay
        raise
    if 200 <= resp.status_code < 300:
        s.add(IdempotencyRecord(user_id=user.id, key=key, method=request.method, path=request.path,
                                status=resp.status_code, body=resp.get_data(as_text=True),
                                created_at=clock.real_now()))
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            return stored() or resp
    return resp


@bp.route("/<collection>", methods=["GET"])
def list_objects(collection):
    c = _collection(collection)
    user = _caller(c)
    page, per_page = _page_args()
    q = c.visible(select(c.model), user)
    total = db.session.scalar(select(func.count()).select_from(q.order_by(None).subquery()))
    rows = db.session.scalars(q.order_by(c.model.id).offset((page - 1) * per_page).limit(per_page)).all()
    return _json({"items": [c.serialize(o, user) for o in rows], "total": total,
                  "page": page, "per_page": per_page}, 200)


@bp.route("/<collection>/<obj_id>", methods=["GET"])
def get_object(collection, obj_id):
    c = _collection(collection)
    user = _caller(c)
    obj = _object(c, obj_id, user)
    return _json(full(c, obj, user), 200, obj)


@bp.route("/<collection>", methods=["POST"])
def create_object(collection):
    c = _collection(collection)
    user = auth.require_user()
    if c.create is None:
        raise ApiProblem(405, f"Objects of '{collection}' are not created through the API.")

    def perform():
        data = validate(c.create_schema, raw_json())
        s = db.session()
        obj = c.create(s, user, data)
        s.commit()
        return _json(full(c, obj, user), 201, obj)

    return idempotent(user, perform)


@bp.route("/<collection>/<obj_id>", methods=["PATCH"])
def patch_object(collection, obj_id):
    c = _collection(collection)
    user = auth.require_user()
    obj = _object(c, obj_id, user)
    if c.patch is None:
        raise ApiProblem(405, f"Objects of '{collection}' are not edited through the API.")
    expected = _expected_version()
    body = raw_json()
    s = db.session()
    obj = c.patch(s, obj, user, lambda: validate(c.patch_schema, body), expected)
    s.commit()
    return _json(full(c, obj, user), 200, obj)


@bp.route("/<collection>/<obj_id>/transitions/<name>", methods=["POST"])
def perform_transition(collection, obj_id, name):
    c = _collection(collection)
    user = auth.require_user()
    obj = _object(c, obj_id, user)

    def perform():
        expected = _expected_version()
        done = apply_transition(db.session(), obj, name, user, raw_json(), expected)
        return _json(full(c, done, user), 200, done)

    return idempotent(user, perform)
