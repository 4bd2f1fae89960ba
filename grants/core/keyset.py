"""Keyset pagination (issue 20): the next page of a list starts after the last row shown, found through
the index of its order (`WHERE (deadline, id) < (:d, :id) ORDER BY deadline DESC, id DESC LIMIT n`),
so page 500 costs what page 1 costs; OFFSET would read and drop every earlier row.

An order is a list of columns each ascending or descending, the last one unique (the id). The first
column may be nullable when its NULLs sort last (`Contest.deadline.desc().nulls_last()`): the rows
with a value come first through the row comparison, then those without one. The cursor a page hands
on (`after=`) is the last row's key, as compact URL-safe text; a cursor that does not parse is the
first page, never an error."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, literal, or_, select, tuple_, union_all
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression


@dataclass(frozen=True)
class Key:
    column: object  # a mapped column attribute or Column
    desc: bool
    nulls_last: bool

    @property
    def name(self) -> str:
        return self.column.key


def keys_of(order) -> list[Key]:
    """The keys of ORDER BY expressions such as `Contest.deadline.desc().nulls_last(), Contest.id.desc()`."""
    out = []
    for expr in order:
        desc = nulls_last = False
        while isinstance(expr, UnaryExpression):
            if expr.modifier is operators.desc_op:
                desc = True
            elif expr.modifier is operators.nulls_last_op:
                nulls_last = True
            expr = expr.element
        out.append(Key(expr, desc, nulls_last))
    return out


def _plain(v):
    if isinstance(v, datetime):
        return {"t": v.isoformat()}
    if isinstance(v, date):
        return {"d": v.isoformat()}
    return v


def _typed(v):
    if isinstance(v, dict):
        if "t" in v:
            return datetime.fromisoformat(v["t"])
        if "d" in v:
            return date.fromisoformat(v["d"])
        raise ValueError(v)
    return v


def encode(keys: list[Key], row) -> str:
    values = [_plain(getattr(row, k.name)) for k in keys]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(keys: list[Key], cursor: str | None) -> list | None:
    """The key values a cursor carries, or None (no cursor, or one that does not parse)."""
    if not cursor or len(cursor) > 500:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        values = [_typed(v) for v in values]
    except (ValueError, TypeError):
        return None
    for k, v in zip(keys, values):
        if v is None and not (k is keys[0] and k.nulls_last):
            return None
        if v is not None and not isinstance(v, (int, str, datetime, date, float)):
            return None
    return values


def _beyond(keys: list[Key], values: list):
    """Rows after `values` in the order of `keys` (values not NULL): one row comparison when all
    keys go the same way (an index range), else the expanded OR of its steps."""
    cols = [k.column for k in keys]
    if all(k.desc for k in keys):
        return tuple_(*cols) < tuple_(*values)
    if not any(k.desc for k in keys):
        return tuple_(*cols) > tuple_(*values)
    steps = []
    for i, k in enumerate(keys):
        same = [keys[j].column == values[j] for j in range(i)]
        steps.append(and_(*same, k.column < values[i] if k.desc else k.column > values[i]))
    return or_(*steps)


def _both_parts(q, first: Key, keys: list[Key], order, want: int):
    """The rows with a value, then the NULL tail, as one statement (one round trip): each part
    ordered and limited through its own index scan, the union ordered by part. For a select of
    columns (`rows=True` in `page_after`)."""
    parts = [q.where(cond).order_by(*order).limit(want).subquery()
             for cond in (first.column.is_not(None), first.column.is_(None))]
    u = union_all(*(select(p, literal(i).label("keyset_part")) for i, p in enumerate(parts))).subquery()
    names = [c.name for c in q.selected_columns]
    return (select(*(u.c[n] for n in names))
            .order_by(u.c.keyset_part, *(u.c[k.name].desc() if k.desc else u.c[k.name] for k in keys)).limit(want))


_first_pages: dict = {}  # (memo, limit) -> the first page's statement (`page_after`'s `memo`)


def page_after(session, q, order, cursor: str | None, limit: int, rows: bool = False,
               memo=None) -> tuple[list, str | None]:
    """Up to `limit` rows of `q` (a select of one entity; `rows`: a select of columns, giving its
    rows) after `cursor` in `order`, and the cursor of the next page (None: this is the last page).
    One query more than `limit` rows tells. `memo`: a key naming `q` and `order` when they are the
    same on every call (e.g. a public list as a visitor sees it): the first page's statement is
    built once under it (building one costs more than running it)."""
    def fetch(stmt) -> list:
        return list(session.execute(stmt) if rows else session.scalars(stmt))

    keys = keys_of(order)
    values = decode(keys, cursor)
    first = keys[0]
    nullable = first.nulls_last
    want = limit + 1
    if nullable:
        # the NULLs are queried apart, so each part orders plainly: a backward scan of an ascending
        # index on the same columns serves it (PostgreSQL's does not for DESC NULLS LAST)
        order = [k.column.desc() if k.desc else k.column.asc() for k in keys]
    if values is None and (rows or not nullable):
        stmt = _first_pages.get((memo, want)) if memo is not None else None
        if stmt is None:
            stmt = _both_parts(q, first, keys, order, want) if nullable else q.order_by(*order).limit(want)
            if memo is not None and len(_first_pages) < 256:
                _first_pages[(memo, want)] = stmt
        found = fetch(stmt)
    elif values is None:  # objects: the rows with a value, in index order, then the NULL tail
        found = fetch(q.where(first.column.is_not(None)).order_by(*order).limit(want))
        if len(found) < want:
            found += fetch(q.where(first.column.is_(None)).order_by(*order).limit(want - len(found)))
    elif values[0] is None:  # inside the NULL tail
        found = fetch(q.where(first.column.is_(None), _beyond(keys[1:], values[1:])).order_by(*order).limit(want))
    else:
        cond = _beyond(keys, values)
        found = fetch(q.where(cond).order_by(*order).limit(want))
        if nullable and len(found) < want:
            found += fetch(q.where(first.column.is_(None)).order_by(*order).limit(want - len(found)))
    more = len(found) > limit
    found = found[:limit]
    return found, (encode(keys, found[-1]) if more and found else None)


@dataclass
class Window:
    """One page of a list (`window`): its rows, the key of the page after it (None: the last),
    and the rows counted, up to `cap` (`counted` > `cap`: more than `cap`)."""
    rows: list
    next_key: str | None
    counted: int
    cap: int


def window(session, q, order, *, after: str | None, page: int, per_page: int, cap: int, search: bool = False,
           total: int | None = None, rows: bool = False, memo=None) -> Window:
    """The page of a list shown by the pages (grants.web.areas.listing) and the API
    (grants.api.collections.paged) alike: by key after `after` or the first page, else page `page`
    by OFFSET (the numbered links of the first pages, and old bookmarks). The count stops at `cap`,
    so a list of a million rows costs what one of a thousand does; and it is run only when the page
    does not tell it: a first page without a next one is the whole list, and a `search` (words the
    user typed) counts one page at most, which a first page with a next one already says.
    `total`: the count, when the caller knows it."""
    if search:
        cap = min(cap, per_page)
    if after is not None or page == 1:
        found, next_key = page_after(session, q, order, after, per_page, rows=rows, memo=memo)
    else:
        fetch = session.execute if rows else session.scalars
        found = list(fetch(q.order_by(*order).offset((page - 1) * per_page).limit(per_page + 1)))
        next_key = encode(keys_of(order), found[per_page - 1]) if len(found) > per_page else None
        found = found[:per_page]
    first = after is None and page == 1
    if total is not None:
        counted = total
    elif first and next_key is None:
        counted = len(found)
    elif first and search:
        counted = cap + 1
    else:
        counted = session.scalar(select(func.count()).select_from(q.order_by(None).limit(cap + 1).subquery()))
    return Window(found, next_key, counted, cap)
