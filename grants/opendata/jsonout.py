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


def dumps(value: Any) -> str:
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
