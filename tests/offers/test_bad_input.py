"""Wrong numbers on an offer draft: PATCH /api/v1/offers/{id} and the web section form answer 422 with
the error on the field, and nothing is saved (content and version unchanged, no audit entry)."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from grants.offers.models import Offer
from tests.factories import make_contest

from .support import audit_count, draft

BAD_AMOUNTS = [
    ("-5.00", "ujemna"),
    ("abc", "nie jest liczba"),
    ("12.345", "miejsca po przecinku"),
    ("10000000000.01", "nierealnie duża"),
    ("1e400", "zapisu wykładniczego"),
    ("1e3", "zapisu wykładniczego"),
    ("2.5e3", "zapisu wykładniczego"),
    ("+5", "znaku"),
    ("1 250,50", "nie jest liczba"),  # the API takes "1250.50"; forms also take the Polish spelling
    ("9" * 41, "za długa"),
    ("NaN", "nie jest liczba"),
    ("Infinity", "nie jest liczba"),
    ("", "nie jest liczba"),
]


@pytest.fixture
def world(session, make_user, make_org):
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    c = make_contest(session, officer)
    o = draft(session, c, ngo, org)
    return c, o, ngo


def _state(session, oid):
    session.expire_all()
    o = session.get(Offer, oid)
    return o.version, o.content, audit_count(session, "offer", oid)


def _line(**kw):
    line = {"category": "action", "action_no": 1, "cost_type": "personnel", "name": "Instruktor", "unit": "godz.",
            "unit_cost": "100.00", "units": "2"}
    line.update(kw)
    return line


def test_bad_numbers_on_api_patch_refused_and_nothing_saved(client, session, world, api_token):
    c, o, ngo = world
    h = api_token(ngo)
    before = _state(session, o.id)
    cases = [({"costs": [_line(unit_cost=v)]}, "costs.0.unit_cost", msg) for v, msg in BAD_AMOUNTS]
    cases += [
        ({"costs": [_line(units="-1")]}, "costs.0.units", "ujemna"),
        ({"costs": [_line(units="10000000.01")]}, "costs.0.units", "nierealnie duża"),
        ({"costs": [_line(units="1.001")]}, "costs.0.units", "miejsca po przecinku"),
        ({"costs": [_line(unit_cost=12.5)]}, "costs.0.unit_cost", "jako tekst"),   # a JSON float
        ({"costs": [_line(unit_cost=1e300)]}, "costs.0.unit_cost", "jako tekst"),
        ({"costs": [_line(unit_cost=True)]}, "costs.0.unit_cost", "nie jest liczba"),
        ({"costs": [_line(by_year={"2028": "-1.00"})]}, "costs.0.by_year.2028", "ujemna"),
        ({"costs": [_line(by_year={"20x8": "1.00"})]}, "costs.0.by_year.20x8", ""),
        ({"costs": [_line(by_partner={"1": "0.001"})]}, "costs.0.by_partner.1", "miejsca po przecinku"),
        ({"sources": {"grant": "-0.01"}}, "sources.grant", "ujemna"),
        ({"sources": {"grant": 9000.0}}, "sources.grant", "jako tekst"),
        ({"sources": {"own_financial": "1,234.56"}}, "sources.own_financial", "nie jest liczba"),
        ({"sources": {"own_in_kind": "99999999999"}}, "sources.own_in_kind", "nierealnie duża"),
        ({"sources": {"beneficiaries": "1.2.3"}}, "sources.beneficiaries", "nie jest liczba"),
        ({"sources": {"grant": "1e3"}}, "sources.grant", "zapisu wykładniczego"),
        ({"sources": {"own_financial": "2.5e3"}}, "sources.own_financial", "zapisu wykładniczego"),
        ({"costs": [_line(units="1e1")]}, "costs.0.units", "zapisu wykładniczego"),
        ({"costs": [_line(by_year={"2028": "1e3"})]}, "costs.0.by_year.2028", "zapisu wykładniczego"),
        ({"task": {"start_date": "2028-02-30"}}, "task.start_date", ""),
        ({"costs": [_line(action_no=0)]}, "costs.0.action_no", ""),
        ({"costs": [_line(category="other")]}, "costs.0.category", ""),
    ]
    for body, field, message in cases:
        # a valid section beside the bad one is not saved either
        r = client.patch(f"/api/v1/offers/{o.id}", json={"other": {"info": "zapisane?"}, **body}, headers=h)
        assert r.status_code == 422, (body, r.get_data(as_text=True))
        problem = r.get_json()
        assert r.mimetype == "application/problem+json"
        errors = {e["field"]: e["message"] for e in problem["errors"]}
        hit = [f for f in errors if f == field or f.startswith(field + ".")]
        assert hit, (body, errors)
        assert message in errors[hit[0]], (body, errors)
    assert _state(session, o.id) == before


def test_bad_numbers_on_cost_line_endpoints_refused(client, session, world, api_token):
    c, o, ngo = world
    h = api_token(ngo)
    before = _state(session, o.id)
    r = client.post(f"/api/v1/offers/{o.id}/cost-lines", json={"line": _line(unit_cost="-1")}, headers=h)
    assert r.status_code == 422
    r = client.patch(f"/api/v1/offers/{o.id}/cost-lines/0", json={"units": 3.5}, headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)
    r = client.patch(f"/api/v1/offers/{o.id}/cost-lines/0", json={"unit_cost": "1.999"}, headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)
    assert _state(session, o.id) == before


def test_good_numbers_are_normalised_to_two_places(client, session, world, api_token):
    c, o, ngo = world
    h = api_token(ngo)
    r = client.patch(f"/api/v1/offers/{o.id}", json={"costs": [_line(unit_cost="1250.5", units=3)]}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    line = r.get_json()["content"]["costs"][0]
    assert (line["unit_cost"], line["units"]) == ("1250.50", "3.00")


def test_polish_spelling_of_amounts_accepted_on_the_web_form(app, session, world, login):
    """A form takes "1 250,50" as Polish users type it (also with a non-breaking space); stored as "1250.50"."""
    c, o, ngo = world
    web = app.test_client()
    login(ngo, web)
    r = web.post(f"/offers/{o.id}/sections/costs", data=_form(o, **{"costs.0.unit_cost": "1\u00a0250,5",
                                                                    "costs.0.units": "3"}))
    assert r.status_code in (200, 302, 303), r.get_data(as_text=True)[:2000]
    session.expire_all()
    line = session.get(Offer, o.id).content["costs"][0]
    assert (line["unit_cost"], line["units"]) == ("1250.50", "3.00")


def _form(o, **fields):
    data = [("version", str(o.version))]
    base = {"costs.0.category": "action", "costs.0.action_no": "1", "costs.0.cost_type": "personnel",
            "costs.0.name": "Instruktor", "costs.0.unit": "godz.", "costs.0.unit_cost": "100.00",
            "costs.0.units": "2"}
    base.update(fields)
    return MultiDict(data + list(base.items()))


@pytest.mark.parametrize("field, value, message", [
    ("costs.0.unit_cost", "-5", "ujemna"),
    ("costs.0.unit_cost", "sto złotych", "nie jest liczba"),
    ("costs.0.unit_cost", "12,345", "miejsca po przecinku"),
    ("costs.0.unit_cost", "100000000000", "nierealnie duża"),
    ("costs.0.units", "1e9", "zapisu wykładniczego"),
    ("costs.0.unit_cost", "2.5e3", "zapisu wykładniczego"),
    ("costs.0.unit_cost", "NaN", "nie jest liczba"),
])
def test_bad_numbers_on_the_web_cost_form_refused_and_nothing_saved(app, session, world, login, field, value, message):
    c, o, ngo = world
    web = app.test_client()
    login(ngo, web)
    before = _state(session, o.id)
    r = web.post(f"/offers/{o.id}/sections/costs", data=_form(o, **{field: value}))
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    fid = field.replace(".", "-")
    # the message beside the field, the field marked invalid, and the summary links to it
    m = __import__("re").search(rf'<p class="error-message" id="{fid}-error">(.*?)</p>', page, __import__("re").S)
    assert m and message in m.group(1), page[:4000]
    assert f'id="{fid}" name="{field}" value="{value}"' in page
    assert 'aria-invalid="true" aria-describedby="%s-error"' % fid in page
    assert f'href="#{fid}"' in page and "nic nie zostało zapisane" in page
    assert _state(session, o.id) == before


def test_bad_year_split_on_the_web_form_shown_beside_its_field(app, session, make_user, make_org, login):
    from datetime import date
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    c = make_contest(session, officer, task_start=date(2028, 1, 1), task_end=date(2029, 12, 31))
    o = draft(session, c, ngo, org)
    from grants.offers import operations as oops
    oops.save_sections(session, o, ngo, {"task": {**o.content["task"], "start_date": "2028-03-01",
                                                  "end_date": "2029-06-30"}})
    session.commit()
    web = app.test_client()
    login(ngo, web)
    before = _state(session, o.id)
    page = web.get(f"/offers/{o.id}/sections/costs").get_data(as_text=True)
    assert 'name="costs.0.by_year.y2028"' in page
    r = web.post(f"/offers/{o.id}/sections/costs", data=_form(session.get(Offer, o.id), **{
        "costs.0.by_year.y2028": "-100.00", "costs.0.by_year.y2029": "300.00"}))
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'id="costs-0-by_year-y2028-error"' in page, page[page.find("error-summary"):][:1500]
    assert _state(session, o.id) == before


def test_error_paths_map_to_the_form_inputs():
    from grants.offers.forms_util import errors_by_field
    got = errors_by_field([{"field": "costs.0.by_year.2028", "message": "a"},
                           {"field": "costs.3.by_partner.15", "message": "b"},
                           {"field": "costs.1.by_year.20x8.[key]", "message": "c"},
                           {"field": "costs.0.unit_cost", "message": "d"}])
    assert got == {"costs.0.by_year.y2028": ["a"], "costs.3.by_partner.o15": ["b"], "costs.1.by_year.y20x8": ["c"],
                   "costs.0.unit_cost": ["d"]}
