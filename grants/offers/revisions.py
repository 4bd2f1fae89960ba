"""Frozen revisions of an offer and the receipt (R-OFF-DEADLINE, R-OFF-RECEIPT)."""
from __future__ import annotations

import hashlib

from grants.core import canonical

from .models import OfferRevision
from .validation import figures


def _organisation(org) -> dict:
    return {"id": org.id, "name": org.name, "legal_form": org.legal_form, "krs": org.krs, "nip": org.nip,
            "regon": org.regon, "address": org.address}


def frozen_content(offer) -> dict:
    """What a revision freezes: the content with section II's registry data and the announcement it answers."""
    return canonical.jsonable({
        "content": offer.content,
        "applicants": [_organisation(offer.organisation)] + [_organisation(p.organisation) for p in offer.partners],
        "contest": {"id": offer.contest_id, "title": offer.contest.title,
                    "announcement_sha256": offer.contest.announcement_hash},
    })


def content_hash(frozen: dict) -> str:
    return hashlib.sha256(canonical.dumps(frozen).encode()).hexdigest()


def freeze_submission(session, offer, ctx, kind: str, parsed=None) -> dict:
    """Freezes the offer's content as its next revision (the row's column values, returned); the
    engine inserts it with the transition's own write (ctx.rows), in the same round trip.
    `parsed`: the content already parsed (grants.offers.content.load), when the caller has it."""
    with session.no_autoflush:  # loading the applicants must not flush the new state: one UPDATE, not two
        frozen = frozen_content(offer)
    digest = content_hash(frozen)
    number = (offer.revision_count or 0) + 1
    rev = {"offer_id": offer.id, "number": number, "kind": kind, "content": frozen, "content_hash": digest,
           "received_at": ctx.now, "created_by_id": getattr(ctx.actor, "id", None)}
    ctx.rows.append((OfferRevision.__table__, rev))
    offer.revision_count = number
    if offer.number is None:
        offer.number = f"{offer.contest.year}/{offer.contest_id:04d}/{offer.id:05d}"
    if offer.submitted_at is None:
        offer.submitted_at = ctx.now
    f = figures(offer.content, parsed)
    offer.requested_grant = f["sources"].grant
    offer.total_cost = f["total"]
    offer.title = offer.content.get("task", {}).get("title") or offer.title
    offer.receipt = {"number": offer.number, "revision": number, "kind": kind,
                     "received_at": canonical.jsonable(ctx.now), "sha256": digest}
    ctx.changes["receipt"] = offer.receipt
    return rev
