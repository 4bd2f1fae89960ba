"""All workflows, each drawn from its declaration."""
from __future__ import annotations

from flask import Blueprint, render_template

from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER
from grants.workflows.diagram import mermaid
from grants.workflows.registry import workflows

from .security import roles_required

bp = Blueprint("workflows", __name__, url_prefix="/workflows")

# human names of the objects of DOMAIN.md §4 (the code name is shown beside them)
LABELS = {
    "consultation": _("Konsultacje"),
    "direction": _("Proponowany kierunek konkursu"),
    "initiative": _("Oferta z własnej inicjatywy (art. 12)"),
    "small_grant": _("Mały grant (art. 19a)"),
    "contest": _("Otwarty konkurs ofert"),
    "offer": _("Oferta"),
    "concept": _("Koncepcja (etap 1 pilotażu innowacji)"),
    "commission": _("Komisja konkursowa"),
    "agreement": _("Umowa"),
    "tranche": _("Transza"),
    "report": _("Sprawozdanie"),
    "settlement": _("Rozliczenie"),
}


@bp.route("/")
@roles_required(OFFICER, ADMIN)
def index():
    wfs = workflows()
    return render_template("workflows/index.html", labels=LABELS,
                           items=[(wf, mermaid(wf)) for _name, wf in sorted(wfs.items())])
