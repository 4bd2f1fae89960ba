"""Every role's everyday pages in the real browser, at 1280 px and 390 px: no horizontal scroll,
axe-core clean, no codes or English words, money in the Polish format (tests/browser/conftest.py)."""
from __future__ import annotations

from tests.browser.conftest import login

PUBLIC = ["/", "/contests/", "/calendar", "/consultations/", "/small-grants/", "/call-types/", "/login", "/register"]


def test_public_pages_read_well(demo_readonly, checker):
    c = checker(demo_readonly)
    for path in PUBLIC:
        c.goto(path)
    c.done()


def test_applicant_pages_read_well(demo_readonly, checker, page):
    demo = demo_readonly
    c = checker(demo)
    login(page, demo, "ngo@demo.krakow.pl")
    c.check(label="home")
    c.goto("/contests/")
    page.get_by_role("link", name="Kultura w dzielnicach", exact=False).first.click()
    c.check(label="contest")
    c.done()
