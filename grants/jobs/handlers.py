"""What each outbox topic does when its job runs. Areas register handlers here."""
from __future__ import annotations

from typing import Callable

_handlers: dict[str, list[Callable[[dict, str], None]]] = {}


def handles(topic: str):
    def deco(fn):
        _handlers.setdefault(topic, []).append(fn)
        return fn
    return deco


def for_topic(topic: str) -> list[Callable[[dict, str], None]]:
    return list(_handlers.get(topic, []))


@handles("email.send")
def _send_email(payload: dict, event_id: str) -> None:
    from . import mail
    # the event id makes the Message-ID, so a redelivery is recognisable downstream
    mail.send(mail.build(payload["to"], payload["subject"], payload["body"],
                         message_id=f"<{event_id}@grants.local>"))
