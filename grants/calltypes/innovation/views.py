"""Pages of the innovation call type."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("innovation", __name__, template_folder="templates")
