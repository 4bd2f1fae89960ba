"""Jinja filters: the one set every page, mail and printout uses to write numbers and times.

Money through grants.core.formatting.money (cached), Flask-Babel's `format_decimal` and
`format_percent`, all in the request's language;
times in Europe/Warsaw (BABEL_DEFAULT_TIMEZONE). Outside a request (mails, exports) the same
rules come from grants.core.formatting.

    {{ amount|pln }}     1 250,50 zł         {{ share|pct }}   88,93%
    {{ score|pts }}      25 pkt              {{ n|num }}       1 234,5
    {{ moment|local }}   20.01.2027, 16:00   {{ d|day }}       20.01.2027
    {{ value|label('cost_category') }}       the display label of a code (grants.core.labels)
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from flask import Flask, has_request_context
from flask_babel import format_decimal, format_percent, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from grants.calltypes import prose
from grants.core import formatting, labels
from grants.core.dates import WARSAW
from grants.core.i18n import _
from grants.core.permissions import ADMIN, FINANCE, OFFICER, ROLE_LABELS, has_role

from grants.workflows.diagram import rows

from . import history
from .i18n import select_locale
from .nav import nav_for


_PROGRAM_AMOUNT = re.compile(r"^-?\d+\.\d{2}$")


def _dec(value):
    return formatting._decimal(value)


def pln(value) -> str:
    d = _dec(value)
    if d is None:
        return "" if value is None else str(value)
    return formatting.money(d, str(get_locale()) if has_request_context() else None)


def num(value, places: int = 2) -> str:
    d = _dec(value)
    if d is None:
        return "" if value is None else str(value)
    pattern = "#,##0" + ("." + "#" * places if places else "")
    if not has_request_context():
        return formatting.number(d, places=places)
    return format_decimal(d, format=pattern)


def pct(value, places: int = 2) -> str:
    d = _dec(value)
    if d is None:
        return "" if value is None else str(value)
    if not has_request_context():
        return formatting.percent(d, places=places)
    return format_percent(d / 100, format="#,##0" + ("." + "#" * places if places else "") + "%")


def pts(value) -> str:
    d = _dec(value)
    if d is None:
        return "" if value is None else str(value)
    return f"{num(d)}\u00a0{'pkt' if formatting.current_locale().startswith('pl') else 'pts'}"


def pp(value) -> str:
    return formatting.percentage_points(value)


def staff_view() -> bool:
    """Officers, finance and admins see the rule ids behind what the program does."""
    user = current_user if has_request_context() else None
    return bool(user is not None and getattr(user, "is_authenticated", False) and has_role(user, OFFICER, FINANCE, ADMIN))


def basis(*rules: str) -> Markup:
    """The small "podstawa" note for staff: the rule ids with the legal basis in words; nothing
    for anyone else (applicants read what to do, not the program's rule ids)."""
    if not rules or not staff_view():
        return Markup("")
    parts = []
    for rule in rules:
        words = labels.legal_basis(rule)
        parts.append(f"{escape(rule)}" + (f": {escape(words)}" if words else ""))
    return Markup('<span class="basis">') + escape(str(_("podstawa:"))) + Markup(" ") + Markup("; ".join(parts)) + Markup("</span>")


def crumbs(*pairs) -> Markup:
    """Breadcrumbs: crumbs((url, text), ..., text_of_this_page)."""
    items = []
    for p in pairs:
        if isinstance(p, (tuple, list)):
            items.append(Markup('<li><a href="%s">%s</a></li>') % (p[0], p[1]))
        else:
            items.append(Markup('<li><span aria-current="page">%s</span></li>') % p)
    return (Markup('<nav class="breadcrumbs" aria-label="%s"><ol>') % str(_("Ścieżka"))) + Markup("").join(items) \
        + Markup("</ol></nav>")


def init(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Warsaw")
    formatting.set_locale_getter(lambda: select_locale() if has_request_context() else "pl")

    for name, fn in (("pln", pln), ("num", num), ("pct", pct), ("pts", pts), ("pp", pp), ("iban", formatting.iban)):
        app.add_template_filter(fn, name)

    @app.template_filter("local")
    def local(value, fmt: str | None = None):
        """A moment in Warsaw time ("20.01.2027, 16:00"); `fmt` "%S" adds the seconds."""
        if value is None:
            return ""
        if isinstance(value, (datetime, date, str)):
            return formatting.when(value, seconds=bool(fmt and "%S" in fmt))
        return str(value)

    @app.template_filter("month_title")
    def month_title(value):
        return formatting.month_name(value.year, value.month)

    @app.template_filter("day")
    def day(value):
        return formatting.day(value)

    @app.template_filter("isodt")
    def isodt(value):
        return value.astimezone(WARSAW).isoformat() if isinstance(value, datetime) else (
            value.isoformat() if isinstance(value, date) else "")

    @app.template_filter("label")
    def label(value, kind: str):
        return labels.label(kind, value)

    @app.template_filter("typed")
    def typed(value):
        """A stored amount ("1250.50") as a person types it back into a field ("1 250,50")."""
        if isinstance(value, str) and _PROGRAM_AMOUNT.match(value):
            return format_decimal(Decimal(value), format="#,##0.00") if has_request_context() else value
        return "" if value is None else value

    @app.template_filter("show")
    def show(value, key: str = ""):
        """Any value as people read it (grants.web.history.value_text): yes/no, lists, money, dates."""
        return history.value_text(key, value)

    @app.template_filter("money_input")
    def money_input(value):
        """An amount as a money field is filled with it: "30 000,00", which the field's parser
        reads whatever the page's language (an English "30,000.00" it would refuse)."""
        d = _dec(value)
        return "" if d is None else formatting.number_for_input(d)

    @app.template_filter("amount")
    def amount(value):
        """Money given as a Decimal or a two-place string (JSON) in Polish format."""
        return pln(value) if isinstance(value, (Decimal, int, str)) else value

    @app.template_global("prose_blocks")
    def prose_blocks(name: str) -> dict:
        """The prose a page keeps as data beside its template (name: "privacy/notice.toml"),
        read through the template loader (grants.calltypes.prose.page_blocks)."""
        source, _path, _fresh = app.jinja_env.loader.get_source(app.jinja_env, name)
        return prose.page_blocks(source)

    @app.context_processor
    def _roles():

        return {"role_labels": ROLE_LABELS, "nav_items": nav_for(current_user), "workflow_rows": rows,
                "labels": labels, "describe_history": history.describe, "basis": basis, "staff_view": staff_view(),
                "crumbs": crumbs, "field_label": labels.field_label}
