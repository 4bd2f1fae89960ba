"""The update of an offer awarded less than requested (R-UPDATE): scope, schedule and cost estimate
change so that the grant equals the award, and the declared own-contribution share stays within the
contest's tolerance (percentage points)."""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal
from fractions import Fraction

from budgets import cost_estimate as ce
from grants.core.i18n import _

from .content import load
from .validation import figures, problems_for


def _exact_share(sources) -> Fraction:
    """Own contribution / total costs × 100, exact (a share rounded to 0.01 % would let a grosz below the
    tolerance through, or refuse a grosz within it)."""
    if not sources.total:
        return Fraction(0)
    return Fraction(sources.own_total) * 100 / Fraction(sources.total)


def original_sources(offer):
    """V.B of the first submitted revision."""
    rev = next((r for r in offer.revisions if r.kind == "submission"), None)
    content = rev.content["content"] if rev else offer.content
    return figures(content)["sources"]


def original_own_share(offer) -> Decimal:
    """The own-contribution share (%) of the first submitted revision, shown with two places."""
    src = original_sources(offer)
    return ce.share(src.own_total, src.total)


def update_problems(session, offer) -> list[str]:
    out = [p.text for p in problems_for(session, offer) if p.rule not in ("R-OFF-LIMITS",)]
    f = figures(offer.content)
    grant = f["sources"].grant
    if offer.awarded_grant is not None and grant != offer.awarded_grant:
        out.append(str(_("Dotacja w aktualizacji (%(g)s) musi być równa przyznanej kwocie (%(a)s).",
                         g=grant, a=offer.awarded_grant)))
    tolerance = offer.contest.own_tolerance_pp or Decimal(0)
    src_before = original_sources(offer)
    before, now = _exact_share(src_before), _exact_share(f["sources"])
    if now < before - Fraction(tolerance):
        shown = ce._share_towards  # rounded away from the limit: never a contradictory "5.00 % of 5 %"
        out.append(str(_("Udział wkładu własnego spadł z %(b)s%% do %(n)s%%; dopuszczalny spadek to %(t)s pkt proc.",
                         b=shown(src_before.own_total, src_before.total, ROUND_UP),
                         n=shown(f["sources"].own_total, f["sources"].total, ROUND_DOWN), t=tolerance)))
    load(offer.content)
    return out
