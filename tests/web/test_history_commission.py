"""A commission's history reads as words: a member added is named by the kind of seat, whether they
chair, the organisation that nominated them and any exclusion, each with its Polish label (the page
read "chair: tak; excluded: —; rodzaj: city; nominated by: —"). The same key means what its area
means: a member's `kind` is a seat on the commission, a report's `kind` is partial or final."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from types import SimpleNamespace

from grants.commissions import operations as commission_ops
from grants.web import history
from tests.factories import contest_in_evaluation


def _history_section(page: str) -> str:
    found = re.search(r'<section class="history".*?</section>', page, re.S)
    assert found, page[:2000]
    return found.group(0)


def test_commission_history_names_a_member_added_by_labels_values_and_organisation(app, session, make_user,
                                                                                   make_org, login, count_queries):
    officer = make_user("officer")
    applicant_org = make_org()
    applicant = make_user("applicant", org=applicant_org)
    contest, _offers = contest_in_evaluation(session, officer, [(applicant, applicant_org, "9000.00")])
    nominating = make_org(name="Stowarzyszenie Przyjaciół Nowej Huty")
    city_person, ngo_person = make_user("commission_member"), make_user("commission_member")
    c = commission_ops.create(session, officer, contest)
    commission_ops.add_member(session, officer, c, user_id=city_person.id, kind="city", is_chair=True)
    commission_ops.add_member(session, officer, c, user_id=ngo_person.id, kind="ngo",
                              nominating_organisation_id=nominating.id)
    session.commit()
    cid = c.id

    page = login(officer, app.test_client()).get(f"/commissions/{cid}")
    assert page.status_code == 200
    text = _history_section(page.get_data(as_text=True))
    assert text.count("dodanie członka") == 2
    assert "przewodniczący komisji: tak" in text and "przewodniczący komisji: nie" in text
    assert "rodzaj: przedstawiciel miasta" in text
    assert "rodzaj: osoba wskazana przez organizacje" in text
    assert "organizacja wskazująca: Stowarzyszenie Przyjaciół Nowej Huty" in text
    assert "organizacja wskazująca: —" in text  # the city's representative: nominated by nobody
    assert "wyłączenie z komisji: —" in text
    for code in ("city", "ngo", "nominated by", "nominated_by", "chair:", "excluded", f": {nominating.id};"):
        assert code not in text, (code, text)

    # the organisations' names of the whole page: one query, however many entries name one
    from grants.core import audit, db
    entries = audit.history(db.session, "commission", cid)
    with count_queries() as n:
        history.describe(entries)
    assert n() == 1


def _entry(object_type, action, changes, seq=1):
    return SimpleNamespace(object_type=object_type, action=action, changes_data=changes, seq=seq,
                           clock_at=datetime(2027, 1, 20, 15, 0, tzinfo=timezone.utc), actor_label="urzednik@demo")


def _lines(rows) -> list[str]:
    return [f"{c.field}: {c.text or ', '.join(c.added)}" for r in rows for c in r.changes]


def test_the_same_key_is_read_with_its_areas_dictionary():
    """`kind` of a commission's member is a seat, `kind` of a report its kind; a declaration's grounds
    are the grounds of exclusion, never their codes."""
    rows = history.describe([
        _entry("commission", "add_member", {"member": {"user_id": 7, "kind": "expert", "chair": False,
                                                        "nominated_by": None, "excluded": None}}),
        _entry("commission", "declare", {"member_id": 3, "organisation_id": 5, "conflict": True,
                                         "grounds": ["family", "earlier_involvement"]}, 2),
        _entry("report", "create", {"kind": "final"}, 3),
    ])
    lines = _lines(rows)
    assert lines == [
        "członek: rodzaj: ekspert (głos doradczy); przewodniczący komisji: nie; organizacja wskazująca: —; "
        "wyłączenie z komisji: —",
        "konflikt interesów: tak",
        "podstawy wyłączenia: pokrewieństwo lub powinowactwo, udział w przygotowaniu oferty",
        "rodzaj: końcowe",
    ]
