"""Subscriptions (S4): anyone, without an account, double opt-in, filters, immediate or weekly,
one-click unsubscribe without login (RFC 8058)."""
from __future__ import annotations

import re

from sqlalchemy import select

from grants.core import db
from grants.notifications import subscriptions
from grants.notifications.models import Subscription

QUEUE = "grants"


def _subscribe(client, email, **form):
    data = {"email": email, "topics": ["contests"], "frequency": "immediate", **form}
    r = client.post("/subscriptions/", data=data)
    assert r.status_code == 201, r.get_data(as_text=True)[:400]
    with db.session.session_factory() as s:
        return s.scalar(select(Subscription).where(Subscription.email == email).order_by(Subscription.id.desc()))


def _link(body, kind):
    return re.search(rf"https?://\S+/subscriptions/{kind}/\S+", body).group(0)


def test_double_opt_in_then_only_matching_announcements_then_one_click_unsubscribe(
        app, client, session, make_user, mails, stub_broker, worker):
    culture = _subscribe(client, "kultura@example.org", fields=["culture"])
    sport = _subscribe(client, "sport@example.org", fields=["sport"])
    _subscribe(client, "niepotwierdzony@example.org")
    confirm = [m for m in mails("kultura@example.org")]
    assert len(confirm) == 1 and "Potwierdź" in confirm[0]["subject"]
    for sub in (culture, sport):
        path = _link(mails(sub.email)[0]["body"], "confirm").split("://", 1)[1].split("/", 1)[1]
        assert client.get("/" + path).status_code == 200  # shows a button, confirms nothing yet
        assert client.post("/" + path).status_code == 200
    officer = make_user("officer")
    from tests.factories import make_contest
    contest = make_contest(session, officer, field="culture")
    make_contest(session, officer, field="sport", title="Sport w dzielnicach")
    stub_broker.join(QUEUE)
    worker.join()
    got = [m for m in mails("kultura@example.org") if m["subject"].startswith("Nowe ogłoszenie")]
    assert [m["subject"] for m in got] == [f"Nowe ogłoszenie: {contest.title}"]
    assert [m["subject"] for m in mails("sport@example.org")][1:] == ["Nowe ogłoszenie: Sport w dzielnicach"]
    assert len(mails("niepotwierdzony@example.org")) == 1  # the confirmation only
    mail = got[0]
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsub = mail["headers"]["List-Unsubscribe"].strip("<>")
    assert unsub in mail["body"] and f"/contests/{contest.id}" in mail["body"]
    anonymous = app.test_client()  # no session, no CSRF token: RFC 8058 one-click POST
    path = "/" + unsub.split("://", 1)[1].split("/", 1)[1]
    r = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    with db.session.session_factory() as s:
        assert s.get(Subscription, culture.id).active is False
    make_contest(session, officer, field="culture", title="Kultura jeszcze raz")
    stub_broker.join(QUEUE)
    worker.join()
    assert not [m for m in mails("kultura@example.org") if "jeszcze raz" in m["subject"]]


def test_filters_match_field_district_department_and_call_type():
    sub = Subscription(topics=["contests"], fields=["culture"], districts=["XVIII"], departments=[3],
                       call_types=["standard"])
    base = {"topic": "contests", "fields": ["culture"], "district": None, "department": 3, "call_type": "standard"}
    assert subscriptions.matches(sub, base)  # a city-wide contest concerns every district
    assert not subscriptions.matches(sub, {**base, "fields": ["sport"]})
    assert not subscriptions.matches(sub, {**base, "district": "I"})
    assert subscriptions.matches(sub, {**base, "district": "XVIII"})
    assert not subscriptions.matches(sub, {**base, "department": 4})
    assert not subscriptions.matches(sub, {**base, "call_type": "youth"})
    assert not subscriptions.matches(sub, {**base, "topic": "consultations"})


def test_bad_subscription_input_is_refused_in_polish_and_nothing_stored(app, client, mails):
    for data in ({"email": "nie-adres", "topics": ["contests"]}, {"email": "a@example.org", "topics": ["wszystko"]},
                 {"email": "a@example.org", "topics": ["contests"], "fields": ["nieznana"]},
                 {"email": "a@example.org", "topics": ["contests"], "frequency": "co godzinę"},
                 {"email": "a@example.org", "topics": ["contests"], "departments": ["x"]}):
        r = client.post("/subscriptions/", data=data)
        assert r.status_code == 422 and "Błąd:" in r.get_data(as_text=True)
    with db.session.session_factory() as s:
        assert s.scalar(select(Subscription.id)) is None
    assert mails() == []
    assert app.test_client().post("/subscriptions/unsubscribe/zly-token").status_code == 404
    assert app.test_client().get("/subscriptions/confirm/zly-token").status_code == 404


def test_weekly_subscribers_get_one_newsletter_a_week(app, client, session, make_user, mails, stub_broker, worker,
                                                      clock_at):
    from grants.notifications import digest
    sub = _subscribe(client, "tydzien@example.org", frequency="weekly")
    with db.session.session_factory() as s:
        subscriptions.confirm(s, sub.token)
        s.commit()
    officer = make_user("officer")
    from tests.factories import make_contest
    make_contest(session, officer, title="Pierwszy")
    make_contest(session, officer, title="Drugi")
    stub_broker.join(QUEUE)
    worker.join()
    assert len(mails("tydzien@example.org")) == 1  # the confirmation only
    clock_at("2027-03-15T09:00")  # a Monday
    with db.session.session_factory() as s:
        assert digest.run(s)["newsletters"] == 1
    with db.session.session_factory() as s:
        assert digest.run(s)["newsletters"] == 0
    news = mails("tydzien@example.org")[1:]
    assert len(news) == 1 and "Pierwszy" in news[0]["body"] and "Drugi" in news[0]["body"]
    assert "List-Unsubscribe" in news[0]["headers"]
