"""Security headers: CSP (with base-uri and form-action), nosniff, framing denied; HSTS in
production; `Cache-Control: no-store` on what is answered to a signed-in user or a bearer token."""
from __future__ import annotations

import pytest


def _check(r):
    assert r.mimetype == "text/html"
    csp = r.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == "default-src 'self'"
    assert "'unsafe-inline'" not in directives.get("script-src", "") and "script-src" in directives
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'"
    assert directives.get("base-uri") == "base-uri 'none'"
    assert directives.get("form-action") == "form-action 'self'"
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


def test_every_form_posts_to_this_site():
    """CSP form-action 'self': a form posts to its own page or to a url_for() of this app."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    for path in list((root / "grants").rglob("*.html")):
        for tag in re.findall(r"<form\b[^>]*>", path.read_text(encoding="utf-8")):
            action = re.search(r"""\baction\s*=\s*("[^"]*"|'[^']*')""", tag)
            value = action.group(1)[1:-1].strip() if action else ""
            if value == "{{ action }}" and path.name.startswith("_"):  # a partial: each includer sets url_for
                _every_includer_sets_action_by_url_for(root, path)
                continue
            if value == "{{ action }}" and path.parent.name == "macros":  # a macro: each call passes url_for
                _every_call_passes_action_by_url_for(root, path, tag)
                continue
            assert value == "" or (value.startswith(("{{ url_for(", "/")) and not value.startswith("//")), \
                (path, tag)
            assert "formaction" not in tag, (path, tag)


def _every_includer_sets_action_by_url_for(root, partial):
    import re
    name = partial.relative_to(partial.parents[1]).as_posix()
    includes = [(p, line) for p in (root / "grants").rglob("*.html")
                for line in p.read_text(encoding="utf-8").splitlines() if f'include "{name}"' in line]
    assert includes, partial
    for p, line in includes:
        assert re.search(r"with action = url_for\(", line), (p, line)


def _every_call_passes_action_by_url_for(root, macros, tag):
    """The macro whose form is `tag` takes `action` as a parameter: every call in a template gives it
    a url_for() (the arguments before it are plain names, e.g. transition_form(t, url_for(…), …))."""
    import re
    text = macros.read_text(encoding="utf-8")
    head = re.findall(r"\{% macro (\w+)\(([^)]*)\) %\}", text[:text.index(tag)])[-1]
    name, params = head[0], [p.split("=")[0].strip() for p in head[1].split(",")]
    before = params.index("action")
    call = re.compile(rf"\b{name}\(((?:\w+, ){{{before}}})(\S+)")
    calls = [(p, m.group(2)) for p in (root / "grants").rglob("*.html") if p != macros
             for m in call.finditer(p.read_text(encoding="utf-8"))]
    assert calls, (macros, name)
    for p, action in calls:
        assert action.startswith("url_for("), (p, name, action)


def test_hsts_only_in_production(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app.config["GRANTS_ENV"] = "production"
    try:
        for path in ("/", "/api/v1/contests", "/static/css/app.css"):
            r = client.get(path)
            assert r.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path
    finally:
        app.config["GRANTS_ENV"] = "development"


def test_no_store_on_signed_in_pages_not_on_public_ones_or_static_files(app, client, make_user, login):
    for path in ("/", "/login", "/consultations/"):
        assert "no-store" not in client.get(path).headers.get("Cache-Control", ""), path
    login(make_user("officer"), client)
    for path in ("/", "/consultations/", "/no-such-page"):
        r = client.get(path)
        assert r.headers.get("Cache-Control") == "no-store", path
    r = client.get("/static/css/app.css")
    assert r.status_code == 200 and "no-store" not in r.headers.get("Cache-Control", "")


def test_no_store_on_json_answered_to_a_bearer_token(client, make_user, api_token):
    public = client.get("/api/v1/contests")
    assert public.status_code == 200 and "no-store" not in public.headers.get("Cache-Control", "")
    headers = api_token(make_user("officer"))
    for path in ("/api/v1/contests", "/api/v1/offers"):
        r = client.get(path, headers=headers)
        assert r.status_code == 200 and r.headers.get("Cache-Control") == "no-store", path
    user = make_user("applicant")
    from tests.factories import PASSWORD
    r = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert r.status_code == 201 and r.headers.get("Cache-Control") == "no-store"  # the token itself
