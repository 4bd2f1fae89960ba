"""Security headers on HTML responses: CSP, nosniff, framing denied."""
from __future__ import annotations

import pytest


def _check(r):
    assert r.mimetype == "text/html"
    csp = r.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == "default-src 'self'"
    assert "'unsafe-inline'" not in directives.get("script-src", "") and "script-src" in directives
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'"
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("X-Frame-Options") == "DENY"
    assert r.headers.get("Referrer-Policy") == "same-origin"


@pytest.mark.parametrize("path, status", [("/", 200), ("/login", 200), ("/consultations/", 200),
                                          ("/no-such-page", 404), ("/workflows/", 302)])
def test_security_headers_on_html_pages(client, path, status):
    r = client.get(path)
    assert r.status_code == status
    if status == 302:
        r = client.get(r.headers["Location"])
    _check(r)


def test_security_headers_on_error_pages(client, make_user):
    r = client.post("/login", data={"email": "x@example.org", "password": "wrong-password"})
    assert r.status_code == 401
    _check(r)
    r = client.get("/logout")
    assert r.status_code == 405
    _check(r)


def test_security_headers_on_csrf_failure(csrf_app):
    r = csrf_app.test_client().post("/login", data={"email": "x@example.org", "password": "x"})
    assert r.status_code == 400
    _check(r)


def test_no_inline_scripts_that_csp_would_block(client):
    """script-src 'self' without 'unsafe-inline': every script must come from a file."""
    import re
    for path in ("/", "/login", "/consultations/"):
        page = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"\son(click|load|submit|change)=", page), path
