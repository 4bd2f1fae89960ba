"""The call-type mechanism: a registry of CallType objects looked up by the contest's code."""
from __future__ import annotations

from grants.core.i18n import LazyText

# R-EVAL-CRITERIA: art. 15 ust. 1 criteria; own funds apply to support contests only
DEFAULT_CRITERIA = [
    {"code": "capacity", "label": "Możliwość realizacji zadania przez oferenta", "max_points": "10", "support_only": False},
    {"code": "costs", "label": "Kalkulacja kosztów w odniesieniu do zakresu rzeczowego zadania", "max_points": "10", "support_only": False},
    {"code": "quality", "label": "Jakość wykonania zadania i kwalifikacje osób realizujących", "max_points": "10", "support_only": False},
    {"code": "own_funds", "label": "Udział środków finansowych własnych lub z innych źródeł", "max_points": "5", "support_only": True},
    {"code": "personal_in_kind", "label": "Wkład osobowy i rzeczowy, w tym świadczenia wolontariuszy i praca społeczna", "max_points": "5", "support_only": False},
    {"code": "record", "label": "Rzetelność, terminowość i rozliczenie zadań zleconych w latach poprzednich", "max_points": "5", "support_only": False},
]

DEFAULT_CHECKLIST = [
    {"code": "in_time", "label": "Oferta złożona w terminie"},
    {"code": "template", "label": "Oferta na obowiązującym wzorze, wszystkie wymagane pola wypełnione"},
    {"code": "eligible_applicant", "label": "Oferent jest podmiotem uprawnionym (art. 3 ust. 2 i 3 UDPP)"},
    {"code": "statutory", "label": "Zadanie mieści się w działalności statutowej oferenta"},
    {"code": "signed", "label": "Oferta podpisana przez osoby upoważnione do reprezentacji"},
    {"code": "limits", "label": "Kwota dotacji i wkład własny zgodne z ogłoszeniem"},
]


class CallType:
    code: str = ""
    label: LazyText
    description: LazyText

    def default_criteria(self, form: str) -> list[dict]:
        return [dict(c) for c in DEFAULT_CRITERIA if form == "support" or not c["support_only"]]

    def default_checklist(self) -> list[dict]:
        return [dict(c) for c in DEFAULT_CHECKLIST]

    def extra_offer_problems(self, contest, content: dict) -> list:
        """Eligibility checks the call type adds to an offer (plain Problems)."""
        return []

    def extra_publish_problems(self, contest) -> list:
        return []

    def offer_sections(self) -> list[tuple[str, LazyText]]:
        """Sections the call type adds to the statutory offer."""
        return []


_registry: dict[str, CallType] = {}


def register(ct: CallType) -> CallType:
    _registry[ct.code] = ct
    return ct


def get(code: str) -> CallType:
    return _registry[code]


def registry() -> dict[str, CallType]:
    return dict(_registry)
