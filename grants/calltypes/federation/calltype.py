"""The federation-building call type (S2): a union of associations or federation, or a coalition
submitting a joint offer, with at least `min_members` member organisations from the registry, each
confirming its membership from its own account (members.py); the report adds the representation
indicators (members at the start and at the end, delegates to dialogue bodies, consultation
responses, meetings)."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from grants.core import clock
from grants.core.i18n import _

from .. import prose
from ..base import CallType, Problem, criterion, register
from .members import members_of

# who applies (offer.content["call"]["applicant_kind"])
APPLICANT_KINDS = {
    "federation": _("związek stowarzyszeń lub federacja (oferent sam jest federacją)"),
    "coalition": _("koalicja organizacji składająca ofertę wspólną"),
}
# the dialogue bodies a representative is delegated to (report.content["call"]["delegates"][i]["body"])
DIALOGUE_BODIES = {
    "public_benefit_council": _("rada działalności pożytku publicznego"),
    "civic_dialogue_commission": _("komisja dialogu obywatelskiego"),
    "other": _("inne ciało dialogu (podaj nazwę)"),
}
MAX_COUNT = 100_000  # more member organisations or meetings than that is a typing error
MAX_MEMBERS = 500


def _bad(message) -> PydanticCustomError:
    """A field error shown as it is, in Polish (pydantic's own messages are English)."""
    return PydanticCustomError("call", str(message).replace("{", "(").replace("}", ")"))


def _count(value):
    """A whole, non-negative number; blank means "not given yet"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise _bad(_("podaj liczbę całkowitą"))
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if not text.lstrip("-").isdigit():
            raise _bad(_("podaj liczbę całkowitą"))
        value = int(text)
    if not isinstance(value, (int, float)):
        raise _bad(_("podaj liczbę całkowitą"))
    value = int(value)
    if value < 0:
        raise _bad(_("liczba nie może być ujemna"))
    if value > MAX_COUNT:
        raise _bad(_("liczba jest nierealnie duża"))
    return value


def _choice(options: dict, *, optional: bool):
    def check(value):
        if optional and (value is None or value == ""):
            return None
        if not isinstance(value, str) or value not in options:
            raise _bad(_("wybierz jedną z możliwości: %(o)s", o=", ".join(str(v) for v in options.values())))
        return value
    return check


def _min_members(value):
    if isinstance(value, bool):
        raise _bad(_("podaj liczbę całkowitą"))
    try:
        n = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise _bad(_("podaj liczbę całkowitą")) from None
    if not 2 <= n <= MAX_MEMBERS:
        raise _bad(_("minimalna liczba organizacji członkowskich to od 2 do %(m)s", m=MAX_MEMBERS))
    return n


Count = Annotated[int | None, BeforeValidator(_count)]


class Params(BaseModel):
    """The contest's own parameters (contest.call_params)."""
    model_config = {"extra": "forbid"}
    min_members: Annotated[int, BeforeValidator(_min_members)] = Field(
        default=3, title=str(_("Minimalna liczba organizacji członkowskich")),
        description=str(_("Ile organizacji członkowskich z rejestru musi potwierdzić członkostwo (2–500).")))


class OfferSection(BaseModel):
    """offer.content["call"]: who applies and what representation work the grant funds."""
    model_config = {"extra": "forbid", "str_strip_whitespace": True}
    applicant_kind: Annotated[str | None, BeforeValidator(_choice(APPLICANT_KINDS, optional=True))] = None
    representation: str = Field(default="", max_length=5000)


class Delegate(BaseModel):
    """A representative delegated to a dialogue body during the task."""
    model_config = {"extra": "forbid", "str_strip_whitespace": True}
    person: str = Field(default="", max_length=200)
    body: Annotated[str | None, BeforeValidator(_choice(DIALOGUE_BODIES, optional=True))] = None
    body_name: str = Field(default="", max_length=300)
    since: date | None = None

    @field_validator("since", mode="before")
    @classmethod
    def _date(cls, v):
        if v is None or v == "":
            return None
        if isinstance(v, date):
            return v
        try:
            return date.fromisoformat(str(v).strip())
        except ValueError:
            raise _bad(_("podaj datę w postaci RRRR-MM-DD")) from None


class ReportSection(BaseModel):
    """report.content["call"]: the representation indicators."""
    model_config = {"extra": "forbid"}
    members_at_start: Count = None
    members_at_end: Count = None
    delegates: list[Delegate] = Field(default_factory=list, max_length=200)
    consultation_responses: Count = None
    meetings_held: Count = None


INDICATORS = {
    "members_at_start": _("Organizacje członkowskie na początku zadania"),
    "members_at_end": _("Organizacje członkowskie na koniec zadania"),
    "consultation_responses": _("Przygotowane stanowiska i uwagi w konsultacjach"),
    "meetings_held": _("Przeprowadzone spotkania"),
}


class FederationBuilding(CallType):
    code = "federation_building"
    label = _("Budowanie federacji i reprezentacji organizacji")
    description = _("Konkurs dla związków stowarzyszeń, federacji i koalicji organizacji pozarządowych, "
                    "wzmacniający ich reprezentację w dialogu z miastem.")
    templates = ("offer_section", "offer_print", "report_section")
    explanation = prose.load(Path(__file__).with_name("explanation.toml"))
    params_model = Params
    offer_model = OfferSection
    offer_section_label = _("Federacja lub koalicja")
    report_model = ReportSection
    report_section_label = _("Wskaźniki reprezentacji")
    report_print_template = "calltypes/federation_building/report_section.html"
    criteria_presets = [
        criterion("representation", "Reprezentatywność dla sektora (liczba i różnorodność organizacji członkowskich)",
                  10),
        criterion("membership_growth", "Planowany wzrost liczby organizacji członkowskich", 5),
        criterion("dialogue", "Udział w ciałach dialogu (rady pożytku, komisje dialogu obywatelskiego)", 10),
        criterion("sustainability", "Trwałość federacji lub koalicji po zakończeniu dotacji", 5),
    ]
    checklist_presets = [
        {"code": "members_confirmed", "label": "Organizacje członkowskie potwierdziły członkostwo ze swoich kont"},
    ]

    # -- contest ---------------------------------------------------------------------------------
    def min_members(self, contest) -> int:
        p = self.params(contest)
        return p.min_members if p is not None else 3

    # -- offers ----------------------------------------------------------------------------------
    def parse_offer_form(self, data):
        return data if isinstance(data, dict) else {}

    def extra_offer_problems(self, contest, content: dict, *, session=None, offer=None) -> list:
        section = self.offer_section(content)
        out: list[Problem] = []
        if not section.applicant_kind:
            out.append(Problem("call.applicant_kind", _("Wskaż, kto składa ofertę: federacja (związek "
                                                         "stowarzyszeń) czy koalicja organizacji.")))
        if not section.representation:
            out.append(Problem("call.representation", _("Opisz krótko pracę na rzecz reprezentacji organizacji, "
                                                         "na którą ma pójść dotacja.")))
        if session is None or offer is None:
            return out  # members are counted on a stored offer only
        members = members_of(session, offer)
        named = {m.organisation_id for m in members}
        coalition = section.applicant_kind == "coalition"
        if coalition:
            if not offer.partners:
                out.append(Problem("partners", _("Koalicja składa ofertę wspólną: wskaż organizacje partnerskie "
                                                 "(część V.C); partnerzy są też członkami koalicji."), "R-OFF-JOINT"))
            missing = [p.organisation.name for p in offer.partners if p.organisation_id not in named]
            if missing:
                out.append(Problem("call.members", _("Partnerzy oferty wspólnej są członkami koalicji: dodaj do listy "
                                                     "członków i poproś o potwierdzenie: %(names)s.",
                                                     names=", ".join(missing)), "R-OFF-JOINT"))
        out += self.member_problems(contest, offer, members, coalition)
        return out

    def member_problems(self, contest, offer, members, coalition: bool) -> list[Problem]:
        """Unconfirmed members do not count; a coalition counts its lead applicant too (it confirms
        by submitting the offer from its own account)."""
        need = self.min_members(contest)
        confirmed = [m for m in members if m.confirmed_at is not None]
        have = len(confirmed) + (1 if coalition else 0)
        if have >= need:
            return []
        pending = [m.organisation.name for m in members if m.confirmed_at is None and m.confirmed_by_id is None]
        declined = [m.organisation.name for m in members if m.confirmed_at is None and m.confirmed_by_id is not None]
        if coalition:
            text = _("Koalicja musi liczyć co najmniej %(n)s organizacje z potwierdzonym członkostwem (wliczając "
                     "oferenta wiodącego); teraz liczy %(k)s.", n=need, k=have)
        else:
            text = _("Federacja musi mieć co najmniej %(n)s organizacje członkowskie z potwierdzonym członkostwem; "
                     "potwierdziło %(k)s.", n=need, k=have)
        parts = [str(text)]
        if pending:
            parts.append(str(_("Nie potwierdziły jeszcze: %(names)s (członkowie tych organizacji potwierdzają "
                               "ze swoich kont).", names=", ".join(pending))))
        if declined:
            parts.append(str(_("Odmówiły potwierdzenia: %(names)s.", names=", ".join(declined))))
        if not pending:
            parts.append(str(_("Dodaj kolejne organizacje członkowskie z rejestru.")))
        return [Problem("call.members", " ".join(parts))]

    # -- after the award -------------------------------------------------------------------------
    def parse_report_form(self, data):
        data = data if isinstance(data, dict) else {}
        if isinstance(data.get("delegates"), dict):  # no rows given
            data["delegates"] = []
        return data

    def extra_report_problems(self, report) -> list:
        section = self.report_section(report.content)
        raw = (report.content or {}).get("call") or {}
        out: list[dict] = []
        if report.kind == "final":
            for key, label in INDICATORS.items():
                if getattr(section, key) is None:
                    out.append({"field": f"call.{key}", "message": str(_("Podaj wskaźnik: %(l)s.", l=str(label)))})
        for key in INDICATORS:  # stored before a check tightened, or written around the API
            v = raw.get(key)
            if isinstance(v, int) and not isinstance(v, bool) and v < 0:
                out.append({"field": f"call.{key}", "message": str(_("Wskaźnik nie może być ujemny."))})
        out += self._delegate_problems(report, section)
        return out

    def _delegate_problems(self, report, section: ReportSection) -> list[dict]:
        out: list[dict] = []
        seen: set[tuple] = set()
        today = clock.today()
        for i, d in enumerate(section.delegates):
            f = f"call.delegates.{i}"
            if not d.person:
                out.append({"field": f"{f}.person", "message": str(_("Podaj osobę delegowaną."))})
            if not d.body:
                out.append({"field": f"{f}.body", "message": str(_("Wskaż ciało dialogu, do którego delegowano osobę."))})
            elif d.body == "other" and not d.body_name:
                out.append({"field": f"{f}.body_name", "message": str(_("Podaj nazwę ciała dialogu („inne”)."))})
            if d.since is None:
                out.append({"field": f"{f}.since", "message": str(_("Podaj datę delegowania."))})
            elif d.since > today:
                out.append({"field": f"{f}.since", "message": str(_("Data delegowania nie może być w przyszłości."))})
            key = (d.person.casefold(), d.body, d.body_name.casefold())
            if d.person and d.body and key in seen:
                out.append({"field": f"{f}.person", "message": str(_("Ta osoba jest już wpisana do tego ciała dialogu."))})
            seen.add(key)
        return out


register(FederationBuilding())
