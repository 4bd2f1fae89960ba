"""Every error under /api/ answers problem+json; never a 500 for bad input."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from grants.core import db
from grants.core.errors import FieldErrors
from grants.core.permissions import PermissionDenied
from grants.web import unavailable
from grants.workflows.errors import WorkflowError

from .problems import ApiProblem, problem

log = logging.getLogger(__name__)


def workflow_problem(e: WorkflowError):
    extra = dict(e.extra)
    if "current_version" in extra:
        extra["current_version"] = extra["current_version"]
    return problem(e.status, e.title, str(e.detail), e.type, **extra)


def init(app: Flask) -> None:
    @app.errorhandler(ApiProblem)
    def _api_problem(e: ApiProblem):
        return problem(e.status, e.title, e.detail, e.type, **e.extra)

    @app.errorhandler(WorkflowError)
    def _wf(e: WorkflowError):
        return workflow_problem(e)

    @app.errorhandler(PermissionDenied)
    def _denied(e: PermissionDenied):
        if request.path.startswith("/api/"):
            return problem(403, "Forbidden", str(e.reason), "/problems/forbidden")
        return render_template("errors/error.html", status=403, title="403", message=str(e.reason)), 403

    @app.errorhandler(FieldErrors)
    def _refused_input(e: FieldErrors):
        """An operation refused the input (grants.core.errors): a 422 naming each field, nothing
        changed. The API's handlers let it rise rather than each translating it; on a page it
        is still the unexpected error it always was (pages catch what they expect)."""
        if not request.path.startswith("/api/"):
            return _unexpected(e)
        db.session.rollback()
        return problem(422, None, "Invalid input", "/problems/invalid-input", errors=e.errors)

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        if request.path.startswith("/api/"):
            headers = {k: v for k, v in e.get_headers() if k.lower() not in ("content-type", "content-length")}
            return problem(e.code or 500, None, e.description or "", headers=headers)
        return e

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        if isinstance(e, HTTPException):
            return _http(e)
        if db.is_unavailable(e):  # the database refused or dropped us: 503, retry later
            return unavailable.response(e)
        log.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith("/api/"):
            return problem(500, None, "Internal error; it has been logged.")
        return render_template("errors/error.html", status=500, title="500",
                               message="Wystąpił nieoczekiwany błąd. Zapisaliśmy go; spróbuj ponownie."), 500
