"""The mails the outbox holds (read through a short-lived session) and the links inside them."""
from __future__ import annotations

import json
import re
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core import db
from grants.core.outbox import OutboxEvent


def mails_to(address: str) -> list[dict]:
    with Session(db.get_engine()) as s:
        rows = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "email.send")
                         .order_by(OutboxEvent.created_at)).all()
        found = [json.loads(r.payload) for r in rows]
    return [m for m in found if m["to"].lower() == address.lower()]


def link_path(mail: dict, prefix: str) -> str:
    """The path of the first link in the mail whose path starts with `prefix`."""
    for url in re.findall(r"https?://\S+", mail["body"]):
        path = urlparse(url).path
        if path.startswith(prefix):
            return path
    raise AssertionError(f"no {prefix} link in: {mail['body']}")
