"""Dashboards across departments (issue 16, S14): SQL aggregates, accessible SVG charts with the data
table beside, CSV of the same figures, filters in the URL; the public page has no draft figure."""
from __future__ import annotations

from decimal import Decimal

from grants.core import clock
from grants.offers.models import Offer
from grants.registry import dashboard
from tests.factories import make_contest


def _city(session, make_user, make_org):
    officer = make_user("officer")
    draft = make_contest(session, officer, publish=False, budget=Decimal("777777.00"))
    decided = make_contest(session, officer, budget=Decimal("100000.00"))
    decided.state = "decided"
    org = make_org()
    session.add_all([Offer(contest_id=decided.id, organisation_id=org.id, state="selected", awarded_grant=Decimal("40000.00"),
                           created_at=clock.real_now()),
                     Offer(contest_id=decided.id, organisation_id=make_org().id, state="not_selected",
                           created_at=clock.real_now())])
    session.commit()
    return officer, draft, decided


def test_figures_come_from_sql_aggregates(session, make_user, make_org):
    """What the test's contests add to their department's row (other modules' worlds may share it)."""
    def row_of(department_id, **kw):
        rows = dashboard.funds(session, department_id=department_id, **kw)
        return rows[0] if rows else {}

    officer = make_user("officer")
    before, public_before = row_of(officer.department_id), row_of(officer.department_id, public=True)
    _city(session, make_user, make_org)
    after, public = row_of(officer.department_id), row_of(officer.department_id, public=True)
    added = {k: (after.get(k) or 0) - (before.get(k) or 0) for k in ("planned", "announced", "awarded", "offers")}
    assert added == {"planned": Decimal("777777.00"), "announced": Decimal("100000.00"),
                     "awarded": Decimal("40000.00"), "offers": 2}
    assert "planned" not in public and "planned" not in public_before


def test_public_dashboard_shows_no_draft_figure(app, session, make_user, make_org):
    _city(session, make_user, make_org)
    page = app.test_client().get("/dashboards/public").get_data(as_text=True)
    assert "777" not in page and "40 000.00" in page
    assert '<svg' in page and "<title" in page and "<desc" in page and "<table>" in page
    csv = app.test_client().get("/dashboards/public?format=csv").get_data(as_text=True)
    assert "777" not in csv and "40000.00" in csv


def test_staff_dashboard_with_filters_in_the_url(app, session, make_user, make_org, login):
    officer, _draft, decided = _city(session, make_user, make_org)
    client = login(officer, app.test_client())
    assert "777777.00" in client.get("/dashboards/").get_data(as_text=True)
    page = client.get(f"/dashboards/?year={decided.year + 5}").get_data(as_text=True)
    assert "777777.00" not in page
    assert app.test_client().get("/dashboards/").status_code in (401, 302)
    assert login(make_user("applicant"), app.test_client()).get("/dashboards/").status_code == 403


def test_chart_escapes_labels_and_carries_its_values():
    svg = dashboard.bar_chart("x", "Tytuł <b>", "Opis", [("<script>", Decimal("12.50"))])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "12.50" in svg and 'role="img"' in svg
