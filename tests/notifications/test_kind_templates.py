"""One mail body template per kind of notification (templates/notifications/mail/kinds/<kind>.jinja),
rendered as plain text and HTML in the recipient's language with the facts in their formats."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from grants.notifications import mailer
from grants.notifications.kinds import KINDS

SAMPLE = {"title": "Teatr <Nowa Huta>", "number": "2027/15", "contest": "Kultura 2027", "amount": "35000.00",
          "due": "2027-03-15T22:59:59+00:00", "reason": "Brak podpisu", "hash": "ab12", "days": 3,
          "state": "accepted", "organisation": "Fundacja Sąsiedzi", "comment": "Kto poprowadzi kluby?"}


@dataclass
class Reader:
    locale: str
    full_name: str = "Anna Nowak"


def test_every_kind_has_its_template_and_every_template_a_kind():
    files = {p.stem for p in (mailer.TEMPLATES / "kinds").glob("*.jinja")}
    assert files == set(KINDS), (set(KINDS) - files, files - set(KINDS))


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_every_kind_renders_text_and_html_with_its_facts_and_link(app, locale):
    for code in KINDS:
        m = mailer.notification_mail(Reader(locale), code, SAMPLE, "offer", "/offers/7")
        assert m["locale"] == locale
        assert "/offers/7" in m["text"] and 'href="http' in m["html"] and "/offers/7" in m["html"], code
        assert "<Nowa Huta>" not in m["html"], code  # escaped in HTML
        assert m["html"].count("<tr>") >= 1, code  # the kind's facts as a table
        assert m["text"].count("\n") > 8, code


def test_polish_mail_states_amount_and_due_in_polish_formats(app):
    m = mailer.notification_mail(Reader("pl"), "settlement_return_demanded", SAMPLE, "settlement", "/settlements/3")
    assert "Kwota do zwrotu: 35\xa0000,00\xa0zł" in m["text"]
    assert "Termin zwrotu: 15 marca 2027, 23:59 (czas warszawski)" in m["text"]
    assert "Umowa: 2027/15" in m["text"]
    assert "<th" in m["html"] and "35\xa0000,00\xa0zł</td>" in m["html"]
    assert m["text"].startswith("Dzień dobry, Anna Nowak,")


def test_english_mail_translates_the_labels(app):
    m = mailer.notification_mail(Reader("en"), "offer_correction_requested", SAMPLE, "offer", "/offers/7")
    assert "Correction deadline: 15 March 2027, 23:59 (Warsaw time)" in m["text"]
    assert "Offer number: 2027/15" in m["text"]
    assert "Termin" not in m["text"]


def test_a_fact_the_notification_lacks_is_left_out(app):
    m = mailer.notification_mail(Reader("pl"), "offer_selected", {"title": "Teatr", "number": "2027/1"}, "offer",
                                 "/offers/1")
    assert "Numer oferty: 2027/1" in m["text"]
    assert "\nPrzyznana dotacja:" not in m["text"] and "\nKonkurs:" not in m["text"]
