"""Finding organisations in the public registry by name, KRS or NIP (the registry page and
GET /api/v1/organisations)."""
from __future__ import annotations

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from grants.core import textsearch

from .dictionaries import DISTRICTS, FIELDS
from .models import Organisation

MAX_QUERY = textsearch.MAX_QUERY


def query(dialect: str, text: str = "", field: str = "", district: str = ""):
    """The organisations found, as a select to page (issue 20): by name, any part of it, any case and,
    on PostgreSQL, without diacritics or by the beginnings of its words (grants.core.textsearch, the
    indexes of migration 0023); by KRS or NIP, the whole number. `field` and `district` filter when
    they are known codes."""
    q = select(Organisation).where(Organisation.merged_into_id.is_(None))  # merged ones redirect (issue 16)
    text = text.strip()[:MAX_QUERY]
    if text:
        digits = text.replace("-", "").replace(" ", "")
        q = q.where(or_(textsearch.matches(dialect, text, Organisation.name,
                                           vector=textsearch.tsvector(Organisation.name)),
                        Organisation.krs == digits, Organisation.nip == digits))
    if district in DISTRICTS:
        q = q.where(Organisation.district == district)
    if field in FIELDS:  # the JSON list's text holds each code quoted; the codes are known words
        q = q.where(cast(Organisation.fields, String).like(f'%"{field}"%'))
    return q


ORDER = (Organisation.name, Organisation.id)


def find(session: Session, text: str = "", field: str = "", district: str = "") -> list[Organisation]:
    """Every organisation `query` finds, sorted by name."""
    return list(session.scalars(query(session.bind.dialect.name, text, field, district).order_by(*ORDER)))


def resolve(session: Session, text: str, shown: int = 10) -> tuple[Organisation | None, list[Organisation]]:
    """The one organisation `text` names (a KRS or NIP, or its name, whole or a part only it has),
    else None with those it might mean, up to `shown` and one more when there are more (none:
    nothing matched). For a form field where a list of every organisation in the registry would
    be tens of thousands of options."""
    text = text.strip()[:MAX_QUERY]
    if not text:
        return None, []
    found = list(session.scalars(query(session.bind.dialect.name, text).order_by(*ORDER).limit(shown + 1)))
    digits = text.replace("-", "").replace(" ", "")
    exact = [o for o in found if digits in (o.krs, o.nip) or o.name.casefold() == text.casefold()]
    if len(exact) == 1:
        return exact[0], []
    if len(found) == 1:
        return found[0], []
    return None, found
