"""Issue 12 "Done when": a contest driven from publication to the settled return, through the API
and the scheduler, with a worker delivering mail to a real SMTP server; person by person, the inbox
entries and the mails received (count, subject, recipient, language, links that resolve)."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from grants.core import db
from grants.notifications.models import Notification
from tests.after_award.helpers import World, decided

QUEUE = "grants"
IN_2024 = "2024-10-01T10:00"


def _kinds(user) -> list[str]:
    with db.session.session_factory() as s:
        return list(s.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                              .order_by(Notification.id)))


def test_contest_from_publication_to_settled_return_tells_each_person_what_concerns_them(
        app, client, session, make_user, make_org, api_token, clock_at, smtp_server, stub_broker, worker, login):
    clock_at(IN_2024)
    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    org = make_org()
    ngo = make_user("applicant", org=org)  # submits and acts for the organisation
    colleague = make_user("applicant", org=org, email="anna@fundacja.kraków.pl")  # reads English
    colleague.locale = "en"
    session.commit()
    w = World(client=client, session=session, clock_at=clock_at, officer=officer, officer2=officer2, finance=finance,
              orgs=[org], ngos=[ngo], h=api_token(officer), hf=api_token(finance), hn=[api_token(ngo)])
    w.contest, w.offers = decided(session, officer, officer2, [(ngo, org, "40000.00")])
    # the agreement, the task, the tranche, the final report, the settlement and the return
    a = w.draft(0, pattern="100", task_end="2025-11-14")
    w.sign(a["id"], org_on=date(2025, 2, 10), grantor_on=date(2025, 2, 11))
    w.start_task(a["id"])
    w.at(date(2025, 3, 3))
    w.pay(a["tranches"][0]["id"], date(2025, 3, 3))
    w.end_task(a["id"])
    rep = w.final_report(a["id"])
    w.ok(w.patch(f"/api/v1/reports/{rep['id']}", w.hn[0],
                 w.report_body([Decimal("18000.00"), Decimal("2000.00")], Decimal("4444.45"))))
    w.accept_report(rep["id"], 0)
    sid = w.settlement(a["id"])["id"]
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/calculate", w.hf, {"findings": []}))
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/request_return", w.hf))
    w.at(date(2025, 11, 28), 12)
    w.ok(w.post(f"/api/v1/settlements/{sid}/returns", w.hf, {"paid_on": "2025-11-28", "amount": "20000.00",
                                                             "reference": "ZW/1"}), 201)
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/mark_returned", w.hf))
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/close", w.hf))
    assert w.agreement(a["id"])["state"] == "closed"
    stub_broker.join(QUEUE)
    worker.join()

    # ---------------------------------------------------------------- inboxes, person by person
    org_story = ["offer_formally_accepted", "offer_selected", "offer_ready_for_agreement", "agreement_signed",
                 "tranche_paid", "agreement_reporting", "agreement_settling", "report_accepted",
                 "settlement_return_demanded", "settlement_return_booked", "agreement_closed", "settlement_closed"]
    assert _kinds(ngo) == ["contest_published"] + org_story  # never told of their own submission
    assert _kinds(colleague) == ["contest_published", "offer_received"] + org_story
    assert Counter(_kinds(officer)) == Counter({"contest_closed": 1, "offer_new": 1, "report_submitted": 1,
                                                "settlement_return_booked": 1})
    assert Counter(_kinds(officer2)) == Counter({
        "offer_new": 1, "contest_closed": 1, "commission_appointed": 1, "commission_declarations": 1,
        "commission_scoring": 1,
        "commission_closed": 1, "commission_approved": 1, "report_submitted": 1, "settlement_return_booked": 1})
    assert _kinds(finance) == ["tranche_due"]

    # ---------------------------------------------------------------- mails received by the SMTP server
    received: dict[str, list] = {}
    for m in smtp_server.messages:
        received.setdefault(str(m["To"]), []).append(m)
    immediate = [k for k in org_story]  # decisions and obligations: at once; announcements wait for the digest
    colleague_to = "anna@fundacja.xn--krakw-3ta.pl"
    assert len(received[colleague_to]) == len(immediate) + 1  # + offer_received
    assert len(received[ngo.email]) == len(immediate)
    assert len(received.get(officer.email, [])) == 1 and len(received.get(officer2.email, [])) == 1  # return booked
    assert finance.email not in received  # "tranche due" is work: in the daily digest
    en = [str(m["Subject"]) for m in received[colleague_to]]
    pl = [str(m["Subject"]) for m in received[ngo.email]]
    offer = w.offers[0]
    # two worker threads send: mails of events a moment apart may arrive in either order
    assert f"Offer {offer.number} submitted" in en and f"Offer {offer.number} formally correct" in en
    assert f"Oferta {offer.number} poprawna formalnie" in pl
    assert any(s.startswith("Demand to return grant") for s in en)
    assert any(s.startswith("Wezwanie do zwrotu dotacji") for s in pl)
    demand = next(m for m in received[ngo.email] if str(m["Subject"]).startswith("Wezwanie do zwrotu"))
    body = demand.get_body(("plain",)).get_content()
    assert "20\xa0000,00\xa0zł" in body and "1 grudnia 2025" in body  # Polish formats, the due date (R-DAYS)
    for who, msgs in ((ngo, received[ngo.email]), (colleague, received[colleague_to])):
        c = login(who, app.test_client())
        for m in msgs:
            text = m.get_body(("plain",)).get_content()
            links = re.findall(r"https?://[^/\s]+(/(?:offers|agreements|reports|settlements|contests)/\d+)", text)
            assert links, (who.email, m["Subject"])
            for link in links:
                assert c.get(link).status_code == 200, (who.email, m["Subject"], link)
