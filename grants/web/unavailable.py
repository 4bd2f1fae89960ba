"""503 with Retry-After when the database cannot serve (refused or dropped connection, pool
exhausted, server shutting down): a Polish error page for pages, problem+json under /api/.

The page is rendered as the anonymous visitor sees it: the signed-in user would have to be
loaded from the very database that is down."""
from __future__ import annotations

import logging

from flask import g, render_template, request
from markupsafe import escape

from grants.api.problems import problem
from grants.core.i18n import _

from .security import login_manager

log = logging.getLogger(__name__)

#: what a client is told to wait before retrying (seconds): a restart or a failover, not minutes
RETRY_AFTER_SECONDS = 30

_FALLBACK = """<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{message}</p></main></body></html>"""


def response(exc: BaseException):
    log.warning("database unavailable on %s %s: %s: %s", request.method, request.path,
                type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        return problem(503, None, f"The database is temporarily unavailable; retry in {RETRY_AFTER_SECONDS} s.",
                       "/problems/unavailable", headers=headers)
    g._login_user = login_manager.anonymous_user()  # no user lookup in a database that is down
    title = _("Serwis chwilowo niedostępny")
    message = _("Baza danych jest chwilowo niedostępna. Nic nie zostało zmienione; spróbuj ponownie za "
                "%(seconds)d sekund.", seconds=RETRY_AFTER_SECONDS)
    try:
        html = render_template("errors/error.html", status=503, title=title, message=message)
    except Exception:  # noqa: BLE001 - the layout itself needed the database: the bare page
        log.exception("the error page could not be rendered")
        html = _FALLBACK.format(title=escape(title), message=escape(message))
    return html, 503, headers
