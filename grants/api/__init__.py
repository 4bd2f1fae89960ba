"""The uniform JSON API (ARCHITECTURE.md "Uniform API"): /api/v1, bearer tokens, problem+json."""
from __future__ import annotations

from flask import Flask


def init_api(app: Flask) -> None:
    from grants.web.security import csrf

    from . import collections, docs, errors, me, seals, tokens, users
    from .blueprint import bp
    collections.load_all()
    for name, accepts in collections.CONVERTERS.items():
        app.url_map.converters[name] = collections.collection_converter(accepts)
    csrf.exempt(bp)  # bearer tokens only, never the session cookie: no CSRF hole
    app.register_blueprint(bp)
    app.register_blueprint(docs.bp)
    errors.init(app)
    me, seals, tokens, users  # noqa: B018 - routes registered on import
