"""Generic collection endpoints shared by every workflow object:
GET list (paged), GET one (with the caller's transitions), POST create, PATCH edit,
POST …/transitions/<name> (If-Match, Idempotency-Key). Areas declare a `Collection` in their api.py."""
from __future__ import annotations

import functools
import hashlib
import importlib
import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from flask import Response, g, request
from werkzeug.routing import BaseConverter
from pydantic import BaseModel
from sqlalchemy import bindparam, insert, select

from grants.core import clock, db, keyset
from grants.core.direct import direct, parameters
from grants.web import public_cache
from grants.workflows.base import apply_transition, available_transitions, load_for_transition

from . import auth
from .blueprint import bp
from .models import IdempotencyRecord
from .problems import ApiProblem, invalid
from .validation import raw_json, validate

AREAS = ("grants.consultations.api", "grants.contests.api", "grants.offers.api", "grants.commissions.api",
         "grants.directions.api", "grants.initiatives.api", "grants.small_grants.api", "grants.agreements.api",
         "grants.reports.api", "grants.settlements.api", "grants.calltypes.innovation.api",
         "grants.calltypes.federation.api", "grants.registry.api", "grants.params.api", "grants.documents.api",
         "grants.opendata.api", "grants.notifications.api", "grants.education.api", "grants.services.api",
         "grants.partnerships.api")


@dataclass
class Collection:
    name: str
    model: type
    serialize: Callable[[Any, Any], dict]
    visible: Callable[[Any, Any], Any]  # (select, user) -> select filtered to what the caller may see
    public: bool = False  # readable without a token (visible(q, None) says what)
    serialize_full: Callable[[Any, Any], dict] | None = None  # one object's page (may cost more queries)
    item_schema: type[BaseModel] | None = None
    create_schema: type[BaseModel] | None = None
    create: Callable[[Any, Any, BaseModel], Any] | None = None  # (session, user, data) -> obj
    patch_schema: type[BaseModel] | None = None
    # (session, obj, user, validated_data_fn, expected_version) -> obj: permission, version, then data
    patch: Callable[..., Any] | None = None
    # (user) -> None when the caller may create, else the reason (403 before the body is read)
    may_create: Callable[[Any], Any] | None = None
    # (rows, user) -> None: loads what `serialize` needs for a whole list page in a constant number of
    # queries (flags computed per row would be one query each)
    prefetch: Callable[[list, Any], None] | None = None
    summary: str = ""
    # the list's columns: the list reads rows of these (no objects) and `serialize` (and `prefetch`)
    # take those rows, which name their values as the model's attributes do; the id among them
    list_columns: tuple | None = None
    # (session) -> (key of the rows a visitor's list shows, when they last changed): a visitor's
    # list then answers with an ETag and may be kept (grants.web.public_cache.answer)
    visitors_fingerprint: Callable[[Any], tuple] | None = None


REGISTRY: dict[str, Collection] = {}


def register(c: Collection) -> Collection:
    REGISTRY[c.name] = c
    return c


def load_all() -> None:
    for mod in AREAS:
        importlib.import_module(mod)


def collection_converter(accepts: Callable[[Collection], bool] = lambda c: True) -> type[BaseConverter]:
    """A URL converter matching exactly the registered collection names that `accepts` (call after
    load_all), so /api/v1/tokens is not taken for a collection (a 405's Allow lists what a path really
    supports) and an unknown name is the router's 404. POST and PATCH route only to collections that
    create or edit (CONVERTERS), so no rule exists that is not in the OpenAPI document."""
    names = sorted((n for n, c in REGISTRY.items() if accepts(c)), key=len, reverse=True)

    class CollectionConverter(BaseConverter):
        regex = "(?:%s)" % "|".join(re.escape(n) for n in names) if names else "(?!)"

    return CollectionConverter


CONVERTERS = {"collection": lambda c: True, "creatable": lambda c: c.create is not None,
              "patchable": lambda c: c.patch is not None}


def _collection(name: str) -> Collection:
    c = REGISTRY.get(name)
    if c is None:
        raise ApiProblem(404, f"No collection '{name}'.")
    return c


def _caller(c: Collection):
    return auth.current_api_user() if c.public else auth.require_user()


NOT_VISIBLE = "No such object, or not visible to you."


def path_id(raw: str, detail: str = NOT_VISIBLE) -> int:
    """The id a URL names, or a 404 with `detail`: ids are INTEGER columns, anything else names nothing."""
    try:
        pk = int(raw)
    except ValueError:
        raise ApiProblem(404, detail) from None
    if not (0 < pk < 2**31):
        raise ApiProblem(404, detail)
    return pk


def visible_object(model, visible, raw: str, user, detail: str = NOT_VISIBLE, *, for_transition: bool = False):
    """The `model` row the URL names (`raw`) if `visible(query, user)` lets the caller see it, else a 404:
    one answer for "no such id" and "not yours", so ids do not leak. `for_transition`: loaded with
    what the transition's checks read, so the engine does not read it again."""
    # the id a parameter: the statement is then the same for each of the caller's objects
    q, pk = visible(_by_id(model), user), {"object_pk": path_id(raw, detail)}
    obj = load_for_transition(db.session(), q, pk) if for_transition else db.session.scalar(q, pk)
    if obj is None:
        raise ApiProblem(404, detail)
    return obj


@functools.cache
def _by_id(model):
    return select(model).where(model.id == bindparam("object_pk"))


def _object(c: Collection, obj_id: str, user, *, for_transition: bool = False):
    return visible_object(c.model, c.visible, obj_id, user, for_transition=for_transition)


def body_id(raw, field: str, message: str = "unknown id") -> int:
    """An id the request body gives in `field`, or a 422 naming the field."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise invalid([{"field": field, "message": message}]) from None


def named(session, model, visible, raw, field: str, user, unknown: str, missing: str):
    """The object of `model` the request body names in `field` (its id `raw`) if the caller sees
    it (`visible(query, user)`), else a 422 naming the field: `unknown` for an id that is not
    one, `missing` for one the caller does not see."""
    pk = body_id(raw, field, unknown)
    obj = session.scalar(visible(select(model).where(model.id == pk), user))
    if obj is None:
        raise invalid([{"field": field, "message": missing}])
    return obj


MAX_PAGE = 100_000  # keeps OFFSET within a BIGINT whatever per_page is
TOTAL_CAP = 10_000  # a list counts this many rows at most


def _page_args() -> tuple[int, int]:
    errors = []
    try:
        page = int(request.args.get("page", "1"))
        if not 1 <= page <= MAX_PAGE:
            raise ValueError
    except ValueError:
        errors.append({"field": "page", "message": f"must be an integer from 1 to {MAX_PAGE}"})
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


def paged(q, order, page: int, per_page: int, *, search: bool = False, rows: bool = False,
          memo=None) -> tuple[list, dict]:
    """One page of an API list (issue 20): the rows of `q` in `order` (the last key unique) and the
    paging fields of the answer. Counted up to TOTAL_CAP: beyond it `total` is a lower bound
    (`total_exact` false), so a list of a million rows costs what one of ten thousand does; a
    `search` (words the caller typed) counts one page at most, as counting every match would read
    them all. `?after=` (the `next` of the previous page) walks on by key through the order's index;
    `?page=n` is still served (by OFFSET) for the first pages' numbered links and old clients. A
    first page that holds the whole list is its own count. `rows`: `q` selects columns (its rows
    are the page's); `memo`: grants.core.keyset.page_after's, for a `q` the same on every call."""
    after = request.args.get("after")
    keys = keyset.keys_of(order)
    if after is not None and keyset.decode(keys, after) is None:
        raise ApiProblem(422, "Invalid paging.", "/problems/invalid-input",
                         errors=[{"field": "after", "message": "must be the `next` of a previous page"}])
    w = keyset.window(db.session(), q, order, after=after, page=page, per_page=per_page, cap=TOTAL_CAP,
                      search=search, rows=rows, memo=memo)
    found, next_key, counted, cap = w.rows, w.next_key, w.counted, w.cap
    return found, {"total": min(counted, cap), "total_exact": counted <= cap, "page": page, "per_page": per_page,
                   "next": next_key}


def full(c: Collection, obj, user) -> dict:
    body = (c.serialize_full or c.serialize)(obj, user)
    body["transitions"] = [
        {"name": t["name"], "label": str(t["label"]), "allowed": t["allowed"], "reason": t["reason"],
         "rule": t["rule"], "automatic": t["automatic"]}
        for t in available_transitions(db.session(), obj, user)]
    return body


NEVER_MATCHES = -1


def _expected_version() -> int | None:
    """The version in If-Match, None when absent or "*". A value that is not a version can match
    no version, so it is a stale If-Match (409 in its place in the order of checks), not a 400
    that would jump ahead of the 404/409/403 answers."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() in ("", "*"):
        return None
    value = raw.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return NEVER_MATCHES
    return int(value)


def _json(body: dict, status: int, obj=None) -> Response:
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    if obj is not None and getattr(obj, "version", None) is not None:
        resp.headers["ETag"] = f'"{obj.version}"'
    return resp


def _valid_key(key: str) -> bool:
    return 1 <= len(key) <= 200 and all(33 <= ord(ch) <= 126 for ch in key)


def _replay(rec: IdempotencyRecord) -> Response:
    resp = Response(rec.body, status=rec.status, mimetype="application/json")
    resp.headers["Idempotent-Replayed"] = "true"
    try:
        version = json.loads(rec.body).get("version")
    except (ValueError, AttributeError):
        version = None
    if isinstance(version, int):
        resp.headers["ETag"] = f'"{version}"'
    return resp


def _request_target() -> str:
    """What a retry must repeat: the path and the body (by its SHA-256), kept in the record's
    `path` column. The same key with another path or body is a 422, never the first answer
    (draft-ietf-httpapi-idempotency-key-header)."""
    path = request.path if len(request.path) <= 400 else "sha256:" + hashlib.sha256(request.path.encode()).hexdigest()
    return f"{path} body-sha256:{hashlib.sha256(request.get_data(cache=True)).hexdigest()}"


_RECORD = insert(IdempotencyRecord.__table__).values(parameters(
    IdempotencyRecord.__table__, ("user_id", "key", "method", "path", "status", "body", "created_at")))


def idempotent(user, perform: Callable[[], Response]) -> Response:
    """Runs `perform` (which leaves its changes uncommitted) and commits. With an Idempotency-Key,
    the first successful result is stored in the same transaction as the change, so a retry with
    the same key and caller (also a concurrent one) returns that result and changes nothing.

    The record is not looked up first: a first request (nearly every one) would pay a round trip
    for nothing. A retry runs `perform` again and fails, at the latest when its record collides
    with the first one's (the key is unique per caller); its changes are rolled back and the first
    result is answered (or a 422 when the key was used for another request)."""
    s = db.session()
    key = request.headers.get("Idempotency-Key")
    if key is None:
        resp = perform()
        s.commit()
        return resp
    if not _valid_key(key):
        raise ApiProblem(400, "Idempotency-Key must be 1 to 200 visible ASCII characters.",
                         "/problems/idempotency-key")

    target = _request_target()

    def stored() -> Response | None:
        rec = s.scalar(select(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id,
                                                       IdempotencyRecord.key == key))
        if rec is None:
            return None
        if rec.method != request.method or rec.path != target:
            raise ApiProblem(422, "This Idempotency-Key was used for another request (another path or body).",
                             "/problems/idempotency-key")
        return _replay(rec)

    try:
        resp = perform()
        if 200 <= resp.status_code < 300:  # one INSERT now, not the unit of work's at commit
            direct(_RECORD, s.bind.dialect).rows(
                s, {"user_id": user.id, "key": key, "method": request.method, "path": target,
                    "status": resp.status_code, "body": resp.get_data(as_text=True), "created_at": clock.real_now()})
        s.commit()
    except Exception:
        s.rollback()
        replay = stored()  # a concurrent twin with the same key got there first
        if replay is not None:
            return replay
        raise
    return resp


_visitors: dict[str, Any] = {}


def _visitors_query(c: Collection):
    q = _visitors.get(c.name)
    if q is None:
        q = _visitors[c.name] = c.visible(select(*c.list_columns), None)
    return q


@bp.route("/<collection:collection>", methods=["GET"])
def list_objects(collection):
    c = _collection(collection)
    user = _caller(c)
    page, per_page = _page_args()
    if user is None:
        db.statement_reads()  # a visitor's list writes nothing: no BEGIN and ROLLBACK around its queries
        if c.visitors_fingerprint is not None:
            return public_cache.answer(c.visitors_fingerprint(db.session()), lambda: _list(c, user, page, per_page))
    return _list(c, user, page, per_page)


def _list(c: Collection, user, page: int, per_page: int) -> Response:
    plain = c.list_columns is not None
    memo = None
    if user is None and plain:  # a visitor's query is the same every time: built once, its first page's statement too
        q, memo = _visitors_query(c), ("api", c.name)
    else:
        q = c.visible(select(*c.list_columns) if plain else select(c.model), user)
    rows, paging = paged(q, (c.model.id,), page, per_page, rows=plain, memo=memo)
    if c.prefetch is not None:
        c.prefetch(rows, user)
    return _json({"items": [c.serialize(o, user) for o in rows], **paging}, 200)


@bp.route("/<collection:collection>/<obj_id>", methods=["GET"])
def get_object(collection, obj_id):
    c = _collection(collection)
    user = _caller(c)
    obj = _object(c, obj_id, user)
    return _json(full(c, obj, user), 200, obj)


@bp.route("/<creatable:collection>", methods=["POST"])
def create_object(collection):
    c = _collection(collection)
    user = auth.require_user()
    if c.create is None:
        raise ApiProblem(405, f"Objects of '{collection}' are not created through the API.")
    if c.may_create is not None:
        reason = c.may_create(user)
        if reason is not None:
            raise ApiProblem(403, str(reason), "/problems/forbidden")

    def perform():
        data = validate(c.create_schema, raw_json())
        s = db.session()
        obj = c.create(s, user, data)
        s.flush()
        return _json(full(c, obj, user), 201, obj)

    return idempotent(user, perform)


@bp.route("/<patchable:collection>/<obj_id>", methods=["PATCH"])
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


@bp.route("/<collection:collection>/<obj_id>/transitions/<name>", methods=["POST"])
def perform_transition(collection, obj_id, name):
    c = _collection(collection)
    user = auth.require_user()
    obj = _object(c, obj_id, user, for_transition=True)

    def perform():
        expected = _expected_version()
        # not committed here: the idempotency record goes into the change's own transaction, so a
        # concurrent twin waiting on the row lock finds it (a replay, not a 409)
        done = apply_transition(db.session(), obj, name, user, raw_json(), expected, commit=False,
                                received_at=g.get("received_at"))
        return _json(full(c, done, user), 200, done)

    return idempotent(user, perform)
