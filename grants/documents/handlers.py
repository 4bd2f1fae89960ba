"""Outbox handlers: the transitions that issue a document (R-DOC-ISSUED). Each runs in a job (the
PDF takes a moment) in a session of its own; issuing twice returns the first document."""
from __future__ import annotations

from grants.agreements.models import Agreement
from grants.commissions.views import GROUND_LABELS, KIND_LABELS
from grants.core import db
from grants.jobs.handlers import handles
from grants.offers.models import Offer
from grants.commissions.composition import WITHOUT_NGO
from grants.settlements.models import Settlement
from reviewers.models import Commission

from . import issuing

PROTOCOL_LABELS = {"kinds": KIND_LABELS, "grounds": GROUND_LABELS, "without_ngo": WITHOUT_NGO}


def _issue(model, payload: dict, issue) -> None:
    """Loads the event's object in a session of its own and issues its document (one gone since: none)."""
    with db.session.session_factory() as s:
        obj = s.get(model, int(payload["id"]))
        if obj is not None:
            issue(s, obj)


@handles("offer.submit")
@handles("offer.resubmit")
def _confirmation(payload: dict, event_id: str) -> None:
    _issue(Offer, payload, issuing.confirmation)


@handles("commission.approve_protocol")
def _protocol(payload: dict, event_id: str) -> None:
    _issue(Commission, payload, lambda s, c: issuing.protocol(s, c, PROTOCOL_LABELS))


@handles("agreement.sign")
@handles("agreement.approve_annex")
def _agreement(payload: dict, event_id: str) -> None:
    _issue(Agreement, payload, issuing.agreement)


@handles("settlement.request_return")
@handles("settlement.close")
def _settlement(payload: dict, event_id: str) -> None:
    kind = "close" if payload.get("to") == "closed" else "request_return"
    _issue(Settlement, payload, lambda s, st: issuing.settlement(s, st, kind))
