"""Notifications as real mail through the outbox to a real SMTP server (aiosmtpd): HTML and plain
text, the recipient's language, GRANTS_MAIL_FROM, IDNA domains, Warsaw time, a link that resolves."""
from __future__ import annotations

import pytest

from grants.jobs import mail

QUEUE = "grants"


def test_idna_domain_gives_a_valid_to_header():
    msg = mail.build("Fundacja <biuro@fundacja.kraków.pl>", "Temat", "Treść")
    raw = bytes(msg).split(b"\n\n", 1)[0].decode("ascii")  # every header ASCII: a valid message
    assert "To: Fundacja <biuro@fundacja.xn--krakw-3ta.pl>" in raw
    with pytest.raises(ValueError):
        mail.build("nie-adres", "Temat", "Treść")


def test_offer_received_mail_in_english_with_html_from_setting_and_idna(submitted_offer, smtp_server, stub_broker,
                                                                       worker, monkeypatch, client, login):
    monkeypatch.setenv("GRANTS_MAIL_FROM", "Urząd Miasta Krakowa <granty@um.kraków.pl>")
    monkeypatch.setenv("GRANTS_PUBLIC_URL", "https://granty.example.org")
    officer, applicant, colleague, org, contest, offer = submitted_offer(email="anna@fundacja.kraków.pl")
    stub_broker.join(QUEUE)
    worker.join()
    got = [m for m in smtp_server.messages if "xn--krakw-3ta" in m["To"]]
    assert len(got) == 1, [m["To"] for m in smtp_server.messages]
    msg = got[0]
    assert msg["To"] == "anna@fundacja.xn--krakw-3ta.pl"
    assert "granty@um.xn--krakw-3ta.pl" in msg["From"] and "Krakowa" in str(msg["From"])
    assert msg["Subject"] == f"Oferta {offer.number} złożona"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert text.startswith("Dzień dobry, Test User,")
    assert f"https://granty.example.org/offers/{offer.id}" in text and offer.number in text
    assert f'href="https://granty.example.org/offers/{offer.id}"' in html
    assert "Urząd Miasta Krakowa" in text  # the office's signature
    login(colleague)
    assert client.get(f"/offers/{offer.id}").status_code == 200  # the link resolves for the recipient
    # the officer's "new offer" is work: a daily digest by default, so no mail now
    assert not [m for m in smtp_server.messages if m["To"] == officer.email]


def test_english_recipient_gets_english_mail_with_warsaw_time(app, session, make_user, mails):
    from grants.notifications.operations import notify
    user = make_user("applicant")
    user.locale = "en"
    session.commit()
    notify(session, [user.id], "offer_correction_requested",
           {"title": "Teatr", "number": "2027/1", "due": "2027-03-15T22:59:59+00:00", "reason": "Brak podpisu"},
           "offer", "1")
    session.commit()
    [m] = mails(user.email)
    assert m["subject"] == "Request to correct deficiencies: offer 2027/1"
    assert "15 March 2027, 23:59 (Warsaw time)" in m["body"]  # 22:59 UTC is 23:59 in Warsaw in winter
    assert m["body"].startswith("Dear Test User,")
    assert "cannot be switched off" in m["body"]


def test_polish_formats_of_money_and_dates(app, session, make_user, mails):
    from grants.notifications.operations import notify
    user = make_user("applicant")
    notify(session, [user.id], "offer_selected", {"title": "Teatr", "number": "2027/1", "contest": "Kultura",
                                                 "amount": "12500.50"}, "offer", "1")
    notify(session, [user.id], "settlement_return_demanded",
           {"title": "Teatr", "number": "U/1", "amount": "1000.00", "due": "2027-07-01"}, "settlement", "1")
    session.commit()
    bodies = [m["body"] for m in mails(user.email)]
    assert "12\xa0500,50\xa0zł" in bodies[0]
    assert "1 lipca 2027" in bodies[1] and "1000,00\xa0zł" in bodies[1].replace("1\xa0000,00", "1000,00")
