"""Finding organisations in the public registry by name, KRS or NIP (the registry page and
GET /api/v1/organisations)."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .dictionaries import DISTRICTS, FIELDS
from .models import Organisation

MAX_QUERY = 100


def find(session: Session, text: str = "", field: str = "", district: str = "") -> list[Organisation]:
    """By name: part of it, any case; by KRS or NIP: the whole number. `field` and `district` filter
    when they are known codes. Sorted by name."""
    q = select(Organisation).where(Organisation.merged_into_id.is_(None))  # merged ones redirect (issue 16)
    text = text.strip()[:MAX_QUERY]
    if text:
        like = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        digits = text.replace("-", "").replace(" ", "")
        q = q.where(or_(func.lower(Organisation.name).like(like, escape="\\"),
                        Organisation.krs == digits, Organisation.nip == digits))
    if district in DISTRICTS:
        q = q.where(Organisation.district == district)
    rows = list(session.scalars(q.order_by(Organisation.name, Organisation.id)))
    if field in FIELDS:  # JSON list column: filtered here, portable across SQLite and PostgreSQL
        rows = [o for o in rows if field in (o.fields or [])]
    return rows
