"""The API's language: what Accept-Language asks for (Polish or English), else the token holder's
own, else Polish; never the session cookie's, which the API does not read. The answer says which
(Content-Language) and that it varies with the request's Accept-Language."""
from __future__ import annotations

import pytest

from grants.offers.operations import create
from tests.factories import make_contest


def _draft(session, make_user, make_org, locale=None):
    officer = make_user("officer")
    contest = make_contest(session, officer)
    org = make_org()
    member = make_user("applicant", org=org)
    member.locale = locale
    session.commit()
    offer = create(session, member, contest, org.id)
    session.commit()
    return member, offer


def _answer(client, offer, headers):
    r = client.get(f"/api/v1/offers/{offer.id}", headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r


def _submit_label(client, offer, headers) -> str:
    return next(t["label"] for t in _answer(client, offer, headers).get_json()["transitions"] if t["name"] == "submit")


@pytest.mark.parametrize(("asked", "label", "language"), [
    ("en-GB,en;q=0.9", "Submit an offer", "en"),
    ("pl-PL,pl;q=0.9,en;q=0.8", "Złóż ofertę", "pl"),
    ("de-DE", "Złóż ofertę", "pl"),  # neither: Polish
    (None, "Złóż ofertę", "pl"),
])
def test_labels_in_the_language_accept_language_asks_for(client, session, make_user, make_org, api_token,
                                                         asked, label, language):
    member, offer = _draft(session, make_user, make_org)
    headers = {**api_token(member), **({"Accept-Language": asked} if asked else {})}
    r = _answer(client, offer, headers)
    assert next(t["label"] for t in r.get_json()["transitions"] if t["name"] == "submit") == label
    assert r.headers["Content-Language"] == language
    assert "Accept-Language" in r.headers.get("Vary", "")


def test_the_token_holders_own_language_when_the_request_names_none(client, session, make_user, make_org,
                                                                     api_token):
    member, offer = _draft(session, make_user, make_org, locale="en")
    headers = api_token(member)
    assert _submit_label(client, offer, headers) == "Submit an offer"
    assert _submit_label(client, offer, {**headers, "Accept-Language": "pl"}) == "Złóż ofertę"


def test_the_session_cookies_language_is_not_the_apis(client, session, make_user, make_org, api_token):
    member, offer = _draft(session, make_user, make_org)
    headers = api_token(member)
    with client.session_transaction() as cookie:
        cookie["lang"] = "en"  # chosen on the pages
    assert _submit_label(client, offer, headers) == "Złóż ofertę"
    assert _submit_label(client, offer, {**headers, "Accept-Language": "en"}) == "Submit an offer"
