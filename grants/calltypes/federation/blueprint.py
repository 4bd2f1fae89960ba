"""The federation call type's blueprint: its own pages (views.py) and the commission pool's (pool_views.py)."""
from flask import Blueprint

bp = Blueprint("federation", __name__, template_folder="templates")
