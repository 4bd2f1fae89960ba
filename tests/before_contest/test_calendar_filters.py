"""The public calendar's filters pick contests in the database (field, department, call type) and
every event links its contest (issue 20: the national set's contests were loaded whole, each asked
the router for its address, and filtered afterwards)."""
from __future__ import annotations

from grants.programmes import calendar as cal
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
