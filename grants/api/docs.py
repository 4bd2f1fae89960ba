"""/api/v1/openapi.json and the human docs page beside it."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from .openapi import document

bp = Blueprint("api_docs", __name__, template_folder="templates")


@bp.route("/api/v1/openapi.json")
def openapi_json():
    return jsonify(document())


@bp.route("/api/v1/docs")
def docs():
    return render_template("api/docs.html", doc=document())
