"""One registry of the words people read in place of the codes the program keeps: cost categories,
criteria, checklist items, settlement line kinds, annex fields, report kinds, contest forms,
offer fields. Translated (Polish source, English catalog).

    label("cost_category", "personnel")   -> "wynagrodzenia" / "staff costs"
    label("cost_category", "Catering")    -> "Catering"  (an officer's own label is kept as typed)
    choices("cost_category")              -> [(code, label), ...] for a select list

A code that no dictionary knows is shown as it is only when it reads as words (an officer's own
label); a bare technical code (`snake_case`) becomes its words with underscores removed, never the
code itself. States have their labels in their workflow declarations (`obj.state_label`).
"""
from __future__ import annotations

import re

from .i18n import LazyText, _

REGISTRY: dict[str, dict[str, LazyText]] = {
    "cost_category": {
        "personnel": _("wynagrodzenia"),
        "materials": _("materiały"),
        "services": _("usługi"),
        "venue": _("wynajem sali"),
        "admin": _("koszty administracyjne"),
        "travel": _("podróże"),
        "equipment": _("sprzęt"),
        "promotion": _("promocja"),
        "catering": _("wyżywienie"),
        "accommodation": _("zakwaterowanie"),
        "transport": _("transport"),
        "fees": _("opłaty"),
        "investment": _("inwestycje"),
    },
    "cost_line_category": {
        "action": _("I. Koszty realizacji działań"),
        "admin": _("II. Koszty administracyjne"),
    },
    "criterion": {
        "capacity": _("Możliwość realizacji zadania przez oferenta"),
        "costs": _("Kalkulacja kosztów w odniesieniu do zakresu rzeczowego zadania"),
        "quality": _("Jakość wykonania zadania i kwalifikacje osób realizujących"),
        "own_funds": _("Udział środków finansowych własnych lub z innych źródeł"),
        "personal_in_kind": _("Wkład osobowy i rzeczowy, w tym świadczenia wolontariuszy i praca społeczna"),
        "record": _("Rzetelność, terminowość i rozliczenie zadań zleconych w latach poprzednich"),
    },
    "checklist": {
        "in_time": _("Oferta złożona w terminie"),
        "template": _("Oferta na obowiązującym wzorze, wszystkie wymagane pola wypełnione"),
        "eligible_applicant": _("Oferent jest podmiotem uprawnionym (art. 3 ust. 2 i 3 UDPP)"),
        "statutory": _("Zadanie mieści się w działalności statutowej oferenta"),
        "signed": _("Oferta podpisana przez osoby upoważnione do reprezentacji"),
        "limits": _("Kwota dotacji i wkład własny zgodne z ogłoszeniem"),
    },
    "settlement_kind": {
        "unused": _("niewykorzystana dotacja"),
        "bank_interest": _("odsetki bankowe od dotacji"),
        "misused": _("dotacja wykorzystana niezgodnie z przeznaczeniem"),
        "undue": _("dotacja pobrana nienależnie"),
        "excessive": _("dotacja pobrana w nadmiernej wysokości"),
    },
    "interest_start": {
        "from_transfer": _("od dnia przekazania dotacji"),
        "after_due": _("od dnia następującego po terminie zwrotu"),
    },
    "report_kind": {
        "partial": _("częściowe"),
        "final": _("końcowe"),
        "submission": _("złożenie oferty"),
        "update": _("aktualizacja oferty"),
        "correction": _("uzupełnienie braków"),
    },
    "contest_form": {
        "support": _("wspieranie"),
        "entrustment": _("powierzanie"),
    },
    # a commission's members (reviewers.models.KINDS) and the grounds of a member's exclusion (GROUNDS)
    "commission_member_kind": {
        "city": _("przedstawiciel miasta"),
        "ngo": _("osoba wskazana przez organizacje"),
        "expert": _("ekspert (głos doradczy)"),
    },
    "declaration_ground": {
        "own_interest": _("sprawa dotyczy mnie osobiście"),
        "family": _("pokrewieństwo lub powinowactwo"),
        "household": _("wspólne gospodarstwo domowe"),
        "representation": _("reprezentuję oferenta"),
        "subordination": _("stosunek podległości służbowej"),
        "earlier_involvement": _("udział w przygotowaniu oferty"),
        "other": _("inna okoliczność"),
    },
    # why a commission works without NGO nominees (R-COM-NGO; Commission.without_ngo_reason)
    "commission_without_ngo": {
        "none_nominated": _("organizacje nie wskazały kandydatów"),
        "none_take_part": _("wskazane osoby nie wezmą udziału"),
        "all_excluded": _("wszystkie wskazane osoby podlegają wyłączeniu"),
    },
    # fields that appear in histories, annexes and error messages
    "field": {
        "state": _("stan"),
        "title": _("tytuł"),
        "task_start": _("początek realizacji zadania"),
        "task_end": _("koniec realizacji zadania"),
        "costs": _("kosztorys"),
        "tranches": _("transze"),
        "amount": _("kwota"),
        "due_on": _("termin"),
        "condition": _("warunek"),
        "deadline": _("termin składania ofert"),
        "budget": _("wysokość środków publicznych"),
        "min_grant": _("minimalna dotacja"),
        "max_grant": _("maksymalna dotacja"),
        "criteria": _("kryteria oceny"),
        "formal_checklist": _("lista kontrolna oceny formalnej"),
        "eligible_categories": _("kwalifikowalne kategorie kosztów"),
        "ineligible_categories": _("niekwalifikowalne kategorie kosztów"),
        "pass_threshold": _("próg punktowy"),
        "deficiencies": _("braki formalne"),
        "correction_due_at": _("termin uzupełnienia braków"),
        "reasons": _("przyczyny"),
        "reason": _("uzasadnienie"),
        "revision": _("wersja"),
        "number": _("numer"),
        "sha256": _("skrót SHA-256"),
        "received_at": _("otrzymano"),
        "formal_checks": _("lista kontrolna"),
        "content": _("treść"),
        "sections": _("części oferty"),
        "grant": _("dotacja"),
        "awarded": _("przyznana dotacja"),
        "requested": _("wnioskowana dotacja"),
        "paid_amount": _("wypłacona kwota"),
        "paid_on": _("data wypłaty"),
        "findings": _("ustalenia kontroli"),
        "found_on": _("data ustalenia"),
        "transferred_on": _("data przekazania dotacji"),
        "declared": _("oświadczenie"),
        "scores": _("oceny"),
        "decision": _("decyzja"),
        "call_params": _("parametry typu naboru"),
        "call_type": _("typ naboru"),
        "year": _("rok"),
        "field": _("sfera pożytku publicznego"),
        "form": _("forma realizacji zadania"),
        "half_points": _("połówki punktów"),
        "correction_days": _("termin na uzupełnienie braków (dni)"),
        "shift_pct": _("dopuszczalne przesunięcie"),
        "max_admin_pct": _("maksymalne koszty administracyjne"),
        "min_own_total_pct": _("minimalny wkład własny ogółem"),
        "min_own_financial_pct": _("minimalny wkład własny finansowy"),
        "min_own_nonfinancial_pct": _("minimalny wkład własny niefinansowy"),
        "own_tolerance_pp": _("tolerancja udziału wkładu własnego"),
        "tranche_pattern": _("wzór transz"),
        "pattern": _("wzór transz"),  # an agreement's, recorded with its creation
        "reference": _("tytuł przelewu"),  # a return paid (grants.settlements.calculation.record_return)
        "decision_by": _("termin wyboru ofert"),
        # the call types' offer sections (offer.content["call"])
        "call.age_from": _("najniższy wiek uczestników"),
        "call.age_to": _("najwyższy wiek uczestników"),
        "call.participants": _("liczba uczestników"),
        "call.ventures": _("przedsięwzięcia młodzieży"),
        "call.ventures.name": _("nazwa przedsięwzięcia"),
        "call.ventures.kind": _("rodzaj przedsięwzięcia"),
        "call.ventures.description": _("opis przedsięwzięcia"),
        "call.ventures.mentor.name": _("mentor przedsięwzięcia (imię i nazwisko)"),
        "call.ventures.mentor.role": _("rola mentora"),
        "call.child_protection_standards": _("oświadczenie o standardach ochrony małoletnich"),
        "call.offender_register_checked": _("oświadczenie o sprawdzeniu w Rejestrze Sprawców Przestępstw na Tle "
                                            "Seksualnym"),
        "call.partner.name": _("nazwa partnera"),
        "call.partner.kind": _("rodzaj partnera"),
        "call.partner.role": _("rola partnera"),
        "call.applicant_kind": _("rodzaj wnioskodawcy"),
        "call.members": _("członkowie federacji"),
        "call.representation": _("sposób reprezentacji"),
        "planned_announcement": _("planowana data ogłoszenia"),
        "task_type": _("rodzaj zadania publicznego"),
        "grant_rules": _("zasady przyznawania dotacji"),
        "previous_tasks": _("zadania tego samego rodzaju w latach poprzednich"),
        "procedure": _("tryb i kryteria wyboru ofert"),
        "task_conditions": _("terminy i warunki realizacji zadania"),
        "attachments_allowed": _("dopuszczalne załączniki"),
        "cancel_reason": _("przyczyna unieważnienia"),
        "rejection_reasons": _("przyczyny odrzucenia"),
        "receipt": _("potwierdzenie złożenia"),
        "kind": _("rodzaj"),
        "results": _("wyniki"),
        "report": _("raport"),
        "answer": _("odpowiedź"),
        "comments_close_at": _("koniec zbierania uwag"),
        "ends_at": _("koniec"),
        "starts_at": _("początek"),
        "description": _("opis"),
        "fields": _("sfery pożytku publicznego"),
        "signed": _("daty podpisania"),
        "paid": _("wypłata"),
        "on": _("dnia"),
        "ref": _("tytuł przelewu"),
        "withheld_reason": _("powód wstrzymania"),
        "total_to_return": _("do zwrotu"),
        "member": _("członek"),
        "chair": _("przewodniczący komisji"),
        "nominated_by": _("organizacja wskazująca"),
        "excluded": _("wyłączenie z komisji"),
        "conflict": _("konflikt interesów"),
        "grounds": _("podstawy wyłączenia"),
        "without_ngo_reason": _("komisja pracuje bez osób wskazanych przez organizacje"),
        "missing_cards": _("brakujące karty oceny"),
        "close_reason": _("uzasadnienie zamknięcia oceny"),
        "reopen_reason": _("powód wznowienia oceny"),
        "email": _("e-mail"),
        "role": _("rola"),
        "roles": _("role"),
        "user": _("użytkownik"),
        "user_id": _("osoba"),
        "district": _("dzielnica"),
        "problem": _("problem"),
        "proposed_task": _("proponowane zadanie"),
        "target_group": _("grupa docelowa"),
        "estimated_funds": _("szacowane środki"),
        "announcement_date": _("data ogłoszenia konkursu"),
        "merged_into_id": _("połączona z"),
        "partners": _("partnerzy"),
        "published_at": _("opublikowano"),
        "organisation_id": _("organizacja"),
        "iban": _("rachunek bankowy"),
        "department": _("wydział"),
        "organisation": _("organizacja"),
        "name": _("nazwa"),
        # offer content paths (errors name the field by these)
        "task.title": _("Tytuł zadania"),
        "task.start": _("Data rozpoczęcia zadania"),
        "task.end": _("Data zakończenia zadania"),
        "task.place": _("Miejsce realizacji"),
        "task.target_group": _("Grupa docelowa"),
        "task.need": _("Potrzeba, na którą odpowiada zadanie"),
        "task.summary": _("Opis zadania"),
        "task.actions": _("Plan i harmonogram działań"),
        "task.results": _("Zakładane rezultaty"),
        "task.expected_results": _("Zakładane rezultaty"),
        "profile.experience": _("Wcześniejsza działalność oferenta"),
        "profile.resources": _("Zasoby oferenta"),
        "other.info": _("Inne informacje"),
        "sources.own_financial": _("Wkład własny finansowy"),
        "sources.own_personal": _("Wkład osobowy"),
        "sources.own_in_kind": _("Wkład rzeczowy"),
        "sources.beneficiaries": _("Świadczenia pieniężne od odbiorców zadania"),
        "sources.grant": _("Wnioskowana dotacja"),
        "costs.name": _("Rodzaj kosztu"),
        "costs.unit": _("Miara"),
        "costs.unit_cost": _("Koszt jednostkowy"),
        "costs.units": _("Liczba jednostek"),
        "costs.cost_type": _("Kategoria kosztu"),
        "costs.category": _("Grupa kosztów"),
        "costs.action_no": _("Numer działania"),
        "costs.by_year": _("Podział na lata"),
        "costs.by_partner": _("Podział między oferentów"),
        "task.actions.name": _("Nazwa działania"),
        "task.actions.description": _("Opis działania"),
        "task.actions.target_group": _("Grupa docelowa działania"),
        "task.actions.schedule": _("Termin działania"),
        "task.results.result": _("Rezultat"),
        "task.results.planned_value": _("Planowana wartość rezultatu"),
        "task.results.monitoring": _("Sposób monitorowania rezultatu"),
        "declarations": _("Oświadczenia"),
    },
}

# rule ids: the legal basis in words, shown to staff in a small "podstawa" note
LEGAL_BASIS: dict[str, LazyText] = {
    "R-ANN-21DAYS": _("art. 13 ust. 1 ustawy o działalności pożytku publicznego: co najmniej 21 dni od ogłoszenia"),
    "R-ANN-CONTENT": _("art. 13 ust. 2 ustawy o działalności pożytku publicznego: treść ogłoszenia"),
    "R-ANN-FORM": _("art. 11 ust. 1 ustawy o działalności pożytku publicznego: wspieranie albo powierzanie"),
    "R-ANN-PARAMS": _("art. 13 ust. 2 ustawy o działalności pożytku publicznego: warunki konkursu"),
    "R-OFF-SECTIONS": _("art. 14 ustawy i wzór oferty z rozporządzenia z 2018 r."),
    "R-OFF-COSTS": _("wzór oferty, część V.A: kalkulacja przewidywanych kosztów"),
    "R-OFF-SOURCES": _("wzór oferty, część V.B: źródła finansowania kosztów"),
    "R-OFF-LIMITS": _("warunki ogłoszenia konkursu (art. 13 ust. 2 ustawy)"),
    "R-OFF-JOINT": _("art. 14 ust. 2 ustawy: oferta wspólna"),
    "R-OFF-DEADLINE": _("art. 13 ust. 2 pkt 5 ustawy: termin składania ofert"),
    "R-OFF-RECEIPT": _("potwierdzenie złożenia oferty"),
    "R-FORM-CORRECT": _("warunki ogłoszenia: termin na uzupełnienie braków formalnych"),
    "R-EVAL-CRITERIA": _("art. 15 ust. 1 ustawy: kryteria oceny ofert"),
    "R-COM-MANDATORY": _("art. 15 ust. 2a ustawy: komisja konkursowa opiniuje oferty"),
    "R-COM-NGO": _("art. 15 ust. 2a i 2d ustawy: skład komisji konkursowej"),
    "R-COM-EXPERT": _("art. 15 ust. 2d ustawy: osoby z głosem doradczym"),
    "R-RESULTS": _("art. 15 ust. 2h ustawy: ogłoszenie wyników konkursu"),
    "R-AGR-FROM-OFFER": _("art. 16 ust. 1 ustawy: umowa zgodna z ofertą"),
    "R-REP-CONTENT": _("art. 18 ustawy i wzór sprawozdania"),
    "R-CONSULT": _("art. 5 ust. 5 ustawy: konsultacje"),
    "R-PROG": _("art. 5a ustawy: program współpracy"),
    "R-ART12-CONFIDENTIAL": _("art. 12 ustawy: oferta z własnej inicjatywy"),
    "R-COM-IMPARTIAL": _("art. 15 ust. 2d ustawy i art. 24 Kodeksu postępowania administracyjnego"),
    "R-SCORE": _("art. 15 ust. 1 ustawy: ocena ofert przez komisję"),
    "R-ALLOC": _("art. 15 ust. 2h ustawy: wybór ofert w granicach środków"),
    "R-UPDATE": _("§ 4 ust. 2 wzoru umowy: aktualizacja oferty po przyznaniu niższej dotacji"),
    "R-AGR-SHIFT": _("wzór umowy, § 9: przesunięcia między pozycjami kosztorysu"),
    "R-AGR-TRANCHES": _("art. 16 ustawy i § 3 wzoru umowy: transze dotacji"),
    "R-SET-RETURN": _("art. 251 ustawy o finansach publicznych: zwrot niewykorzystanej dotacji"),
    "R-SET-MISUSE": _("art. 252 ustawy o finansach publicznych: zwrot dotacji wykorzystanej niezgodnie z przeznaczeniem"),
    "R-SET-INTEREST": _("art. 252 ustawy o finansach publicznych: odsetki jak dla zaległości podatkowych"),
    "R-SET-PARTIAL": _("art. 55 § 2 Ordynacji podatkowej: zaliczenie wpłaty na należność i odsetki"),
    "R-19A-LIMITS": _("art. 19a ust. 1 ustawy: do 10 000 zł i do 90 dni"),
    "R-19A-PUBLISH": _("art. 19a ust. 3 ustawy: publikacja oferty na 7 dni"),
    "R-ART12-MONTH": _("art. 12 ust. 2 ustawy: ocena celowości w ciągu miesiąca"),
    "R-REP-FINAL": _("art. 18 ust. 1 ustawy: sprawozdanie w ciągu 30 dni"),
    "R-CANCEL": _("art. 15 ust. 2e ustawy: unieważnienie konkursu"),
    "R-DAYS": _("art. 57 Kodeksu postępowania administracyjnego: obliczanie terminów"),
}

_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z]+$")
_INDEX = re.compile(r"\.\d+(?=\.|$)")


def label(kind: str, code) -> str:
    """The display label of `code` in dictionary `kind`; a dict with a "label" gives its own."""
    if code is None or code == "":
        return ""
    if isinstance(code, dict):
        own = code.get("label") or code.get("title")
        key = code.get("code")
        known = REGISTRY.get(kind, {}).get(key) if key else None
        return str(known) if known is not None and (not own or own == str(known.msgid)) else str(own or key or "")
    text = str(code)
    known = REGISTRY.get(kind, {}).get(text)
    if known is not None:
        return str(known)
    return text


def field_label(path: str) -> str:
    """A field path ("costs.0.unit_cost", "task.title") as the name people read: "Koszt jednostkowy
    (pozycja 1)". Unknown paths lose their technical look (dots, underscores)."""
    if not path:
        return ""
    fields = REGISTRY["field"]
    generic = _INDEX.sub("", path)
    indexes = [int(m.group(0)[1:]) + 1 for m in _INDEX.finditer(path)]
    known = fields.get(path) or fields.get(generic)
    if known is None:
        last = generic.rsplit(".", 1)[-1]
        known = fields.get(last)
    if known is None:
        text = generic.rsplit(".", 1)[-1].replace("_", " ")
    else:
        text = str(known)
    if indexes:
        if generic.startswith("costs"):
            text += str(_(" (pozycja %(n)s kosztorysu)", n=indexes[0]))
        else:
            text += str(_(" (wiersz %(n)s)", n=indexes[0]))
    return text


def choices(kind: str) -> list[tuple[str, str]]:
    return [(code, str(text)) for code, text in REGISTRY.get(kind, {}).items()]


def legal_basis(rule: str | None) -> str:
    if not rule:
        return ""
    basis = LEGAL_BASIS.get(rule)
    return str(basis) if basis is not None else ""


def is_code(text: str) -> bool:
    return bool(_CODE.match(text or ""))
