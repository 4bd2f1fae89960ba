"""Pages of the federation call type."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("federation", __name__, template_folder="templates")
