"""Security headers of every response (pages, API, files).

- CSP: only our own scripts, styles, images and forms; no `<base>` that would re-point relative
  links (`base-uri 'none'`), no form posting anywhere but here (`form-action 'self'`), no framing.
- HSTS in production only (the production section of the README requires TLS in front of the app;
  in development over plain http a browser would remember it for localhost).
- `Cache-Control: no-store` on responses to a signed-in user or a bearer token: a shared or a
  browser cache must not keep drafts, personal data or tokens (the back button after logout on a
  shared computer). Public pages and static files stay cacheable.
"""
from __future__ import annotations

from flask import g, request, session
from werkzeug.wrappers import Response

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
HSTS = "max-age=31536000; includeSubDomains"


def _authenticated() -> bool:
    """Was this answered to someone signed in? Read from what the request already loaded (the
    page's user, the API's token), so a static file costs no user lookup."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return True
    if g.get("api_user") is not None or request.headers.get("Authorization"):
        return True
    if request.path.startswith("/api/") and request.method not in ("GET", "HEAD"):
        return True  # a write's answer, e.g. a new token, is never for a cache
    if request.path.startswith("/api/"):
        return False  # the API never reads the session cookie
    # a signed-in session whose user this request did not need (a redirect, a file of a draft)
    return request.endpoint != "static" and "_user_id" in session


def apply(resp: Response, production: bool) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    resp.headers.setdefault("Content-Security-Policy", CSP)
    if production:
        resp.headers.setdefault("Strict-Transport-Security", HSTS)
    if _authenticated():
        resp.headers["Cache-Control"] = "no-store"
        resp.headers.pop("Expires", None)
    return resp
