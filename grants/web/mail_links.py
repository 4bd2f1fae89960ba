"""Absolute links for mails (password reset; any other mailed link should use it too)."""
from __future__ import annotations

import os

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute link on GRANTS_PUBLIC_URL when set (production: the Host header of the request
    that asked for the mail must not choose where the link points), else on the request's host."""
    base = (current_app.config.get("GRANTS_PUBLIC_URL") or os.environ.get("GRANTS_PUBLIC_URL") or "").strip()
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
