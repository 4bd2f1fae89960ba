"""Large documents in the background (dramatiq): the job row carries the progress the page polls."""
from __future__ import annotations

import uuid

import dramatiq
from flask import current_app
from sqlalchemy.orm import Session

from grants.core import clock, db
from grants.core.i18n import _
from grants.jobs import broker as _broker
from grants.accounts.models import User
from grants.commissions.access import hidden_offers, redact_protocol, scores_closed
from grants.offers.models import Offer
from grants.settlements.models import Settlement
from reviewers.models import Commission
from grants.commissions.protocol import build as build_protocol

from .handlers import PROTOCOL_LABELS
from .kinds import offer_context, protocol_context, settlement_context
from .models import DocumentJob
from .pdf import html_to_pdf_steps
from .render import render_html
from .storage import sha256, store_for

def _protocol(session, c: Commission, user) -> dict:
    """The protocol as the requesting staff member's page shows it (the frozen one once approved)."""
    doc = redact_protocol(c.protocol or build_protocol(session, c), hidden_offers(session, c, user), scores_closed(c),
                          None, None)
    return protocol_context(session, c, doc, frozen=c.protocol is not None, closed=scores_closed(c),
                            labels=PROTOCOL_LABELS)


#: what can be made in the background: kind -> (model, context builder(session, object, requester));
#: the large ones: an offer, the commission's protocol with its ranking, the settlement explained line by line
BUILDERS = {"offer": (Offer, lambda s, o, user: offer_context(o)),
            "protocol": (Commission, _protocol),
            "settlement": (Settlement, lambda s, st, user: settlement_context(st))}
STEPS = {"queued": _("w kolejce"), "context": _("wczytywanie danych"), "html": _("składanie treści"),
         "layout": _("układ stron"), "write": _("zapis PDF"), "store": _("zapisywanie"), "done": _("gotowe")}


def start(session: Session, kind: str, object_id: int, user) -> DocumentJob:
    job = DocumentJob(id=uuid.uuid4().hex, kind=kind, object_id=object_id, user_id=user.id, status="queued",
                      progress=0, step="queued", created_at=clock.real_now())
    session.add(job)
    session.commit()
    render_document.send(job.id)
    return job


def _progress(job_id: str, percent: int, step: str, **values) -> None:
    """Committed at once in a session of its own, so the polling page sees it."""
    with db.session.session_factory() as s:
        job = s.get(DocumentJob, job_id)
        if job is not None:
            job.progress, job.step = percent, step
            for k, v in values.items():
                setattr(job, k, v)
            s.commit()


@dramatiq.actor(queue_name="grants", max_retries=0, broker=_broker.broker)
def render_document(job_id: str) -> None:
    s = db.session()
    job = s.get(DocumentJob, job_id)
    if job is None or job.status != "queued":
        return  # done or taken already
    try:
        _progress(job_id, 5, "context", status="running")
        model, build = BUILDERS[job.kind]
        obj = s.get(model, job.object_id)
        html = render_html(job.kind, build(s, obj, s.get(User, job.user_id)), pdf=True)
        _progress(job_id, 20, "html")
        data, pages = html_to_pdf_steps(html, lambda p, step: _progress(job_id, p, step))
        _progress(job_id, 90, "store")
        key = store_for(current_app.instance_path).put(data)
        _progress(job_id, 100, "done", status="done", storage_key=key, sha256=sha256(data), pages=pages)
    except Exception as e:  # noqa: BLE001 - the page shows the failure instead of waiting forever
        _progress(job_id, 100, "done", status="failed", error=f"{type(e).__name__}: {e}"[:500])
        raise
