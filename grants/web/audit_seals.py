"""The audit trail's seals, published (issue 15, "Audit tail"): anyone may copy them, so a copy
kept outside the database proves a later rewrite of history (`grants audit verify` compares)."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from grants.core import audit, db

bp = Blueprint("audit_seals", __name__, url_prefix="/audit")

PER_PAGE = 50


def page_number(raw: str | None) -> int:
    """A page asked for in the address; anything unreadable is the first page."""
    try:
        page = int(raw or "1")
    except ValueError:
        return 1
    return page if 1 <= page <= 100_000 else 1


@bp.route("/seals")
def seals():
    page = page_number(request.args.get("page"))
    rows, total = audit.seals_page(db.session(), page, PER_PAGE)
    return render_template("audit/seals.html", seals=rows, total=total, page=page, per_page=PER_PAGE)
