"""Wires the JSON API into the app: the /api/v1 blueprint, its docs, error handlers and collections.
A module of its own (not the package's __init__), so that importing an API helper does not load
every handler."""
from __future__ import annotations

from flask import Flask, Response

from grants.api import collections, docs, errors, me, seals, tokens, users
from grants.api.blueprint import bp
from grants.web.i18n import is_api_request, select_locale
from grants.web.security import csrf


def init_api(app: Flask) -> None:
    collections.load_all()
    for name, accepts in collections.CONVERTERS.items():
        app.url_map.converters[name] = collections.collection_converter(accepts)
    csrf.exempt(bp)  # bearer tokens only, never the session cookie: no CSRF hole
    app.register_blueprint(bp)
    app.register_blueprint(docs.bp)
    errors.init(app)
    me, seals, tokens, users  # noqa: B018 - routes registered on import

    @app.after_request
    def _language(resp: Response) -> Response:
        # the answer's messages are in the language Accept-Language asked for (grants.web.i18n)
        if is_api_request():
            resp.headers["Content-Language"] = select_locale()
            resp.vary.add("Accept-Language")
        return resp
