"""Each role's main journey end to end in the real browser (JavaScript on), at 1280 px and 390 px;
every page on the way is checked (tests/browser/conftest.py: Checker)."""
from __future__ import annotations

import re

import pytest

from openpyxl import load_workbook

from grants.core import clock
from tests.browser.conftest import ARTIFACTS, login

# once per CI run, in the PostgreSQL pass: the pages are the same on both databases, and each
# journey seeds the whole demo city again, which would double the suite's longest part
pytestmark = pytest.mark.postgres(reason="the browser journeys run once, in the PostgreSQL pass (the pages do not "
                                         "depend on the database; each journey seeds the whole demo)")


def test_applicant_fills_and_submits_an_offer_after_a_bad_value(demo, checker, page):
    c = checker(demo)
    login(page, demo, "ngo@demo.krakow.pl")
    c.check(label="home")
    c.goto("/contests/")
    page.get_by_role("link", name=re.compile("Kultura w dzielnicach")).first.click()
    c.check(label="contest")
    # the draft made earlier is returned, not a new one
    page.get_by_role("button", name=re.compile("Wróć do szkicu oferty")).first.click()
    c.check(label="offer draft")
    offer_url = page.url
    page.get_by_role("link", name=re.compile("Edytuj.*V.A Kalkulacja kosztów")).click()
    c.check(label="cost estimate")
    unit_cost = page.locator("#costs-0-unit_cost")
    original = unit_cost.input_value()
    assert original == "500,00"  # the stored amount shown as a person types it
    unit_cost.fill("1e3")
    page.get_by_role("button", name=re.compile("Zapisz")).first.click()
    c.check(label="cost estimate with an error")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    text = summary.inner_text()
    assert "Koszt jednostkowy (pozycja 1 kosztorysu)" in text and "wykładniczego" in text, text
    assert "costs.0" not in text
    assert page.locator("#costs-0-unit_cost").get_attribute("aria-invalid") == "true"
    page.locator("#costs-0-unit_cost").fill("500,00 zł")
    page.get_by_role("button", name=re.compile("Zapisz")).first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#error-summary").count() == 0
    page.goto(offer_url)
    c.check(label="offer complete")
    assert page.get_by_text("Oferta jest kompletna").is_visible()
    # others' actions are not shown to the applicant
    assert page.get_by_role("button", name=re.compile("Odrzuć z przyczyn formalnych")).count() == 0
    page.get_by_role("button", name="Złóż ofertę").click()
    c.check(label="confirm submission")
    assert page.get_by_text("Tej czynności nie można cofnąć.").is_visible()
    page.get_by_role("button", name=re.compile("Tak, złóż ofertę", re.I)).click()
    c.check(label="offer submitted")
    assert page.locator("#receipt").is_visible()
    assert page.get_by_text("złożona", exact=True).first.is_visible()
    c.done()


def test_officer_runs_formal_review(demo, checker, page):
    c = checker(demo)
    login(page, demo, "urzedniczka.sz@demo.krakow.pl")
    c.check(label="officer home")
    c.goto("/contests/")
    page.get_by_role("link", name=re.compile("Aktywni seniorzy")).first.click()
    c.check(label="contest in formal review")
    row = page.locator("#offers-h ~ * tr, #offers-h ~ table tr").filter(
        has=page.locator(".state", has_text=re.compile("^złożona$"))).first
    row.get_by_role("link").first.click()
    c.check(label="submitted offer")
    assert page.get_by_role("button", name=re.compile("Wycofaj ofertę")).count() == 0  # the applicant's action
    for box in page.locator("#formal input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Zapisz listę kontrolną").click()
    c.check(label="checklist saved")
    page.get_by_role("button", name="Uznaj za poprawną formalnie").click()
    c.check(label="confirm formal acceptance")
    page.get_by_role("button", name=re.compile("Tak, uznaj", re.I)).click()
    c.check(label="offer eligible")
    assert page.locator(".state").first.inner_text() == "poprawna formalnie"
    c.goto("/offers/5")  # needs correction: its history through the correction reads as sentences
    history = page.locator(".history").inner_text()
    assert "braki formalne" in history and "Brak podpisu" in history and "stan: było" in history
    c.done()


def test_commission_member_declares_and_scores(demo, checker, page):
    c = checker(demo)
    login(page, demo, "komisja@demo.krakow.pl")
    c.check(label="member home")
    page.locator(".card", has_text="Karty oceny").get_by_role("link").first.click()
    c.check(label="commission, declarations")
    declared = 0
    while page.locator("#declarations form").count():
        form = page.locator("#declarations form").first
        radios = form.locator("input[name=conflict]").all()
        assert radios and all(not r.is_checked() for r in radios)  # no answer is chosen for the member
        form.locator("input[name=conflict][value='0']").check()
        form.get_by_role("button").click()
        page.wait_for_load_state("networkidle")
        declared += 1
        assert declared < 10
    c.check(label="declared")
    assert declared >= 1
    page.get_by_role("button", name="Wyloguj").click()
    # a voting member of the commission in its scoring stage scores an offer
    login(page, demo, "nominat2@demo.krakow.pl")
    c.goto("/commissions/2")
    page.get_by_role("link", name=re.compile("oceń ofertę")).first.click()
    c.check(label="score card")
    for box in page.locator("input[name^='scores.']").all():
        box.fill("4")
    for area in page.locator("textarea[name^='justifications.']").all():
        area.fill("Rzetelny plan i realny kosztorys.")
    page.get_by_role("button", name="Złóż kartę").click()
    c.check(label="confirm score card")
    assert page.get_by_text("Tej czynności nie można cofnąć.").is_visible()
    page.get_by_role("button", name=re.compile("Tak, złóż kartę", re.I)).click()
    c.check(label="card submitted")
    assert page.get_by_text(re.compile("Złożono kartę oceny")).is_visible()
    c.done()


def test_finance_pays_a_tranche_and_exports(demo, checker, page):
    c = checker(demo)
    login(page, demo, "finanse@demo.krakow.pl")
    c.check(label="finance home")
    c.goto("/agreements/finance/contests")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Eksport")).first.click()
    path = ARTIFACTS / c.name / f"wyplaty_{c.width}.xlsx"
    info.value.save_as(path)
    ws = load_workbook(path).active
    assert ws.freeze_panes == "A2"
    assert all(cell.font.bold for cell in ws[1] if cell.value)
    assert ws.column_dimensions["B"].width and ws.column_dimensions["B"].width > 10
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {"wypłacona", "do wypłaty"} <= {r[5] for r in rows}  # the tranches due are listed too
    assert len({r[8] for r in rows}) > 1  # demo organisations have accounts of their own
    c.goto("/")
    page.locator(".card", has_text="Transze do wypłaty").get_by_role("link").first.click()
    c.check(label="agreement")
    form = page.locator("#tranches form", has=page.get_by_role("button", name="Oznacz jako wypłaconą")).first
    # the business day in Warsaw (the application's), not the machine's: after 23:00 UTC they differ
    form.locator("input[type=date]").fill(clock.today().isoformat())
    form.locator("input[name=transfer_ref]").fill("PRZELEW/TEST/1")
    form.get_by_role("button", name="Oznacz jako wypłaconą").click()
    c.check(label="confirm payment")
    page.get_by_role("button", name=re.compile("^Tak", re.I)).click()
    c.check(label="tranche paid")
    assert page.locator("#tranches").get_by_text("wypłacona").first.is_visible()
    c.done()
