"""All workflows, each drawn from its declaration."""
from __future__ import annotations

from flask import Blueprint, render_template

from grants.core.permissions import ADMIN, OFFICER
from grants.workflows.diagram import mermaid
from grants.workflows.registry import workflows

from .security import roles_required

bp = Blueprint("workflows", __name__, url_prefix="/workflows")


@bp.route("/")
@roles_required(OFFICER, ADMIN)
def index():
    wfs = workflows()
    return render_template("workflows/index.html",
                           items=[(wf, mermaid(wf)) for _name, wf in sorted(wfs.items())])
