"""RFC 9457 problem details."""
from __future__ import annotations

from flask import Response, json

STATUS_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                 405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large",
                 415: "Unsupported Media Type", 422: "Unprocessable Content", 429: "Too Many Requests",
                 500: "Internal Server Error", 503: "Service Unavailable"}


class ApiProblem(Exception):
    def __init__(self, status: int, detail, type_: str = "about:blank", title: str | None = None, **extra):
        self.status, self.detail, self.type, self.extra = status, str(detail), type_, extra
        self.title = title or STATUS_TITLES.get(status, "Error")
        super().__init__(self.detail)


def problem(status: int, title: str | None = None, detail: str = "", type_: str = "about:blank",
            headers: dict | None = None, **extra) -> Response:
    body = {"type": type_, "title": title or STATUS_TITLES.get(status, "Error"), "status": status,
            "detail": str(detail)}
    body.update({k: v for k, v in extra.items() if v is not None})
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def invalid(errors: list[dict], detail: str = "Invalid input", status: int = 422) -> ApiProblem:
    return ApiProblem(status, detail, "/problems/invalid-input", errors=errors)
