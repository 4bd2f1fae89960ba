"""Finance's export and per-contest report."""
from io import BytesIO

from openpyxl import load_workbook


def test_payments_export_is_a_real_workbook_for_finance_only(app, make_user, login):
    finance = login(make_user("finance"), app.test_client())
    r = finance.get("/agreements/payments.xlsx")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.data)).active
    assert [c.value for c in ws[1]][:4] == ["Umowa", "Organizacja", "Transza", "Kwota"]
    applicant = login(make_user("applicant"), app.test_client())
    assert applicant.get("/agreements/payments.xlsx").status_code == 403
    assert finance.get("/agreements/finance/contests").status_code == 200
