"""Canonical JSON: sorted keys, UTC timestamps in ISO form with Z, money as strings."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum


def _default(o):
    if isinstance(o, datetime):
        if o.tzinfo is None:
            raise ValueError("naive datetime in canonical JSON")
        return o.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(o, date):
        return o.isoformat()
    if isinstance(o, Decimal):
        return str(o)
    if isinstance(o, Enum):
        return o.value
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    if hasattr(o, "msgid"):  # LazyText
        return str(o)
    raise TypeError(f"not serialisable: {type(o).__name__}")


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def dumps(value) -> str:
    # one encoder (json.dumps with options builds a new one on every call); stateless, so shared
    return _ENCODER.encode(value)


def jsonable(value):
    """The same value as plain JSON types (for JSON columns and API bodies)."""
    return json.loads(dumps(value))
