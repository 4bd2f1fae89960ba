"""A commission's history reads as words: a member added is named with the kind of seat, whether they
chair, the organisation that nominated them and any exclusion, in Polish (the page read "chair: tak;
excluded: —; rodzaj: city; nominated by: —"). The same key means what its area means: a member's
`kind` is a seat on the commission, a report's `kind` is partial or final."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from grants.commissions import operations as commission_ops
from grants.core import clock
from grants.web import history
from tests.factories import contest_in_evaluation, contest_values, contest_with_offers, evaluate


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
    # the city's representative chairs, nominated by nobody; the NGOs' nominee does not chair
    assert "<li>członek: Test User, przedstawiciel miasta, przewodniczy komisji</li>" in text, text
    assert ("<li>członek: Test User, osoba wskazana przez organizacje, "
            "organizacja wskazująca: Stowarzyszenie Przyjaciół Nowej Huty</li>") in text, text
    for code in ("city", "ngo", "nominated by", "nominated_by", "chair:", "excluded", f": {nominating.id};",
                 ": —", "przewodniczący komisji: nie", "osoba: "):
        assert code not in text, (code, text)

    # the names of the whole page: one query for the organisations, one for the people, however many
    # entries name one
    from grants.core import audit, db
    entries = audit.history(db.session, "commission", cid)
    with count_queries() as n:
        history.describe(entries)
    assert n() == 2  # the organisations, the people


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
    assert lines == [  # entries read outside a session: the people and organisations unknown, in words
        "członek: nieznana osoba, ekspert (głos doradczy)",
        "organizacja: nieznana organizacja",
        "konflikt interesów: tak",
        "podstawy wyłączenia: pokrewieństwo lub powinowactwo, udział w przygotowaniu oferty",
        "rodzaj: końcowe",
    ]


def _named(session, user, full_name: str):
    user.full_name = full_name
    session.commit()
    return user


def test_commission_history_names_the_people_and_organisations_it_concerns(app, session, make_user, make_org, login,
                                                                           count_queries):
    """Who was added and who removed (by full name, the e-mail when there is none), which
    organisation a declaration concerns and whom the opening of declarations excluded: never an id
    (the page read "wyłączenie z komisji: 12: Wyłączony: ...", a removal and a declaration showed
    nothing at all)."""
    officer = _named(session, make_user("officer"), "Anna Przewodnicząca")
    second = _named(session, make_user("officer"), "Piotr Urzędnik")
    org_a, org_b = make_org(name="Fundacja Oferent Pierwszy"), make_org(name="Stowarzyszenie Oferent Drugi")
    a, b = make_user("applicant", org=org_a), make_user("applicant", org=org_b)
    early = _named(session, make_user("commission_member"), "Ewa Wczesna")
    removed = _named(session, make_user("commission_member", email="odwolany@test.example.org"), "")
    box = {}

    def form_commission(contest):
        c = commission_ops.create(session, officer, contest)
        commission_ops.add_member(session, officer, c, user_id=officer.id, kind="city", is_chair=True)
        commission_ops.add_member(session, officer, c, user_id=second.id, kind="city")
        commission_ops.add_member(session, officer, c, user_id=early.id, kind="ngo",
                                  nominating_organisation_id=org_a.id)  # org_a has not submitted yet
        gone = commission_ops.add_member(session, officer, c, user_id=removed.id, kind="expert")
        commission_ops.remove_member(session, officer, c, gone.id)
        session.commit()
        box["c"] = c

    contest, offers = contest_with_offers(session, officer, [(a, org_a, "9000.00"), (b, org_b, "9000.00")],
                                          contest_values(deadline=clock.now() - timedelta(days=10)),
                                          before_submit=form_commission)
    evaluate(session, officer, contest, offers)
    c = box["c"]
    early_member = c.member_for(early).id
    commission_ops.transition(session, c, "open_declarations", officer, {"without_ngo_reason": "all_excluded"})
    session.commit()
    commission_ops.declare(session, second, c, org_b.id, False)
    session.commit()
    cid = c.id

    page = login(officer, app.test_client()).get(f"/commissions/{cid}")
    assert page.status_code == 200
    text = _history_section(page.get_data(as_text=True))
    rows = {}
    for row in text.split('<p class="history-head">')[1:]:
        action = re.search(r"<strong>(.*?)</strong>", row).group(1)
        rows.setdefault(action, []).append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)))
    # who was added: each member by name (the person first), the one with no full name by e-mail
    added = rows["dodanie członka"]
    assert [r.split("członek: ", 1)[1].split(",")[0] for r in added] == [
        "Anna Przewodnicząca", "Piotr Urzędnik", "Ewa Wczesna", "odwolany@test.example.org"], added
    # who was removed
    assert rows["usunięcie członka"][0].strip().endswith("osoba: odwolany@test.example.org"), rows
    # the declaration: the organisation it concerns, first
    assert "organizacja: Stowarzyszenie Oferent Drugi konflikt interesów: nie" in rows["oświadczenie o bezstronności"][0]
    # the exclusion at the opening of declarations: the member by name, not by the member's id
    assert ("wyłączenie z komisji: Ewa Wczesna: organizacja wskazująca (Fundacja Oferent Pierwszy) złożyła ofertę "
            "w tym konkursie") in text, text
    assert f": {early_member}: " not in text and f">{early_member}: " not in text
    for raw in ("user id", "organisation id", "member id", "nieznana osoba", "nieznana organizacja"):
        assert raw not in text, (raw, text)

    # the names of the whole page: one query for the organisations, one for the people, however many
    # entries name them
    from grants.core import audit, db
    entries = audit.history(db.session, "commission", cid)
    assert len(entries) >= 8
    with count_queries() as n:
        history.describe(entries)
    assert n() == 2


def test_commission_history_from_opening_to_protocol_has_no_codes_keys_or_offer_ids(app, session, make_user, make_org,
                                                                                    login, count_queries):
    """The rest of a commission's life: the reason it works without NGO nominees in words (it read
    "without ngo reason: none_nominated"), a declaration of no conflict with no grounds (nothing said
    of them), scoring closed with cards missing and reopened, and the proposed amounts named by the
    offer (it read "set amounts · 1: było 9 000,00 zł, jest 5 000,00 zł")."""
    from decimal import Decimal

    from tests.factories import commission_scoring, full_marks
    officer, second = make_user("officer"), make_user("officer")
    org_a, org_b = make_org(), make_org()
    a, b = make_user("applicant", org=org_a), make_user("applicant", org=org_b)
    contest, offers = contest_in_evaluation(session, officer, [(a, org_a, "9000.00"), (b, org_b, "8000.00")])
    com = commission_scoring(session, officer, second, contest)
    commission_ops.transition(session, com, "close_scoring", officer, {"reason": "Jeden członek zachorował."})
    commission_ops.transition(session, com, "reopen", officer, {"reason": "Członek wrócił."})
    for m in com.members:
        for o in offers:
            commission_ops.save_card(session, m.user, com, o, *full_marks(contest), submit=True)
    session.commit()
    commission_ops.transition(session, com, "close_scoring", officer)
    commission_ops.set_amounts(session, officer, com, {offers[0].id: Decimal("5000.00")})
    session.commit()
    commission_ops.transition(session, com, "approve_protocol", officer)
    session.commit()
    cid, first = com.id, offers[0]

    page = login(officer, app.test_client()).get(f"/commissions/{cid}")
    assert page.status_code == 200
    html = _history_section(page.get_data(as_text=True))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "komisja pracuje bez osób wskazanych przez organizacje: organizacje nie wskazały kandydatów" in text, text
    # a declaration of no conflict has no grounds: none said (not "—", not an empty list)
    assert "konflikt interesów: nie " in text and "podstawy wyłączenia" not in text and "<ul></ul>" not in html
    assert "brakujące karty oceny: 4" in text and "uzasadnienie zamknięcia oceny: Jeden członek zachorował." in text
    assert "powód wznowienia oceny: Członek wrócił." in text
    assert "propozycja kwot dotacji" in text
    assert (f"proponowana dotacja dla oferty {first.number} „{first.title}”: było 9 000,00 zł, jest 5 000,00 zł"
            in text.replace("\xa0", " ")), text
    for raw in ("none_nominated", "without ngo", "missing cards", "close reason", "reopen reason", "set amounts",
                f" {first.id}: ", "nieznana"):
        assert raw not in text, (raw, text)

    from grants.core import audit, db
    entries = audit.history(db.session, "commission", cid)
    with count_queries() as n:
        history.describe(entries)
    assert n() == 3  # the organisations, the people, the offers
