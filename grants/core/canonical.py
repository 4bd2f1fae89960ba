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


_PLAIN = (str, int, bool, float, type(None))


def jsonable(value):
    """The same value as plain JSON types (for JSON columns and API bodies)."""
    kind = type(value)
    # a scalar directly (an API list writes thousands of them; the round trip through text is for containers)
    if kind in _PLAIN:
        return value
    if kind is Decimal:
        return str(value)
    if kind is datetime or kind is date:
        return _default(value)
    return json.loads(dumps(value))
