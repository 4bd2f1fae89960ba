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


@handles("offer.submit")
@handles("offer.resubmit")
def _confirmation(payload: dict, event_id: str) -> None:
    with db.session.session_factory() as s:
        o = s.get(Offer, int(payload["id"]))
        if o is not None:
            issuing.confirmation(s, o)


@handles("commission.approve_protocol")
def _protocol(payload: dict, event_id: str) -> None:
    with db.session.session_factory() as s:
        c = s.get(Commission, int(payload["id"]))
        if c is not None:
            issuing.protocol(s, c, PROTOCOL_LABELS)


@handles("agreement.sign")
@handles("agreement.approve_annex")
def _agreement(payload: dict, event_id: str) -> None:
    with db.session.session_factory() as s:
        a = s.get(Agreement, int(payload["id"]))
        if a is not None:
            issuing.agreement(s, a)


@handles("settlement.request_return")
@handles("settlement.close")
def _settlement(payload: dict, event_id: str) -> None:
    with db.session.session_factory() as s:
        st = s.get(Settlement, int(payload["id"]))
        if st is not None:
            issuing.settlement(s, st, "close" if payload.get("to") == "closed" else "request_return")
