"""The application factory: configuration, database, jobs, web and API blueprints."""
from __future__ import annotations

import logging
import os
import uuid

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

import grants.calltypes.installed  # noqa: F401 - the plug-in call types registered
import grants.models  # noqa: F401 - every table known, every workflow bound
from grants import bench, cli, ratelimits
from grants.api.setup import init_api
from grants.core import clock, db
from grants.core import config as core_config
from grants.core.context import request_id
from grants.jobs import broker, embedded, relay
from grants.web import headers
from grants.web.setup import init_web


def create_app(test_config: dict | None = None) -> Flask:
    settings = core_config.load()
    app = Flask(__name__, instance_path=str(settings.instance_path), template_folder="web/templates",
                static_folder="web/static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        GRANTS_SETTINGS=settings,
        GRANTS_ENV=settings.env,
        GRANTS_API_MAX_JSON_DEPTH=settings.api_max_json_depth,
        GRANTS_API_MAX_BODY_BYTES=settings.api_max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.production,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        BABEL_DEFAULT_LOCALE="pl",
        BABEL_DEFAULT_TIMEZONE="Europe/Warsaw",
        # the embedded default runs the worker and the scheduler as threads in this process
        GRANTS_BACKGROUND_THREADS=os.environ.get("GRANTS_BACKGROUND_THREADS", "1") == "1",
    )
    app.config.setdefault("GRANTS_TRUSTED_PROXIES", settings.trusted_proxies)
    app.config.setdefault("GRANTS_AUTHORITY_HOSTS", dict(settings.authority_hosts))
    if test_config:
        app.config.update(test_config)
    proxies = int(app.config["GRANTS_TRUSTED_PROXIES"])
    if proxies:
        # the client's address and scheme from the last `proxies` X-Forwarded-For/-Proto entries; never
        # X-Forwarded-Host (e-mailed links use GRANTS_PUBLIC_URL or the Host the proxy passes)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)
    db.init_engine(app.config.get("DATABASE_URL") or settings.database_url)


    broker.bind_app(app)
    relay.install()

    @app.before_request
    def _request_id():
        rid = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        g.request_id = rid
        g.request_id_token = request_id.set(rid)
        # R-OFF-DEADLINE: what counts is when the request was received (the clock at its start)
        g.received_at = clock.now()

    @app.after_request
    def _security_headers(resp):
        headers.apply(resp, production=app.config["GRANTS_ENV"] != "development")
        if getattr(g, "request_id", None):
            resp.headers["X-Request-Id"] = g.request_id
        return resp

    @app.teardown_appcontext
    def _remove_session(exc=None):
        db.end_session(failed=exc is not None)

    ratelimits.init(app, settings)
    init_web(app)
    init_api(app)
    cli.register(app)
    if os.environ.get("GRANTS_BENCH_ENDPOINT"):  # bench/submissions.py's bare endpoint, only then
        if bench.enabled(app):
            bench.init(app)

    if app.config["GRANTS_BACKGROUND_THREADS"] and not app.config.get("TESTING") and broker.is_inprocess():
        # started by the first request, so CLI commands (db upgrade, demo) start no threads

        @app.before_request
        def _start_embedded():
            embedded.start(app)

    logging.getLogger("grants").setLevel(logging.INFO)
    return app
