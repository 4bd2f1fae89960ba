"""The public calendar's filters pick contests in the database (field, department, call type) and
every event links its contest (issue 20: the national set's contests were loaded whole, each asked
the router for its address, and filtered afterwards)."""
from __future__ import annotations

import re
from datetime import timedelta

from grants.contests.models import Contest
from grants.core import clock
from grants.core.dates import WARSAW
from grants.programmes import calendar as cal
from grants.programmes import views
from tests.factories import make_contest


def test_the_calendar_filters_contests_by_field_department_and_call_type(app, client, session, make_user):
    bis, other = make_user("officer"), make_user("officer", department_code="WZ")
    culture = make_contest(session, bis, title="Kultura w dzielnicach 2027", field="culture")
    sport = make_contest(session, other, title="Sport w dzielnicach 2027", field="sport")
    session.commit()
    feed = client.get("/calendar.ics").get_data(as_text=True).replace("\r\n ", "")
    assert culture.title in feed and sport.title in feed
    only_sport = client.get("/calendar.ics?field=sport").get_data(as_text=True).replace("\r\n ", "")
    assert sport.title in only_sport and culture.title not in only_sport
    mine = client.get(f"/calendar?view=list&department={culture.department_id}").get_data(as_text=True)
    assert culture.title in mine and sport.title not in mine
    assert f'href="/contests/{culture.id}"' in mine
    assert culture.title not in client.get("/calendar?view=list&call_type=art19a").get_data(as_text=True)


def test_an_events_address_is_the_routers_own():
    assert cal._url_of(lambda endpoint, cid: f"/contests/{cid}/", "contests.show", "cid")(42) == "/contests/42/"
    by_name = cal._url_of(lambda endpoint, cid: "/contests/by-name", "contests.show", "cid")
    assert by_name(42) == "/contests/by-name"  # an address without the id: the router's, each time


def _list_links(page: str) -> list[str]:
    """The page's links to the list view from a day on, in order."""
    return [u.replace("&amp;", "&") for u in re.findall(r'href="([^"]*view=list[^"]*from=[^"]*)"', page)]


def _dated(session, officer, n: int, first_in_days: int, apart: int = 7, name: str = "Konkurs kalendarzowy"):
    """`n` published contests: deadlines `apart` days from each other, the first `first_in_days` from now;
    the results a day after each deadline."""
    out = []
    for i in range(n):
        deadline = clock.now() + timedelta(days=first_in_days + i * apart)
        out.append(make_contest(session, officer, title=f"{name} {i:02d}", deadline=deadline,
                                decision_by=(deadline + timedelta(days=1)).date()))
    session.commit()
    return out


def test_the_month_view_lists_the_following_events_up_to_a_bound_then_links_the_list(app, client, session,
                                                                                    make_user, monkeypatch):
    """Issue 20: the month view listed every later event of every year (2.3 MB at the national size);
    now the month, then the next UPCOMING events (whole days), then a link to the list from there on."""
    monkeypatch.setattr(views, "UPCOMING", 4)
    contests = _dated(session, make_user("officer"), 5, 70)
    page = client.get("/calendar").get_data(as_text=True)
    # two contests' deadline and results days (4 events), not the later ones
    assert all(c.title in page for c in contests[:2]) and not any(c.title in page for c in contests[2:])
    later = client.get(_list_links(page)[0]).get_data(as_text=True)
    assert all(c.title in later for c in contests[2:]) and contests[0].title not in later


def test_the_list_view_pages_by_whole_days_and_a_crowded_day_comes_whole(app, client, session, make_user,
                                                                         monkeypatch):
    monkeypatch.setattr(views, "LIST_PAGE", 3)
    officer = make_user("officer")
    first = _dated(session, officer, 2, 70)  # 4 events on 4 days
    # 8 events on 2 days (the deadlines, then the results)
    crowded = _dated(session, officer, 4, 90, apart=0, name="Konkurs jednego dnia")
    page = client.get("/calendar?view=list").get_data(as_text=True)
    # 3 a page: the first contest's deadline and results and the second's deadline, on three days
    assert first[0].title in page and first[1].title in page and crowded[0].title not in page
    seen, url = set(), "/calendar?view=list"
    for _ in range(10):
        body = client.get(url).get_data(as_text=True)
        seen |= {c.title for c in first + crowded if c.title in body}
        links = _list_links(body)
        if not links:
            break
        url = links[-1]
    assert seen == {c.title for c in first + crowded}
    crowded_page = client.get(f"/calendar?view=list&from={crowded[0].deadline.date().isoformat()}").get_data(
        as_text=True)
    assert all(c.title in crowded_page for c in crowded)  # one day of 4 deadlines: given whole


def test_the_month_grid_reads_only_its_weeks(app, client, session, make_user):
    contests = _dated(session, make_user("officer"), 1, 100)
    link = f'href="/contests/{contests[0].id}"'

    def grid(page: str) -> str:
        return page[page.index('<table class="month">'):page.index("</table>", page.index('<table class="month">'))]

    long_ago = client.get("/calendar?month=2001-01").get_data(as_text=True)
    assert link not in grid(long_ago) and "Brak wydarzeń w tym miesiącu." in long_ago
    assert link in long_ago  # among the following events
    month = contests[0].deadline.astimezone(WARSAW).strftime("%Y-%m")
    assert link in grid(client.get(f"/calendar?month={month}").get_data(as_text=True))


def test_the_feed_starts_a_year_back(app, client, session, make_user):
    officer = make_user("officer")
    old, recent = (make_contest(session, officer, title=t, deadline=clock.now() + timedelta(days=30))
                   for t in ("Konkurs sprzed lat", "Konkurs z tego roku"))
    session.commit()
    session.get(Contest, old.id).deadline = clock.now() - timedelta(days=cal.FEED_PAST_DAYS + 40)
    session.get(Contest, old.id).decision_by = (clock.now() - timedelta(days=cal.FEED_PAST_DAYS + 10)).date()
    session.get(Contest, recent.id).deadline = clock.now() - timedelta(days=cal.FEED_PAST_DAYS - 10)
    session.commit()
    feed = client.get("/calendar.ics").get_data(as_text=True).replace("\r\n ", "")
    assert "Konkurs z tego roku" in feed and "Konkurs sprzed lat" not in feed


def test_odd_months_and_days_in_the_address_fall_back_to_this_month(client):
    for q in ("month=0001-01", "month=9999-12", "month=2026-13", "month=abc", "view=list&from=0001-01-01",
              "view=list&from=9999-12-31", "view=list&from=2026-02-30", "view=list&month=-5-1"):
        assert client.get(f"/calendar?{q}").status_code == 200, q


def test_a_crowded_month_shows_a_few_a_day_and_links_the_rest(app, client, session, make_user, monkeypatch):
    monkeypatch.setattr(views, "DAY_CELL", 2)
    monkeypatch.setattr(views, "LIST_PAGE", 3)
    today = clock.today()
    tenth = ((today.replace(day=1) + timedelta(days=70)).replace(day=10))  # mid-month: the results day in it too
    crowded = _dated(session, make_user("officer"), 4, (tenth - today).days, apart=0, name="Konkurs tłumu")
    day = crowded[0].deadline.astimezone(WARSAW).date()
    page = client.get(f"/calendar?month={day:%Y-%m}").get_data(as_text=True)
    grid = page[page.index('<table class="month">'):page.index("</table>", page.index('<table class="month">'))]
    assert grid.count('class="month-event" href="/contests/') == 4  # 2 of 4 deadlines, 2 of 4 results (a day later)
    assert grid.count("i 2 więcej") == 2 and grid.count("+2<") == 2 and f"from={day.isoformat()}" in grid
    # the month's list: the first day whole (4 events, more than a page of 3), then a link on
    listed = page[page.index("Wydarzenia: "):]
    assert all(c.title in listed for c in crowded) and "Dalsze wydarzenia" in listed
