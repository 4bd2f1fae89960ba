"""Every role's everyday pages in the real browser, at 1280 px and 390 px: no horizontal scroll,
axe-core clean, no codes or English words, money in the Polish format (tests/browser/conftest.py)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login

PUBLIC = ["/", "/contests/", "/calendar", "/consultations/", "/small-grants/", "/call-types/", "/login", "/register",
          "/dashboards/public", "/dashboards/public?by=district", "/open-data/"]

# once per CI run, in the PostgreSQL pass: the pages are the same on both databases, and each
# journey seeds the whole demo city again, which would double the suite's longest part
pytestmark = pytest.mark.postgres(reason="the browser journeys run once, in the PostgreSQL pass (the pages do not "
                                         "depend on the database; each journey seeds the whole demo)")


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


def test_officer_dashboards_read_well(demo_readonly, checker, page):
    """The staff dashboards with their charts, by department and by field: axe-core clean, phones too."""
    demo = demo_readonly
    c = checker(demo)
    login(page, demo, "urzedniczka.sz@demo.krakow.pl")
    c.goto("/dashboards/")
    # the bell and the account link were the page's link blue on the header's same blue: unseen
    colours = page.evaluate("""() => [...document.querySelectorAll('.header-tools a')].map(a =>
        [getComputedStyle(a).color, getComputedStyle(document.querySelector('.site-header')).backgroundColor])""")
    assert colours and all(fg != bg for fg, bg in colours), colours
    c.goto("/dashboards/?by=field")
    c.done()


def test_calendar_grid_breaks_no_word_on_a_phone(demo_readonly, checker, page, width):
    """In a seventh of a phone's width an event's kind broke mid-word ("konsult|acje"): there each
    event is a dot (its kind and title read out, and listed in full below the grid)."""
    c = checker(demo_readonly)
    c.goto("/calendar")
    events = page.evaluate("""() => [...document.querySelectorAll('.month a.month-event')].map(a => {
        const r = a.getBoundingClientRect(), kind = a.querySelector('.month-kind').getBoundingClientRect();
        return [a.textContent.trim(), r.width, kind.width, a.closest('td').getBoundingClientRect().width]; })""")
    assert events, "the demo's month has events"
    for name, link, kind, cell in events:
        assert name and link <= cell, (name, link, cell)  # each still named for a screen reader
        if width == 390:
            assert kind <= 1, (name, kind)  # the kind's words are read out, not squeezed into the cell
        else:
            assert kind > 20, (name, kind)  # a desktop's grid names each event's kind
    c.done()
