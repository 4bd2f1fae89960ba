"""Dashboards across departments (issue 16, S14): SQL aggregates, accessible SVG charts with the data
table beside, CSV and XLSX of the same figures, filters in the URL; the public page has no draft or
confidential figure."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from itertools import count

from openpyxl import load_workbook
from sqlalchemy import select

from grants.agreements.models import Agreement, Tranche
from grants.core import clock
from grants.offers.models import Offer
from grants.registry import authorities, dashboard
from grants.registry.models import Grantor
from grants.reports.models import Report
from grants.settlements.models import ReturnPayment, Settlement
from tests.factories import make_contest

_n = count(1)


def _city(session, make_user, make_org):
    """A draft contest (planned 777 777 zł) and a decided one: two offers, one selected (40 000 zł)
    whose agreement was signed 20 days after the deadline, paid 30 000 zł 30 days after it, has a
    report overdue and a return of 1 000 zł booked with another one overdue."""
    officer = make_user("officer")
    draft = make_contest(session, officer, publish=False, budget=Decimal("777777.00"))
    decided = make_contest(session, officer, budget=Decimal("100000.00"))
    deadline = decided.deadline
    decided.state, decided.results_published_at = "decided", deadline + timedelta(days=10)
    org = make_org()
    org.district = "XIII"
    now = clock.real_now()
    chosen = Offer(contest_id=decided.id, organisation_id=org.id, state="selected",
                   awarded_grant=Decimal("40000.00"), created_at=now)
    session.add_all([chosen, Offer(contest_id=decided.id, organisation_id=make_org().id, state="not_selected",
                                   created_at=now)])
    session.flush()
    day = deadline.date()
    n = next(_n)
    a = Agreement(offer_id=chosen.id, contest_id=decided.id, organisation_id=org.id, number=f"DASH/{n}",
                  title="Zadanie", grant=Decimal("40000.00"), task_start=day, task_end=day + timedelta(days=90),
                  shift_pct=Decimal("10"), own_tolerance_pp=Decimal("5"), final_report_due=day + timedelta(days=120),
                  content={}, state="in_progress", signed_by_grantor_on=day + timedelta(days=20), created_at=now)
    session.add(a)
    session.flush()
    today = clock.today()
    session.add_all([
        Tranche(agreement_id=a.id, number=1, amount=Decimal("30000.00"), paid_amount=Decimal("30000.00"),
                paid_on=day + timedelta(days=30), state="paid"),
        Tranche(agreement_id=a.id, number=2, amount=Decimal("10000.00"), state="scheduled"),
        Report(agreement_id=a.id, kind="partial", due_on=today - timedelta(days=3), content={}, state="draft",
               created_at=now),
    ])
    s = Settlement(agreement_id=a.id, state="awaiting_return", created_at=now,
                   obligations=[{"kind": "unused", "amount": "2000.00", "due": (today - timedelta(days=1)).isoformat()}])
    session.add(s)
    session.flush()
    session.add(ReturnPayment(settlement_id=s.id, paid_on=today, amount=Decimal("1000.00"), booked_at=now))
    session.commit()
    return officer, draft, decided


def _row(session, by, key, public=False, **kw):
    rows = dashboard.figures(session, dashboard.Filters(by=by, public=public, **kw), clock.today())
    return next((r for r in rows if r["key"] == key), {})


FIGURES = ("planned", "announced", "awarded", "paid", "returned", "offers", "contests", "first_time",
           "reports_overdue", "returns_overdue")


def test_figures_come_from_sql_aggregates(session, make_user, make_org):
    """What the test's contests add to their department's row (other modules' worlds may share it)."""
    officer = make_user("officer")
    dept = officer.department_id
    before = _row(session, "department", dept)
    _officer, _draft, decided = _city(session, make_user, make_org)
    after = _row(session, "department", dept)
    added = {k: (after.get(k) or 0) - (before.get(k) or 0) for k in FIGURES}
    assert added == {"planned": Decimal("777777.00"), "announced": Decimal("100000.00"),
                     "awarded": Decimal("40000.00"), "paid": Decimal("30000.00"), "returned": Decimal("1000.00"),
                     "offers": 2, "contests": 1, "first_time": 1, "reports_overdue": 1, "returns_overdue": 1}
    # the times of this contest alone: its own year, filtered by department
    only = _row(session, "department", dept, year=decided.year)
    assert only["days_to_results"] is not None


def test_times_success_and_district_rows(session, make_user, make_org):
    _officer, _draft, decided = _city(session, make_user, make_org)
    district = _row(session, "district", "XIII", year=decided.year)
    assert district["label"] == "XIII Podgórze"
    assert district["awarded"] >= Decimal("40000.00") and district["paid"] >= Decimal("30000.00")
    assert district["announced"] is None and district["planned"] is None  # a contest has no district
    field = _row(session, "field", decided.field, year=decided.year)
    assert field["offers"] >= 2 and field["success"] is not None
    year = _row(session, "year", decided.year, department_id=decided.department_id)
    assert Decimal("9.9") <= year["days_to_results"] <= Decimal("10.1") or year["contests"] > 1
    assert year["days_to_agreement"] is not None and year["days_to_payment"] is not None


def test_public_dashboard_shows_no_draft_or_confidential_figure(app, session, make_user, make_org):
    _city(session, make_user, make_org)
    client = app.test_client()
    page = client.get("/dashboards/public").get_data(as_text=True)
    assert "777" not in page and "40\u00a0000,00\u00a0zł" in page
    assert "Sprawozdania po terminie" not in page and "Zaplanowane" not in page
    assert '<svg' in page and "<title" in page and "<desc" in page and "<table class=\"table figures\">" in page
    csv = client.get("/dashboards/public?format=csv").get_data(as_text=True)
    assert "777" not in csv and "40000.00" in csv and "Zwroty po terminie" not in csv
    for by in dashboard.DIMENSIONS:
        assert client.get(f"/dashboards/public?by={by}").status_code == 200
    assert client.get("/dashboards/public?by=nonsense&year=20x5&department=-1").status_code == 200


def test_staff_dashboard_with_filters_in_the_url_and_xlsx(app, session, make_user, make_org, login):
    officer, _draft, decided = _city(session, make_user, make_org)
    client = login(officer, app.test_client())
    page = client.get("/dashboards/").get_data(as_text=True)
    assert "777\u00a0777,00\u00a0zł" in page and "Sprawozdania po terminie" in page
    assert "777\u00a0777,00" not in client.get(f"/dashboards/?year={decided.year + 5}").get_data(as_text=True)
    r = client.get(f"/dashboards/?by=district&year={decided.year}&format=xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    ws = load_workbook(io.BytesIO(r.data)).active
    header = [c.value for c in ws[1]]
    assert header[0] == "Dzielnica" and "Wypłacone (zł)" in header
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["XIII Podgórze"][header.index("Wypłacone (zł)")] >= 30000
    assert app.test_client().get("/dashboards/").status_code in (401, 302)
    assert login(make_user("applicant"), app.test_client()).get("/dashboards/").status_code == 403


def test_chart_escapes_labels_and_carries_its_values():
    svg = dashboard.bar_chart("x", "Tytuł <b>", "Opis", [("<script>", Decimal("12.50"))])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "12,50" in svg and 'role="img"' in svg


def test_staff_of_another_authority_see_none_of_its_figures(app, session, make_user, make_org, login):
    """Issue 22: the staff dashboard is one authority's; Kraków's planned budget (a draft) stays Kraków's."""
    from grants.registry import authorities
    from grants.registry.dictionaries import FIELDS
    from grants.registry.models import Department
    _city(session, make_user, make_org)
    wie = authorities.create(session, None, code="WDB", name="Gmina Wieliczka", teryt="1219063")
    session.add(Department(grantor=wie, code="WDB-BIS", name="Referat", fields=list(FIELDS)))
    session.commit()
    other = login(make_user("officer", department_code="WDB-BIS"), app.test_client())
    page = other.get("/dashboards/").get_data(as_text=True)
    assert "777\u00a0777,00" not in page and "Brak danych" in page
    assert "777777.00" not in other.get("/dashboards/?format=csv").get_data(as_text=True)


def test_public_figures_are_counted_once_in_a_period_and_the_page_says_when(app, session, make_user, make_org,
                                                                            monkeypatch, login):
    """Issue 20: at the national size the public figures read every offer (3-5 s a page); they are
    counted at most once per KEEP_PUBLIC for the same filters, in the reader's language each time;
    the staff's dashboard counts afresh."""
    officer, _draft, decided = _city(session, make_user, make_org)
    session.commit()
    counted = []
    real = dashboard._aggregate
    monkeypatch.setattr(dashboard, "_aggregate", lambda *a: counted.append(1) or real(*a))
    client = app.test_client()
    page = client.get("/dashboards/public").get_data(as_text=True)
    assert "40\u00a0000,00\u00a0zł" in page and "Stan na" in page and "co 10 minut" in page
    # a new selected offer: not in the public figures before the period ends
    session.add(Offer(contest_id=decided.id, organisation_id=make_org().id, state="selected",
                      awarded_grant=Decimal("5000.00"), created_at=clock.real_now()))
    session.commit()
    assert "40\u00a0000,00\u00a0zł" in client.get("/dashboards/public").get_data(as_text=True)
    reader = app.test_client()
    reader.post("/lang/en", data={"next": "/"})
    english = reader.get("/dashboards/public").get_data(as_text=True)
    assert "Figures as of" in english and "Planned" not in english
    assert client.get("/dashboards/public?format=csv").status_code == 200
    assert len(counted) == 1
    # other filters are counted on their own
    client.get("/dashboards/public?by=year")
    assert len(counted) == 2
    # the staff's view counts afresh every time
    staff = login(officer, app.test_client())
    assert "45\u00a0000,00\u00a0zł" in staff.get("/dashboards/").get_data(as_text=True)
    # once the period is over, counted again
    later = clock.real_now() + dashboard.KEEP_PUBLIC
    monkeypatch.setattr(clock, "real_now", lambda: later)
    assert "45\u00a0000,00\u00a0zł" in client.get("/dashboards/public").get_data(as_text=True)


def test_every_authoritys_public_figures_come_by_authority_first(app, session, make_user, make_org):
    """Nationally hundreds of departments made one row each; with several authorities the deployment's
    public page groups by authority unless asked otherwise; one authority's page by department."""
    _city(session, make_user, make_org)
    session.add(Grantor(code="WIE", name="Gmina Wieliczka", teryt="1219054"))
    session.commit()
    assert authorities.several(session)
    client = app.test_client()
    page = client.get("/dashboards/public").get_data(as_text=True)
    krk = session.scalars(select(Grantor).where(Grantor.code != "WIE")).first()
    assert "Liczby według: Organ dotujący" in page and f'<th scope="row">{krk.name}</th>' in page
    assert "Liczby według: Wydział" in client.get("/dashboards/public?by=department").get_data(as_text=True)
    assert "Liczby według: Wydział" in client.get(f"/dashboards/public?grantor={krk.code}").get_data(as_text=True)
    csv = client.get("/dashboards/public?format=csv").get_data(as_text=True)
    assert csv.startswith("Organ dotujący;") and krk.name in csv
