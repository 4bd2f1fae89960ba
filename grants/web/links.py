"""Absolute addresses for links sent by e-mail."""
from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """GRANTS_PUBLIC_URL + the path when it is set (production: a client's Host header never decides
    where an e-mailed link points), otherwise the address of the current request."""
    settings = current_app.config.get("GRANTS_SETTINGS")
    base = current_app.config.get("GRANTS_PUBLIC_URL") or getattr(settings, "public_url", "")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
