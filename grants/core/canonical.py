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


class _Unusual(Exception):
    """A value the direct conversion does not cover: the round trip through JSON text decides."""


def _direct(value):
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is Decimal:
        return str(value)
    if kind is datetime or kind is date:
        return _default(value)
    if kind is list or kind is tuple:
        return [_direct(x) for x in value]
    if kind is dict and all(type(k) is str for k in value):
        return {k: _direct(value[k]) for k in sorted(value)}  # sorted, as dumps writes them
    raise _Unusual


def jsonable(value):
    """The same value as plain JSON types (for JSON columns and API bodies): what
    json.loads(dumps(value)) gives, without the text in between for the usual values (an API list
    converts thousands of them)."""
    try:
        return _direct(value)
    except _Unusual:
        return json.loads(dumps(value))
