"""The authority's decision (R-COM-MANDATORY, R-RESULTS): offers selected with the awarded amount or
not selected, partial awards sent to update (R-UPDATE), results published and organisations notified."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from grants.core import outbox
from grants.core.formatting import Money
from grants.core.i18n import _
from grants.offers.models import Offer
from grants.workflows.base import apply_transition


def decide(ctx, contest) -> None:
    offers = list(ctx.session.scalars(select(Offer).where(Offer.contest_id == contest.id, Offer.state == "eligible")
                                      .order_by(Offer.id)))
    summary = []
    by_org: dict[int, list] = {}
    for o in offers:
        amount = o.proposed_grant or Decimal("0.00")
        o.awarded_grant = amount if amount > 0 else None
        ctx.session.flush()  # the engine re-reads the row under lock: write the award first
        if amount > 0:
            apply_transition(ctx.session, o, "select", ctx.actor, commit=False, received_at=ctx.now)
            follow = "confirm" if amount == o.requested_grant else "require_update"
            apply_transition(ctx.session, o, follow, ctx.actor, commit=False, received_at=ctx.now)
        else:
            apply_transition(ctx.session, o, "not_select", ctx.actor, commit=False, received_at=ctx.now)
        summary.append({"offer_id": o.id, "awarded": amount})
        by_org.setdefault(o.organisation_id, []).append((o, amount))
    # R-RESULTS: each organisation is notified once, of all its offers, in this transaction
    for rows in by_org.values():
        first = rows[0][0]
        email = (first.content or {}).get("applicant", {}).get("contact_email") or first.organisation.email
        if not email:
            continue
        lines = []
        for o, amount in rows:
            if amount > 0:
                lines.append(str(_("Oferta %(n)s „%(t)s” została wybrana w konkursie „%(c)s”. Przyznana dotacja: %(a)s.",
                                   n=o.number, t=o.title, c=contest.title, a=Money(amount))))
            else:
                lines.append(str(_("Oferta %(n)s „%(t)s” nie została wybrana w konkursie „%(c)s”.",
                                   n=o.number, t=o.title, c=contest.title)))
        outbox.emit_email(ctx.session, email, _("Wyniki konkursu: %(c)s", c=contest.title), "\n".join(lines))
    contest.results_published_at = ctx.now
    ctx.changes["results"] = summary
