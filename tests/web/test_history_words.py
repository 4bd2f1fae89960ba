"""The change history reads as Polish sentences about people and things (a reviewer's pass over the
pages): the field of public benefit by its name, never its code; each entry's author by name."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

from grants.accounts.models import User
from grants.contests import operations as cops
from grants.core import audit, clock, db
from grants.privacy.operations import ANONYMOUS_NAME, anonymise
from grants.web import history
from grants.workflows.base import SYSTEM, apply_transition
from tests.factories import contest_values, decided_contest


def _entry(object_type, action, changes, seq=1, actor_id=None, actor_label="urzednik@demo"):
    return SimpleNamespace(object_type=object_type, action=action, changes_data=changes, seq=seq, actor_id=actor_id,
                           clock_at=datetime(2027, 1, 20, 15, 0, tzinfo=timezone.utc), actor_label=actor_label)


def _lines(rows) -> list[str]:
    """Each change as the page prints it (grants/web/templates/macros/workflow.html)."""
    out = []
    for r in rows:
        for c in r.changes:
            if c.kind == "set":
                out.append(f"{c.field}: było {c.before}, jest {c.after}")
            elif c.kind == "list":
                out += [f"{c.field}: dodano {x}" for x in c.added] + [f"{c.field}: usunięto {x}" for x in c.removed]
            elif c.kind == "items":
                out.append(f"{c.field}: " + " | ".join(c.added))
            else:
                out.append(f"{c.field}: {c.text}")
    return out


def test_the_field_of_public_benefit_is_named_by_its_label():
    """A contest and a direction record one field (`field`), not a list (`fields`): it read
    "sfera pożytku publicznego: było —, jest children_youth"."""
    rows = history.describe([_entry("contest", "update", {"field": ["culture", "children_youth"]}),
                             _entry("direction", "update", {"field": ["seniors", "culture"]}, 2)])
    assert _lines(rows) == [
        ("sfera pożytku publicznego: było kultura, sztuka, ochrona dóbr kultury i dziedzictwa narodowego, "
         "jest wypoczynek dzieci i młodzieży"),
        ("sfera pożytku publicznego: było działalność na rzecz osób w wieku emerytalnym, "
         "jest kultura, sztuka, ochrona dóbr kultury i dziedzictwa narodowego"),
    ]


def _text(html: str) -> str:
    """What a reader sees of some HTML: its text, spaces as typed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def _history_heads(page: str) -> list[tuple[str, str]]:
    """(action, actor) of each entry of the page's history, as read."""
    section = re.search(r'<section class="history".*?</section>', page, re.S)
    assert section, page[:2000]
    return [(action, re.sub(r"\s+", " ", actor).strip()) for action, actor in re.findall(
        r'<p class="history-head">.*?<strong>(.*?)</strong> · (.*?)</p>', section.group(0), re.S)]


def test_the_people_who_made_the_entries_are_named_as_the_page_names_people(app, session, make_user, login,
                                                                            count_queries):
    """Each entry's author by full name (it showed "· urzedniczka.sz@demo.krakow.pl" although the
    page names people elsewhere), the e-mail only for an account with no name, "system" for what
    time did; all the page's authors read in one query."""

    author = make_user("officer")
    author.full_name = "Anna Urzędniczka"
    nameless = make_user("officer", email="bez.nazwiska@test.example.org")
    nameless.full_name = ""
    session.commit()
    c = cops.create(session, author, contest_values(deadline=clock.now() - timedelta(days=10)))
    session.commit()
    cops.update(session, c, nameless, {"budget": Decimal("310000.00")})
    session.commit()
    cops.transition(session, c, "publish", author, received_at=clock.now() - timedelta(days=40))
    apply_transition(session, c, "close", SYSTEM)
    session.commit()
    cid, nameless_id = c.id, nameless.id

    page = login(author, app.test_client()).get(f"/contests/{cid}").get_data(as_text=True)
    heads = _history_heads(page)
    assert heads == [("utworzenie", "Anna Urzędniczka"), ("zmiana danych", "bez.nazwiska@test.example.org"),
                     ("czynność „Opublikuj ogłoszenie”", "Anna Urzędniczka"),
                     ("czynność „Zamknij nabór (termin składania ofert)”", "system")], heads
    assert author.email not in page.split('<section class="history"', 1)[1]

    entries = audit.history(db.session, "contest", cid)
    with count_queries() as n:
        history.describe(entries)
    assert n() == 1  # the people, however many entries they made

    # a person whose account was anonymised (RODO) is no longer named by the e-mail they had
    s = db.session()
    anonymise(s, s.get(User, nameless_id))
    s.commit()
    actors = [r.actor for r in history.describe(audit.history(db.session, "contest", cid))]
    assert actors[1] == ANONYMOUS_NAME and "bez.nazwiska@test.example.org" not in actors


def test_an_entry_outside_the_database_keeps_the_recorded_author():
    """No session to read names in (or an account since removed): the e-mail recorded with the
    entry, "system" when none was."""
    rows = history.describe([_entry("contest", "update", {"title": ["A", "B"]}, actor_id=7),
                             _entry("contest", "close", {}, 2, actor_label="")])
    assert [r.actor for r in rows] == ["urzednik@demo", "system"]


def test_a_contests_results_name_each_offer_with_its_grant(app, session, make_user, make_org, login, count_queries):
    """The decision's results: which offer got what (it read "wyniki:" and lines of "przyznana
    dotacja: 9 000,00 zł" with no offer); the offers read in one query."""
    officer, second = make_user("officer"), make_user("officer")
    org_a, org_b = make_org(), make_org()
    a, b = make_user("applicant", org=org_a), make_user("applicant", org=org_b)
    contest, offers = decided_contest(session, officer, [(a, org_a, "9000.00"), (b, org_b, "8000.00")], second,
                                      amounts={1: "5000.00"})
    session.commit()
    cid, first, other = contest.id, offers[0], offers[1]

    page = login(officer, app.test_client()).get(f"/contests/{cid}").get_data(as_text=True)
    text = _text(page.split('<section class="history"', 1)[1])
    assert (f"wyniki: oferta {first.number} „{first.title}”: 9 000,00 zł "
            f"oferta {other.number} „{other.title}”: 5 000,00 zł") in text, text
    assert "przyznana dotacja" not in text and "nieznana" not in text

    entries = audit.history(db.session, "contest", cid)
    with count_queries() as n:
        history.describe(entries)
    assert n() == 2  # the people, the offers


def test_an_offer_not_selected_and_one_not_found_say_so():
    rows = history.describe([_entry("contest", "decide", {"results": [{"offer_id": 3, "awarded": "0"},
                                                                      {"offer_id": 4, "awarded": "1234.56"}]})])
    assert _lines(rows) == ["wyniki: nieznana oferta: niewybrana | nieznana oferta: 1\u00a0234,56\u00a0zł"]


def test_a_member_added_reads_as_one_phrase_without_labels_in_labels():
    """Whom, which seat, chairing, who nominated, any exclusion, in that order; nothing said of what
    does not apply (it read "członek: osoba: …; przewodniczący komisji: nie; wyłączenie z komisji:
    Wyłączony: …; rodzaj: …; organizacja wskazująca: —")."""
    rows = history.describe([
        _entry("commission", "add_member", {"member": {"user_id": 7, "kind": "city", "chair": True,
                                                        "nominated_by": None, "excluded": None}}),
        _entry("commission", "add_member", {"member": {
            "user_id": 8, "kind": "ngo", "chair": False, "nominated_by": 5,
            "excluded": "Wyłączony: organizacja wskazująca (Stowarzyszenie Przyjaciół Nowej Huty) złożyła ofertę "
                        "w tym konkursie."}}, 2),
        _entry("commission", "open_declarations", {"excluded": {  # two members, one in the older words
            "3": "Wyłączony (R-COM-NGO): organizacja wskazująca (Fundacja A) złożyła ofertę w tym konkursie.",
            "4": "Wyłączony: organizacja wskazująca (Fundacja B) złożyła ofertę w tym konkursie."}}, 3),
    ])
    lines = _lines(rows)
    assert lines == [  # read outside a session: the people and organisations unknown, in words
        "członek: nieznana osoba, przedstawiciel miasta, przewodniczy komisji",
        ("członek: nieznana osoba, osoba wskazana przez organizacje, organizacja wskazująca: nieznana organizacja, "
         "wyłączenie z komisji: organizacja wskazująca (Stowarzyszenie Przyjaciół Nowej Huty) złożyła ofertę "
         "w tym konkursie"),
        ("wyłączenie z komisji: nieznany członek komisji: organizacja wskazująca (Fundacja A) złożyła ofertę "
         "w tym konkursie; nieznany członek komisji: organizacja wskazująca (Fundacja B) złożyła ofertę "
         "w tym konkursie"),
    ], lines
    for noise in ("osoba: ", "Wyłączony", "R-COM-NGO", ": —", "przewodniczący komisji: nie", ".;"):
        assert noise not in "\n".join(lines), noise


def test_the_formal_checklist_reads_one_item_a_line_and_only_what_changed():
    """The officer's first answers: each item with its answer, in the checklist's order; answers
    changed later: only those items, before and after (it printed every item twice on one line,
    "było …: —; …; jest …: tak; …")."""
    first = {"eligible_applicant": True, "in_time": True, "limits": True, "signed": True, "statutory": True,
             "template": False}
    rows = history.describe([_entry("offer", "formal_checks", {"formal_checks": [{}, first]}),
                             _entry("offer", "formal_checks", {"formal_checks": [first, {**first, "template": True}]},
                                    2)])
    assert [_lines([r]) for r in rows] == [[
        "Oferta złożona w terminie: tak",
        "Oferta na obowiązującym wzorze, wszystkie wymagane pola wypełnione: nie",
        "Oferent jest podmiotem uprawnionym (art. 3 ust. 2 i 3 UDPP): tak",
        "Zadanie mieści się w działalności statutowej oferenta: tak",
        "Oferta podpisana przez osoby upoważnione do reprezentacji: tak",
        "Kwota dotacji i wkład własny zgodne z ogłoszeniem: tak",
    ], ["Oferta na obowiązującym wzorze, wszystkie wymagane pola wypełnione: było nie, jest tak"]]


def test_a_creation_says_what_each_field_is_title_first_a_list_on_one_line():
    """A value set where there was none reads "label: value" (it read "było —, jest …" for every
    field), a list set at once is one line (it was a line an item), nothing said of what stayed
    empty; the title first, then what the contest is."""
    rows = history.describe([
        _entry("contest", "create", {
            "budget": [None, "80000.00"], "eligible_categories": [None, ["personnel", "materials", "venue"]],
            "field": [None, "children_youth"], "form": [None, "support"], "tranche_pattern": [None, ""],
            "title": [None, "Letnie półkolonie w Podgórzu 2025"], "year": [None, 2025]}),
        _entry("contest", "publish", {"published_at": [None, "2025-03-01T09:00:00Z"],
                                      "state": ["draft", "published"]}, 2),
        _entry("user", "create", {"email": "a@demo", "roles": ["officer", "finance"]}, 3),
    ])
    assert [_lines([r]) for r in rows] == [[
        "tytuł: Letnie półkolonie w Podgórzu 2025",
        "rok: 2025",
        "sfera pożytku publicznego: wypoczynek dzieci i młodzieży",
        "forma realizacji zadania: wspieranie",
        "wysokość środków publicznych: 80\u00a0000,00\u00a0zł",
        "kwalifikowalne kategorie kosztów: wynagrodzenia, materiały, wynajem sali",
    ], [
        "stan: było w przygotowaniu, jest ogłoszony",
        "opublikowano: 01.03.2025, 10:00",
    ], [
        "e-mail: a@demo",
        "role: urzędnik, finanse",
    ]]


def test_what_was_recorded_empty_is_not_said():
    """Many declarations of no conflict each repeated "podstawy wyłączenia: —"; an account created
    in no department said "wydział: —"."""
    rows = history.describe([
        _entry("commission", "declare", {"member_id": 3, "organisation_id": 5, "conflict": False, "grounds": []}),
        _entry("commission", "declare", {"member_id": 3, "organisation_id": 6, "conflict": True,
                                         "grounds": ["family"]}, 2),
        _entry("user", "create", {"department": None, "email": "a@demo", "organisation": ""}, 3),
    ])
    assert [_lines([r]) for r in rows] == [
        ["organizacja: nieznana organizacja", "konflikt interesów: nie"],
        ["organizacja: nieznana organizacja", "konflikt interesów: tak",
         "podstawy wyłączenia: pokrewieństwo lub powinowactwo"],
        ["e-mail: a@demo"],
    ]


def test_a_long_history_shows_its_newest_entries_and_folds_the_earlier_ones(app, session, make_user, login):
    """A commission's history reaches dozens of entries (metres of scrolling on a phone): the newest
    ten are shown, the earlier ones folded above them under a summary that counts them, numbered on
    from there; nothing is left out. A short one is shown whole."""
    author = make_user("officer")
    c = cops.create(session, author, contest_values())
    session.commit()
    for k in range(1, 15):  # 14 changes of the budget, after its creation: 15 entries
        cops.update(session, c, author, {"budget": Decimal("300000.00") + k})
        session.commit()
    page = login(author, app.test_client()).get(f"/contests/{c.id}").get_data(as_text=True)
    section = page.split('<section class="history"', 1)[1].split("</section>", 1)[0]
    earlier, shown = section.split("</details>", 1)
    assert "Wcześniejsze zmiany (5)" in _text(earlier) and earlier.count('class="history-head"') == 5
    assert 'start="6"' in shown and shown.count('class="history-head"') == 10
    assert "jest 300 014,00 zł" in _text(shown) and "300 014,00" not in _text(earlier)  # the newest in sight

    short = cops.create(session, author, contest_values(title="Krótka historia"))
    session.commit()
    page = login(author, app.test_client()).get(f"/contests/{short.id}").get_data(as_text=True)
    assert "history-earlier" not in page and "Historia zmian" in page


def test_an_agreements_pattern_a_returns_reference_and_a_settlement_opened_are_in_words():
    """What the reviewer found left as codes: "pattern", "reference", the action "open"."""
    rows = history.describe([_entry("agreement", "create", {"pattern": "60/40"}),
                             _entry("settlement", "open", {}, 1),
                             _entry("settlement", "record_return", {"reference": "Zwrot dotacji 2025/0014"}, 2)])
    assert _lines(rows) == ["wzór transz: 60/40", "tytuł przelewu: Zwrot dotacji 2025/0014"]
    assert rows[1].action == "otwarcie"


def test_an_agreements_schedule_of_two_tranches_reads_as_two_tranches():
    """Recorded whole, as [amount, date, condition] rows: two rows are not [before, after] (it read
    "transze: usunięto 6 000,00 zł, usunięto 05.05.2025, usunięto —, dodano 4 000,00 zł, …")."""
    rows = history.describe([_entry("agreement", "schedule", {"tranches": [
        ["6000.00", "2025-05-05", ""], ["4000.00", "2025-09-01", "po sprawozdaniu częściowym"]]})])
    assert [t.replace("\u00a0", " ") for t in _lines(rows)] == [
        "transze: 6 000,00 zł, 05.05.2025 | 4 000,00 zł, 01.09.2025, po sprawozdaniu częściowym"]
