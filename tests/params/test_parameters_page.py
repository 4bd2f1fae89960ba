"""Dated parameters an admin keeps (R-SET-INTEREST rates, R-19A-LIMITS values)."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from grants.params.models import DatedParameter
from grants.params.values import RATE_KEY, rate_table


def test_r_set_interest_admin_adds_a_rate_row_used_from_its_date(app, session, make_user, login):
    client = login(make_user("admin"), app.test_client())
    r = client.post("/admin/parameters/", data={"key": RATE_KEY, "valid_from": "2026-01-08", "value": "10.5"})
    assert r.status_code == 303
    table = rate_table(session)
    assert table.rate_on(date(2026, 1, 7)) == Decimal("11.0")  # DOMAIN.md's 2025-12-04 row
    assert table.rate_on(date(2026, 1, 8)) == Decimal("10.5")
    assert "10.5" in client.get("/admin/parameters/").get_data(as_text=True)


def test_parameters_only_for_admins_and_bad_input_stores_nothing(app, session, make_user, login):
    officer = login(make_user("officer"), app.test_client())
    assert officer.get("/admin/parameters/").status_code == 403
    admin = login(make_user("admin"), app.test_client())
    for data in ({"key": RATE_KEY, "valid_from": "nie-data", "value": "1"},
                 {"key": RATE_KEY, "valid_from": "2026-01-01", "value": "-1"},
                 {"key": "nieznany", "valid_from": "2026-01-01", "value": "1"},
                 {"key": RATE_KEY, "valid_from": "2026-01-01", "value": "NaN"}):
        assert admin.post("/admin/parameters/", data=data).status_code == 303
    assert session.scalar(select(func.count()).select_from(DatedParameter)) == 0
