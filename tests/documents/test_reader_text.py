"""What a reader of the PDFs reads: no program rule ids, numbers written the Polish way (issue 13:
each PDF looked at as PNG)."""
from __future__ import annotations

import re

from sqlalchemy import select

from grants.commissions.protocol import build as build_protocol
from grants.documents.handlers import PROTOCOL_LABELS
from grants.documents.kinds import confirmation_context, latest_revision, protocol_context
from grants.documents.render import render_html
from tests.factories import make_contest
from tests.offers.support import submitted


def test_confirmation_names_no_rule_ids(app, session, make_user, make_org):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    o = submitted(session, make_contest(session, officer), ngo, org)
    with app.test_request_context("/"):
        html = render_html("confirmation", confirmation_context(o, latest_revision(o), "https://x/v/1"), pdf=True)
    assert "jej treść jest zamrożona" in html and "R-OFF" not in html


def test_protocol_writes_scores_with_a_decimal_comma(app, session, world):
    from reviewers.models import Commission
    w = world()
    com = session.scalar(select(Commission).where(Commission.contest_id == w.contest.id))
    doc = {**build_protocol(session, com),
           "ranking": [{"offer_id": 1, "rank": 1, "number": "2027/0001/00001", "organisation": "Fundacja",
                        "score": "27.50", "passed": True, "requested": "1000.00", "proposed": "900.00"}]}
    with app.test_request_context("/"):
        html = render_html("protocol", protocol_context(session, com, doc, frozen=True, closed=True,
                                                        labels=PROTOCOL_LABELS), pdf=True)
    cell = re.search(r'<td class="score">([^<]*)</td>', html).group(1)
    assert cell == "27,5"


def test_exclusion_of_a_nominee_in_words_without_rule_ids(app):
    """The reason is kept in the frozen protocol and printed in its composition table."""
    from types import SimpleNamespace

    from grants.commissions.composition import ngo_exclusion_reason
    m = SimpleNamespace(kind="ngo", nominating_organisation_id=7,
                        nominating_organisation=SimpleNamespace(name="Przyjaciele Nowej Huty"))
    with app.test_request_context("/"):
        reason = ngo_exclusion_reason(None, None, m, participating={7})
    assert reason.startswith("Wyłączony: organizacja wskazująca (Przyjaciele Nowej Huty)") and "R-" not in reason


def test_settlement_with_an_obligation_and_no_payment_says_so(app):
    from decimal import Decimal
    from types import SimpleNamespace

    a = SimpleNamespace(number="U/2027/00001", title="Półkolonie", organisation=SimpleNamespace(name="Fundacja"),
                        grant=Decimal("10000.00"))
    s = SimpleNamespace(agreement=a, calculated_at=None, total_to_return=Decimal("400.00"), lines=[], obligations=[])
    ctx = {"s": s, "explanation": [{"obligation": {}, "splits": [], "principal_left": Decimal("400.00"),
                                    "interest_left": Decimal(0)}],
           "doc_title": "Rozliczenie dotacji", "doc_number": a.number, "doc_date": "14.11.2027"}
    with app.test_request_context("/"):
        html = render_html("settlement", ctx, pdf=True)
    assert "Brak wpłat." in html


def test_account_number_in_groups_of_four(app):
    from grants.core.formatting import iban
    assert iban("PL77109010140000000000000002") == "PL77 1090 1014 0000 0000 0000 0002"
    assert iban(None) == "" and iban("") == ""
