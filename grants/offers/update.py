"""The update of an offer awarded less than requested (R-UPDATE): scope, schedule and cost estimate
change so that the grant equals the award, and the declared own-contribution share stays within the
contest's tolerance (percentage points)."""
from __future__ import annotations

from decimal import Decimal

from budgets import cost_estimate as ce
from grants.core.i18n import _

from .content import load
from .validation import figures


def original_own_share(offer) -> Decimal:
    """The own-contribution share (%) of the first submitted revision."""
    rev = next((r for r in offer.revisions if r.kind == "submission"), None)
    content = rev.content["content"] if rev else offer.content
    f = figures(content)
    return ce.share(f["sources"].own_total, f["sources"].total)


def update_problems(session, offer) -> list[str]:
    from .validation import problems_for
    out = [p.text for p in problems_for(session, offer) if p.rule not in ("R-OFF-LIMITS",)]
    f = figures(offer.content)
    grant = f["sources"].grant
    if offer.awarded_grant is not None and grant != offer.awarded_grant:
        out.append(str(_("Dotacja w aktualizacji (%(g)s) musi być równa przyznanej kwocie (%(a)s).",
                         g=grant, a=offer.awarded_grant)))
    tolerance = offer.contest.own_tolerance_pp or Decimal(0)
    before = original_own_share(offer)
    now = ce.share(f["sources"].own_total, f["sources"].total)
    if now < before - tolerance:
        out.append(str(_("Udział wkładu własnego spadł z %(b)s%% do %(n)s%%; dopuszczalny spadek to %(t)s pkt proc.",
                         b=before, n=now, t=tolerance)))
    load(offer.content)
    return out
