"""Public pages explaining each call type in plain Polish, with its workflow diagrams."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from grants.contests.models import Contest
from grants.core import db
from grants.workflows.contest import CONTEST
from grants.workflows.diagram import mermaid

from .base import get, registry

bp = Blueprint("calltypes", __name__, template_folder="templates")


@bp.route("/call-types/")
def index():
    return render_template("calltypes/index.html", types=registry())


@bp.route("/call-types/<code>")
def show(code):
    if code not in registry():
        abort(404)
    ct = get(code)
    contests = db.session.scalars(select(Contest).where(Contest.call_type == code, Contest.state != "draft")
                                  .order_by(Contest.id.desc()).limit(20)).all()
    workflows = [CONTEST, *ct.workflows()]
    return render_template("calltypes/show.html", ct=ct, criteria=ct.default_criteria("support"),
                           diagrams=[(wf, mermaid(wf)) for wf in workflows], contests=contests,
                           params=[(f.title or n, f.description or "", ct.default_params().get(n))
                                   for n, f in (ct.params_model.model_fields.items() if ct.params_model else [])])
