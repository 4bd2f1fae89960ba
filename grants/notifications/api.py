"""The caller's notifications over the API: GET /api/v1/me/notifications (newest first, paged,
?unread=true for unread only) and POST /api/v1/me/notifications/<id>/read."""
from __future__ import annotations

from flask import request

from grants.api import auth
from grants.api.declare import api_route, query_param
from grants.api.collections import _page_args, paged
from grants.api.problems import ApiProblem
from grants.core import db

from . import facts, kinds, mailer
from . import operations as ops
from .errors import NotificationError


def _iso(dt):
    return dt.isoformat().replace("+00:00", "Z") if dt else None


ITEM = {"type": "object", "required": ["id", "kind", "category", "subject", "created_at"], "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string"}, "category": {"type": "string"},
    "obligation": {"type": "boolean"}, "subject": {"type": "string"}, "text": {"type": "string"},
    "todo": {"type": "string"}, "object_type": {"type": ["string", "null"]},
    "object_id": {"type": ["string", "null"]}, "url": {"type": ["string", "null"]},
    "created_at": {"type": "string"}, "read_at": {"type": ["string", "null"]}}}
PAGE = {"type": "object", "required": ["items", "total", "unread"], "properties": {
    "items": {"type": "array", "items": ITEM}, "total": {"type": "integer"}, "unread": {"type": "integer"},
    "total_exact": {"type": "boolean"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
    "next": {"type": ["string", "null"], "description": "the `after` of the next page (null on the last page)"}}}


def _out(n, locale: str) -> dict:
    t = mailer.texts(n.kind, n.params or {}, n.object_type, locale)
    return {"id": n.id, "kind": n.kind, "category": n.category, "obligation": kinds.KINDS[n.kind].obligation,
            "subject": t["subject"], "text": t["happened"], "todo": t["todo"], "object_type": n.object_type,
            "object_id": n.object_id, "url": facts.path_for(n.object_type, n.object_id),
            "created_at": _iso(n.created_at), "read_at": _iso(n.read_at)}


@api_route("/me/notifications", "GET", summary="The caller's notifications, newest first (issue 12)",
           who="any signed-in user (their own)", response=PAGE, tag="me", operation_id="listMyNotifications",
           query=(query_param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 100000}),
                  query_param("per_page", "Items per page", {"type": "integer", "minimum": 1, "maximum": 500}),
                  query_param("unread", "Only unread ones", {"type": "string", "enum": ["true", "false", "1", "0"]}),
                  query_param("after", "the `next` of the previous page: the page after it, by key")))
def my_notifications():
    user = auth.require_user()
    page, per_page = _page_args()
    unread = request.args.get("unread", "").lower() in ("1", "true", "yes")
    rows, paging = paged(ops.inbox(user, unread), ops.INBOX_ORDER, page, per_page)
    locale = mailer.locale_of(user)
    return {"items": [_out(n, locale) for n in rows], **paging, "unread": ops.unread_count(db.session(), user)}


@api_route("/me/notifications/<int:nid>/read", "POST", summary="Mark one of the caller's notifications read",
           who="any signed-in user (their own)", response=ITEM, tag="me", operation_id="readMyNotification",
           errors={404: "Not one of the caller's notifications"})
def read_notification(nid: int):
    user = auth.require_user()
    s = db.session()
    try:
        n = ops.mark_read(s, user, nid)
        out = _out(n, mailer.locale_of(user))
        s.commit()
    except NotificationError:
        s.rollback()
        raise ApiProblem(404, "No such notification.") from None
    return out
