"""Files a notification's mail carries (the iCalendar invitation of a booked consultation): an area
registers, for a kind, what makes them from the notified object, so the notifications never import
the areas. A maker returns [{filename, content_type ("text/…"), text}], or [] when nothing applies."""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

Maker = Callable[[Session, str, str], list[dict]]
_MAKERS: dict[str, Maker] = {}


def register(kind: str, maker: Maker) -> None:
    _MAKERS[kind] = maker


def for_mail(session: Session, kind: str, object_type: str | None, object_id: str | None) -> list[dict]:
    maker = _MAKERS.get(kind)
    if maker is None or object_type is None or object_id is None:
        return []
    return maker(session, object_type, str(object_id))
