"""GET /api/v1/audit/seals: the audit trail's seals, public, newest first, paged (issue 15,
"Audit tail"). A copy kept outside the database proves a later rewrite of history:
`grants audit verify --seals copy.json` compares it with the database."""
from __future__ import annotations

from datetime import datetime

from flask import request
from pydantic import BaseModel, Field

from grants.core import audit

from .collections import paged
from .declare import api_route, query_param
from .problems import invalid

MAX_PAGE, MAX_PER_PAGE, PER_PAGE = 100_000, 500, 50


class SealItem(BaseModel):
    id: int = Field(description="the seal's number; seals form one chain in this order")
    created_at: datetime = Field(description="when the seal was made (UTC)")
    chains: int = Field(description="how many audit chains (one per object) the seal covers")
    last_entry_id: int = Field(description="the newest audit entry the seal covers")
    prev_hash: str | None = Field(description="the previous seal's hash (null for the first seal)")
    hash: str = Field(description="SHA-256 over the seal's time, last entry, chain heads and prev_hash")


class SealPage(BaseModel):
    items: list[SealItem]
    total: int = Field(description="how many seals, counted up to a cap (see total_exact)")
    total_exact: bool = Field(description="false when there are more seals than `total`")
    page: int
    per_page: int
    next: str | None = Field(description="the `after` of the next page (null on the last page)")


def _int_arg(name: str, default: int, high: int, errors: list[dict]) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 0
    if not 1 <= value <= high:
        errors.append({"field": name, "message": f"must be an integer from 1 to {high}"})
        return default
    return value


def _utc(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


@api_route("/audit/seals", "GET", summary="The audit trail's seals, newest first (public)", public=True,
           operation_id="listAuditSeals", tag="audit", reads_token=False, who="anyone; no token is read",
           description="Each seal hashes the heads of all audit chains and the previous seal. Keep a copy outside "
                       "the system: a rewrite of history changes the hashes (`grants audit verify --seals copy.json` "
                       "compares a copy with the database).",
           query=(query_param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
                  query_param("per_page", "Items per page",
                              {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": PER_PAGE}),
                  query_param("after", "the `next` of the previous page: the page after it, by key")),
           response=SealPage, errors={422: "Invalid paging (the field named)"},
           example={"items": [{"id": 2, "created_at": "2026-12-02T10:00:00Z", "chains": 14, "last_entry_id": 311,
                               "prev_hash": "9f2c…", "hash": "51ab…"}], "total": 2, "total_exact": True, "page": 1, "per_page": 50,
                    "next": None})
def audit_seals():
    errors: list[dict] = []
    page = _int_arg("page", 1, MAX_PAGE, errors)
    per_page = _int_arg("per_page", PER_PAGE, MAX_PER_PAGE, errors)
    if errors:
        raise invalid(errors, "Invalid paging")
    rows, paging = paged(audit.seals_query(), audit.SEALS_ORDER, page, per_page)
    items = [{"id": s.id, "created_at": _utc(s.created_at), "chains": s.chains, "last_entry_id": s.last_entry_id,
              "prev_hash": s.prev_hash, "hash": s.hash} for s in rows]
    return {"items": items, **paging}
