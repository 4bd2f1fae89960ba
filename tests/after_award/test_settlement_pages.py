"""Issue 14 on the pages after the award: the settlement's line-by-line table, its obligations and the
agreement page show money and dates in the Polish format (they showed "20000.00" under a header
"20 000,00 zł", and ISO dates), on the page, on the agreement and in the printable statement."""
from __future__ import annotations

import re
from decimal import Decimal

from tests.after_award.test_settlements import IN_2024, _calculate, _settling

NBSP = "\xa0"


def _cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]


def test_settlement_and_agreement_show_polish_amounts_and_dates(world, app, login):
    w = world(("40000.00",), moved_to=IN_2024)
    a, s = _settling(w, 0, task_end="2025-11-14", from_grant=[Decimal("18000.00"), Decimal("2000.00")])
    _calculate(w, s["id"])
    c = login(w.finance, app.test_client())
    money = f"20{NBSP}000,00{NBSP}zł"
    for url in (f"/settlements/{s['id']}", f"/agreements/{a['id']}", f"/settlements/{s['id']}/document.html"):
        cells = _cells(c.get(url).get_data(as_text=True))
        assert money in cells and f"40{NBSP}000,00{NBSP}zł" in cells, (url, cells)
        assert "20000.00" not in cells and "40000.00" not in cells, (url, cells)  # amounts, not formulas
    settlement = _cells(c.get(f"/settlements/{s['id']}").get_data(as_text=True))
    assert "01.12.2025" in settlement and "2025-12-01" not in settlement  # the return's due date
    agreement = c.get(f"/agreements/{a['id']}").get_data(as_text=True)
    assert "01.03.2025 – 14.11.2025" in agreement and "2025-03-01" not in agreement
    assert "10.02.2025 / 11.02.2025" in agreement and "termin 15.12.2025" in agreement
