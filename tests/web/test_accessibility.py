"""WCAG 2.1 AA basics on every page the app renders, found by crawling the demo as the anonymous
visitor and as a user of each role: a label (<label for>) on every visible field, one h1 and no
skipped heading levels, the lang attribute, the skip link, unique ids."""
from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest


NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}
MAX_PAGES_PER_USER = 120
SKIP_PREFIXES = ("/static/", "/api/v1/openapi", "/api/v1/tokens", "/logout", "/lang/", "/healthz")
API_DATA = re.compile(r"^/api/v1/(?!docs)")  # JSON, not pages


class Page(HTMLParser):
    """What the checks need from one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.fields: list[dict] = []  # visible form controls
        self.headings: list[int] = []
        self.links: list[str] = []
        self.forms: list[tuple[str, str | None]] = []  # (method, action)
        self._in_label = 0
        self.wrapped: set[int] = set()  # index of fields inside a <label>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "label":
            self._in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag == "form":
            self.forms.append(((a.get("method") or "get").lower(), a.get("action")))
        elif tag in ("input", "select", "textarea"):
            kind = (a.get("type") or "text").lower() if tag == "input" else tag
            if kind not in NOT_FIELDS:
                self.fields.append({"tag": tag, "type": kind, "id": a.get("id"), "name": a.get("name")})
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "label" and self._in_label:
            self._in_label -= 1


def problems(html: str) -> list[str]:
    p = Page()
    p.feed(html)
    out = []
    if p.lang not in ("pl", "en"):
        out.append(f"<html lang> is {p.lang!r}")
    if 'class="skip-link" href="#main"' not in html or "main" not in p.ids:
        out.append("no skip link to #main")
    dup = sorted({i for i in p.ids if p.ids.count(i) > 1})
    if dup:
        out.append(f"duplicate ids {dup}")
    for f in p.fields:
        if not f["id"]:
            out.append(f"{f['tag']} name={f['name']!r} has no id")
        elif f["id"] not in p.label_for:
            out.append(f"{f['tag']} #{f['id']} has no <label for> (in a table: macros/forms.html cell())")
    if p.headings.count(1) != 1:
        out.append(f"{p.headings.count(1)} h1 headings")
    prev = 1
    for level in p.headings:
        if level > prev + 1:
            out.append(f"heading level skips from h{prev} to h{level} ({p.headings})")
            break
        prev = level
    return out


def links(html: str) -> list[str]:
    p = Page()
    p.feed(html)
    return p.links


def crawl(client, start_paths):
    """Breadth-first over local links; returns {path: html} of the HTML pages answered with 200."""
    seen, pages = set(), {}
    queue = deque(start_paths)
    while queue and len(pages) < MAX_PAGES_PER_USER:
        url = urldefrag(queue.popleft())[0]
        parts = urlparse(url)
        if (parts.scheme or parts.netloc or not url.startswith("/") or url.startswith(SKIP_PREFIXES)
                or API_DATA.match(url)):
            continue
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        if r.status_code != 200 or r.mimetype != "text/html":
            continue
        html = r.get_data(as_text=True)
        pages[url] = html
        queue.extend(h for h in links(html) if h not in seen)
    return pages


def static_paths(app) -> list[str]:
    """Every GET route without parameters (pages not linked from anywhere are checked too)."""
    out = []
    for rule in app.url_map.iter_rules():
        if ("GET" in rule.methods and not rule.arguments and not str(rule).startswith(SKIP_PREFIXES)
                and not API_DATA.match(str(rule))):
            out.append(str(rule))
    return sorted(out)


@pytest.fixture
def demo(app):
    from grants.demo import USERS, seed
    seed()
    return USERS


def test_problems_detects_missing_labels_and_heading_skips():
    """The checker itself can fail."""
    bad = ('<html lang="pl"><a class="skip-link" href="#main">x</a><main id="main"><h1>T</h1><h3>x</h3>'
           '<form><input name="q" id="q"><select name="s"></select><input type="hidden" name="h">'
           '<label for="t">T</label><textarea id="t"></textarea></form></main></html>')
    found = problems(bad)
    assert any("#q has no <label for>" in x for x in found)
    assert any("select name='s' has no id" in x for x in found)
    assert any("skips from h1 to h3" in x for x in found)
    assert not any("#t" in x for x in found) and not any("'h'" in x for x in found)
    assert problems(bad.replace('lang="pl"', "")) [0].startswith("<html lang>")


def test_every_page_has_labels_headings_lang_and_skip_link(app, demo):
    """Anonymous visitor and one demo user of each role crawl the app; every form field on every
    page they reach has a <label for>."""
    checked, failures, forms = 0, [], 0
    first_of_each_role = {}
    for email, roles, *_rest in demo:
        first_of_each_role.setdefault(tuple(roles), email)
    users = [None, *first_of_each_role.values()]
    for email in users:
        c = app.test_client()
        if email:
            assert c.post("/login", data={"email": email, "password": "Demo-Grants-2026"}).status_code == 302
        pages = crawl(c, ["/"] + static_paths(app))
        pages.update(_form_pages(c, pages))
        for path, html in pages.items():
            checked += 1
            forms += len(_parse(html).forms)
            for p in problems(html):
                failures.append(f"{email or 'anonymous'} {path}: {p}")
    assert checked > 20  # the crawl really went somewhere
    assert forms > 20
    assert not failures, "\n".join(failures[:40])


def _parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    return p


def _form_pages(client, pages):
    """Pages showing errors must keep their labels too: each form that posts to its own page is
    posted empty (which no form accepts), and the page that answers is checked."""
    out = {}
    for path, html in list(pages.items()):
        if any(method == "post" and not action for method, action in _parse(html).forms):
            r = client.post(path, data={})
            if r.mimetype == "text/html" and r.status_code in (200, 400, 401, 409, 422):
                out[path + " (posted empty)"] = r.get_data(as_text=True)
    return out


def test_login_page_with_errors_is_accessible(client):
    r = client.post("/login", data={"email": "not-an-email", "password": ""})
    html = r.get_data(as_text=True)
    assert problems(html) == []
    # error summary first, linked to each field; errors next to the fields, announced
    assert 'class="error-summary" role="alert"' in html
    assert html.index("error-summary") < html.index('<form method="post" novalidate')
    assert 'href="#email"' in html and 'href="#password"' in html
    assert 'id="email-error"' in html and 'aria-describedby="email-error"' in html
    # not by colour alone: the error message carries the word "Błąd" for screen readers and a border
    assert '<span class="visually-hidden">Błąd:</span>' in html


def test_flags_and_states_are_text_not_colour(app, demo):
    """Overdue-like flags and states are written out as words (no information by colour alone)."""
    c = app.test_client()
    html = c.get("/consultations/").get_data(as_text=True)
    states = re.findall(r'<span class="state">([^<]*)</span>', html)
    assert states and all(s.strip() for s in states)


def test_cell_macro_gives_table_fields_a_label(app):
    """The macro for fields in table rows renders a visually hidden <label for>."""
    from flask import render_template_string
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class F(FlaskForm):
        code = StringField("Kod")

    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "macros/forms.html" import cell %}<html lang="pl"><a class="skip-link" href="#main">x</a>'
            '<main id="main"><h1>T</h1><form>{{ cell(form.code, "Kod kryterium 1", class="wide") }}</form></main>',
            form=F(meta={"csrf": False}))
    assert problems(html) == []
    assert '<label class="visually-hidden" for="code">Kod kryterium 1</label>' in html
    assert 'class="wide"' in html
