"""R-PROG: the cooperation programme is adopted by 30 November of the year before; its report is due
by 31 May of the year after; the programme page flags a late adoption; bad input saves nothing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from grants.programmes.models import Programme
from grants.programmes.rules import adoption_deadline, adoption_late, planned_total, report_due

from .conftest import count, rows


@pytest.mark.parametrize("adopted,today,late", [
    (date(2027, 11, 30), date(2028, 6, 1), False),   # on the last day
    (date(2027, 12, 1), date(2028, 6, 1), True),     # the day after
    (date(2027, 3, 1), date(2027, 3, 2), False),
    (None, date(2027, 11, 30), False),               # not adopted yet, still in time
    (None, date(2027, 12, 1), True),                 # not adopted by the deadline
])
def test_r_prog_adoption_late_flag(adopted, today, late):
    assert adoption_deadline(2028) == date(2027, 11, 30)
    assert adoption_late(2028, adopted, today) is late


def test_r_prog_report_due_31_may_after_the_year():
    assert report_due(2028) == date(2029, 5, 31)


def test_r_prog_planned_total_is_exact():
    assert planned_total({"culture": "0.10", "sport": "0.20"}) == Decimal("0.30")
    assert planned_total({}) == Decimal("0.00")


FORM = {"year": "2028", "title": "Program współpracy na rok 2028", "adopted_on": "2027-11-26",
        "priorities": "Seniorzy\nKultura", "commission_rules": "Komisje powołuje Prezydent.",
        "funds.culture": "1500000.00", "funds.seniors": "800 000,50"}


def test_r_prog_programme_page_shows_flags_and_dates(client, app, login, officer, clock_at):
    clock_at("2027-12-05T10:00")
    login(officer)
    r = client.post("/programmes/new", data=FORM)
    assert r.status_code == 303
    r = client.post("/programmes/new", data={"year": "2029", "title": "Program 2029"})  # not adopted
    late = client.post("/programmes/new", data={"year": "2026", "title": "Program 2026", "adopted_on": "2025-12-10"})
    assert late.status_code == 303
    (p,) = rows(Programme, Programme.year == 2028)
    assert p.planned_funds == {"culture": "1500000.00", "seniors": "800000.50"}
    assert p.adopted_on == date(2027, 11, 26)
    assert planned_total(p.planned_funds) == Decimal("2300000.50")

    client.post("/logout")
    page = client.get("/programmes/").get_data(as_text=True)
    sections = {y: page.split(f'id="p-{y}"')[1].split("</section>")[0] for y in (2026, 2028, 2029)}
    assert "po terminie" not in sections[2028] and "31.05.2029" in sections[2028]
    assert "po terminie (termin: 30.11.2025)" in sections[2026]
    # 2029: not adopted; its deadline (30 November 2028) has not passed on 5 December 2027
    assert "jeszcze nie" in sections[2029] and "po terminie" not in sections[2029]
    clock_at("2028-12-01T10:00")
    page = client.get("/programmes/").get_data(as_text=True)
    assert "po terminie (termin: 30.11.2028)" in page.split('id="p-2029"')[1].split("</section>")[0]
    # the public does not get the form
    assert 'name="funds.culture"' not in page


@pytest.mark.parametrize("change,message", [
    ({"funds.culture": "abc"}, "Nieprawidłowa kwota: abc."),
    ({"funds.culture": "-1.00"}, "Nieprawidłowa kwota"),
    ({"funds.culture": "10.005"}, "Nieprawidłowa kwota"),
    ({"funds.culture": "Infinity"}, "Nieprawidłowa kwota"),
    ({"funds.culture": "NaN"}, "Nieprawidłowa kwota"),
    ({"funds.culture": "1e30"}, "Nieprawidłowa kwota"),
    ({"year": "dwa tysiące"}, "Podaj rok programu."),
    ({"year": "1999"}, "Podaj rok programu."),
    ({"adopted_on": "30.11.2027"}, "Nieprawidłowa data uchwalenia."),
])
def test_r_prog_bad_programme_form_saves_nothing(client, login, officer, clock_at, change, message):
    clock_at("2027-10-01T10:00")
    login(officer)
    assert client.post("/programmes/new", data={**FORM, "funds.culture": "100.00"}).status_code == 303
    before = count(Programme)
    (kept,) = rows(Programme)
    r = client.post("/programmes/new", data={**FORM, **change}, follow_redirects=True)
    assert r.status_code == 200
    assert message in r.get_data(as_text=True)
    assert count(Programme) == before
    (after,) = rows(Programme)
    assert (after.planned_funds, after.adopted_on, after.title) == (kept.planned_funds, kept.adopted_on, kept.title)


def test_r_prog_only_staff_save_programmes(client, login, make_user, clock_at):
    clock_at("2027-10-01T10:00")
    login(make_user("participant", stakeholder_type="business"))
    before = count(Programme)
    assert client.post("/programmes/new", data=FORM).status_code == 403
    client.post("/logout")
    assert client.post("/programmes/new", data=FORM).status_code in (302, 401)
    assert count(Programme) == before
