"""Public pages explaining each call type in plain Polish, with its workflow diagrams."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("calltypes", __name__, template_folder="templates")
