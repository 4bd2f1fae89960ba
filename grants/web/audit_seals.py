"""The audit trail's seals, published (issue 15, "Audit tail"): anyone may copy them, so a copy
kept outside the database proves a later rewrite of history (`grants audit verify` compares)."""
from __future__ import annotations

from flask import Blueprint, render_template

from grants.core import audit
from grants.core.audit import AuditSeal
from grants.web.areas import listing

bp = Blueprint("audit_seals", __name__, url_prefix="/audit")

PER_PAGE = 50


@bp.route("/seals")
def seals():
    page = listing(audit.seals_query(), AuditSeal, *audit.SEALS_ORDER, per_page=PER_PAGE)
    return render_template("audit/seals.html", seals=page.rows, page=page)
