"""Coarse per-address limits (Flask-Limiter) and the 429 answer with Retry-After.

The fine-grained login throttle, per (account, address) pair with a growing delay, lives in
grants.accounts.throttle; the limits here only stop one address from hammering: failed logins
across accounts, registrations, and requests that send e-mail (sign-in links, and password reset
when it comes). The client address is request.remote_addr, which is the real client only when
GRANTS_TRUSTED_PROXIES tells the app how many proxies stand in front of it (ProxyFix in
grants.app); with the wrong setting every user behind the proxy shares one address.

Counters live in Redis when GRANTS_RATELIMIT_STORAGE_URL or GRANTS_BROKER_URL points to Redis
(shared by every gunicorn worker), otherwise in process memory (the embedded default).
"""
from __future__ import annotations

import logging
import math
import time
from typing import Callable

from flask import Flask, Response, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse

from grants.api.problems import problem
from grants.core.config import Settings
from grants.core.i18n import _

log = logging.getLogger(__name__)

# how many failed logins (pages and POST /api/v1/tokens) one address may make, over all accounts
LOGIN_FAILURES_PER_ADDRESS = "30 per 10 minutes"
# registrations from one address
REGISTER_PER_ADDRESS = "10 per hour"
# requests that send a mail (sign-in link; password reset should use it too) from one address
MAIL_REQUESTS_PER_ADDRESS = "5 per 15 minutes"
# mails of one purpose to one recipient: beyond it the request is answered the same and sends
# nothing (the earlier links, still valid, are in the mailbox)
MAILS_PER_RECIPIENT = "3 per 15 minutes"

limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=False,
                  swallow_errors=True, in_memory_fallback_enabled=True)

# endpoint → a function(seconds, message) answering its own 429 (e.g. the login page offering the link)
_pages: dict[str, Callable[[int, object], Response | tuple]] = {}


def failed(response: Response) -> bool:
    """deduct_when for login-like endpoints: only failures count (a success redirects or creates)."""
    return response.status_code not in (200, 201, 302, 303)


def page_for(endpoint: str):
    def deco(fn):
        _pages[endpoint] = fn
        return fn
    return deco


def mail_allowed(purpose: str, recipient: str) -> bool:
    """Counts one mail of `purpose` to `recipient`; False when MAILS_PER_RECIPIENT is used up."""
    try:
        return limiter.limiter.hit(parse(MAILS_PER_RECIPIENT), "mail", purpose, recipient.strip().lower())
    except Exception as e:  # noqa: BLE001 - the storage is down: let the mail go
        log.warning("rate limit storage unavailable for mail limit: %s", e)
        return True


def retry_after_seconds() -> int:
    current = limiter.current_limit
    if current is not None:
        try:
            return max(1, math.ceil(current.reset_at - time.time()))
        except Exception:  # noqa: BLE001
            pass
    return 60


def wait_message(seconds: int):
    if seconds < 60:
        return _("Zbyt wiele prób z tego adresu. Spróbuj ponownie za %(n)s s.", n=max(1, seconds))
    return _("Zbyt wiele prób z tego adresu. Spróbuj ponownie za %(n)s min.", n=math.ceil(seconds / 60))


def init(app: Flask, settings: Settings) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.ratelimit_storage_url)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "grants-rl")
    limiter.init_app(app)
    warned = []

    @app.before_request
    def _warn_untrusted_proxy():
        # behind a proxy with GRANTS_TRUSTED_PROXIES=0 every user shares the proxy's address, and
        # the per-address limits count them all together: say so once in the log
        if not warned and not app.config.get("GRANTS_TRUSTED_PROXIES") and "X-Forwarded-For" in request.headers:
            warned.append(True)
            log.warning("requests carry X-Forwarded-For but GRANTS_TRUSTED_PROXIES is 0: rate limits count "
                        "every client behind the proxy as one address (set it to the number of proxies)")

    @app.errorhandler(RateLimitExceeded)
    def _too_many(e: RateLimitExceeded):
        seconds = retry_after_seconds()
        message = wait_message(seconds)
        headers = {"Retry-After": str(seconds)}
        if request.path.startswith("/api/"):
            return problem(429, None, str(message), "/problems/too-many-requests", headers=headers,
                           retry_after=seconds)
        custom = _pages.get(request.endpoint or "")
        if custom is not None:
            resp = custom(seconds, message)
        else:
            resp = render_template("errors/error.html", status=429, title=_("Zbyt wiele prób"), message=message)
        resp = app.make_response(resp)
        resp.status_code = 429
        resp.headers["Retry-After"] = str(seconds)
        return resp
