"""Streaming JSON: a package's header, then its items one by one, so an export of any size never
holds more than one item in memory. Decimals are written as JSON numbers exactly as they are
("1250.00" → 1250.00), never through float."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Iterable, Iterator


def _encode(value: Any) -> Iterator[str]:
    # json cannot write a Decimal as a number: walk the value ourselves for Decimals, let json do the rest
    if isinstance(value, Decimal):
        yield format(value, "f")
    elif isinstance(value, dict):
        yield "{"
        first = True
        for k, v in value.items():
            if v is None:
                continue  # the standards prefer an absent field to a null
            if not first:
                yield ","
            first = False
            yield json.dumps(str(k), ensure_ascii=False)
            yield ":"
            yield from _encode(v)
        yield "}"
    elif isinstance(value, (list, tuple)):
        yield "["
        for i, v in enumerate(value):
            if i:
                yield ","
            yield from _encode(v)
        yield "]"
    else:
        yield json.dumps(value, ensure_ascii=False)


def compact(value: Any) -> Any:
    """`value` without the None fields (the standards prefer an absent field to a null)."""
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [compact(v) for v in value]
    return value


class _Inexact(Exception):
    pass


def _number(value: Any) -> float:
    # a Decimal of at most 15 significant digits is written by float's shortest repr exactly as the
    # same decimal number (Python's repr round-trips; 15 digits are within double precision), so the
    # fast C encoder can write it; a longer one falls back to the exact text writer
    if isinstance(value, Decimal) and len(value.as_tuple().digits) <= 15 and value.is_finite():
        return float(value)
    raise _Inexact


def dumps(value: Any) -> str:
    try:
        return json.dumps(compact(value), ensure_ascii=False, separators=(",", ":"), default=_number)
    except _Inexact:
        return "".join(_encode(value))


def loads(text: str | bytes) -> Any:
    """Reads what `dumps` wrote, numbers with a fraction as Decimal."""
    return json.loads(text, parse_float=Decimal)


def package(header: dict, list_name: str, items: Iterable[dict], chunk: int = 64) -> Iterator[str]:
    """A JSON object `header` + {list_name: [items...]}, yielded in pieces of about `chunk` items."""
    head = dumps(header)
    yield head[:-1] + ("," if len(head) > 2 else "") + json.dumps(list_name) + ":["
    buf: list[str] = []
    first = True
    for item in items:
        buf.append(("" if first else ",") + dumps(item))
        first = False
        if len(buf) >= chunk:
            yield "".join(buf)
            buf.clear()
    if buf:
        yield "".join(buf)
    yield "]}"
