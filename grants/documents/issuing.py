"""Issuing the documents of transitions: the confirmation at submission (and each resubmission),
the protocol when it is approved, the agreement when its signing is registered."""
from __future__ import annotations

from flask import current_app

from grants.agreements.models import Agreement
from grants.offers.models import Offer
from grants.web.links import external_url
from grants.settlements.models import Settlement
from reviewers.models import Commission

from . import operations as ops
from .kinds import KINDS, agreement_context, confirmation_context, latest_revision, protocol_context, settlement_context
from .render import _context, render_pdf
from .storage import store_for


def store():
    return store_for(current_app.instance_path)


def verify_url(digest: str) -> str:
    with _context():
        return external_url("documents.verify", digest=digest)


def confirmation(session, o: Offer, actor=None):
    rev = latest_revision(o)
    if rev is None:
        return None
    return ops.issue(session, store(), kind="confirmation", model=Offer, object_type="offer", object_id=o.id,
                     ref=str(rev.number), number=f"{o.number}/{rev.number}", title=KINDS["confirmation"].label,
                     subject_hash=rev.content_hash, actor=actor,
                     make_pdf=lambda: render_pdf("confirmation", confirmation_context(o, rev, verify_url(rev.content_hash))))


def protocol(session, c: Commission, labels: dict, actor=None):
    if c.protocol is None:
        return None
    ctx = lambda: protocol_context(session, c, c.protocol, frozen=True, closed=True, labels=labels)  # noqa: E731
    return ops.issue(session, store(), kind="protocol", model=Commission, object_type="commission", object_id=c.id,
                     number=f"{c.id:05d}", title=KINDS["protocol"].label, subject_hash=c.protocol_hash, actor=actor,
                     make_pdf=lambda: render_pdf("protocol", ctx()))


def agreement(session, a: Agreement, actor=None):
    return ops.issue(session, store(), kind="agreement", model=Agreement, object_type="agreement", object_id=a.id,
                     ref=str(a.revision), number=a.number, title=KINDS["agreement"].label, actor=actor,
                     make_pdf=lambda: render_pdf("agreement", agreement_context(a)))


def settlement(session, st: Settlement, at: str, actor=None):
    """The settlement statement as sent with the request to return (`at` = "request_return") and
    as closed (`at` = "close")."""
    return ops.issue(session, store(), kind="settlement", model=Settlement, object_type="settlement", object_id=st.id,
                     ref=at, number=f"{st.agreement.number}/{at}", title=KINDS["settlement"].label, actor=actor,
                     make_pdf=lambda: render_pdf("settlement", settlement_context(st)))
