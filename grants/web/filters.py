"""Jinja filters: money in PLN, Warsaw time, labels."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_login import current_user

from grants.core.dates import WARSAW
from grants.core.money import format_pln
from grants.core.permissions import ROLE_LABELS
from grants.workflows.diagram import rows

from .i18n import select_locale
from .nav import nav_for


def init(app: Flask) -> None:

    @app.template_filter("pln")
    def pln(value):
        return format_pln(value, select_locale())

    @app.template_filter("local")
    def local(value, fmt: str = "%Y-%m-%d %H:%M"):
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.astimezone(WARSAW).strftime(fmt)
        if isinstance(value, date):
            return value.strftime("%Y-%m-%d")
        return str(value)

    @app.template_filter("isodt")
    def isodt(value):
        return value.astimezone(WARSAW).isoformat() if value else ""

    @app.context_processor
    def _roles():

        return {"role_labels": ROLE_LABELS, "nav_items": nav_for(current_user), "workflow_rows": rows}
