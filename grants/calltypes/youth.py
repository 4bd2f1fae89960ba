"""Youth entrepreneurship (S11): organisations with schools or universities start youth-run ventures.

Everything of the type is here: the contest's age bounds (params), the offer's extra section (school
or university partner, the participants' age range and number, the ventures with their mentors, the
two declarations on the protection of minors), its eligibility checks, the criteria presets, and the
report's venture records and indicators with their checks. Templates: calltypes/youth_entrepreneurship/.

The protection of minors: since 15 February 2024 (the "Kamilek" amendment of 28 July 2023) every
organisation working with minors must have adopted child-protection standards, and since 2017 staff
admitted to work with minors must be checked in the register of sexual offenders (Rejestr Sprawców
Przestępstw na Tle Seksualnym, art. 21 of the act on counteracting sexual crime and protecting
minors). Both duties concern minors: an offer whose participants are all adults (a university's
students of 18 and over) need not declare them; any offer with participants under 18 must."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from grants.core.i18n import _
from grants.core.numbers import decimal_text_type

from . import prose
from .base import CallType, Problem, criterion, register

ADULT_AGE = 18
AGE_LIMITS = (6, 35)  # what a contest may set as its bounds
PARTNER_KINDS = {"school": _("szkoła"), "university": _("uczelnia")}
VENTURE_KINDS = {"mini_company": _("mini-firma uczniowska lub studencka"), "cooperative": _("spółdzielnia uczniowska"),
                 "project_team": _("zespół projektowy"), "other": _("inna forma")}
CRITERIA = [
    criterion("youth_lead", "Młodzi ludzie sami podejmują decyzje w przedsięwzięciach", 10),
    criterion("practical_learning", "Praktyczna nauka przedsiębiorczości (działanie, nie tylko zajęcia)", 10),
    criterion("school_partnership", "Partnerstwo ze szkołą lub uczelnią", 5),
    criterion("lasting_effect", "Co zostanie po zakończeniu dotacji (trwałość przedsięwzięć)", 5),
]


def _bad(message: str) -> PydanticCustomError:
    """A field error shown as it is (a plain ValueError reads "Value error, …")."""
    return PydanticCustomError("call", message)


def _whole(v, maximum: int) -> int:
    """A whole number 0..maximum, given as a JSON integer or digits in text (a form field)."""
    if isinstance(v, bool) or isinstance(v, float) or not isinstance(v, (int, str)):
        raise _bad("podaj liczbę całkowitą")
    if isinstance(v, str):
        text = v.strip().replace(" ", "").replace("\u00a0", "")
        if text.startswith("-") and text[1:].isdigit():
            raise _bad("wartość nie może być ujemna")
        if not text.isdigit():
            raise _bad("podaj liczbę całkowitą")
        v = int(text)
    if v < 0:
        raise _bad("wartość nie może być ujemna")
    if v > maximum:
        raise _bad("wartość jest nierealnie duża")
    return v


def _flag(v) -> bool:
    """True or false; a form's checkbox or yes/no select ("1", "on", "yes", "tak" / "0", "no", "nie")."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("1", "on", "true", "yes", "tak"):
        return True
    if isinstance(v, str) and v.strip().lower() in ("0", "off", "false", "no", "nie"):
        return False
    raise _bad("podaj tak albo nie (true/false)")


Age = Annotated[int, BeforeValidator(lambda v: _whole(v, 150))]
Count = Annotated[int, BeforeValidator(lambda v: _whole(v, 100000))]
Hours = decimal_text_type(places=1, maximum=Decimal("100000"))
Flag = Annotated[bool, BeforeValidator(_flag)]
Short = Annotated[str, Field(max_length=500)]
Text = Annotated[str, Field(max_length=5000)]


class _Section(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}


# -- the contest's parameters ----------------------------------------------------------------------

def _age_bound(v) -> int:
    v = _whole(v, 150)
    if not AGE_LIMITS[0] <= v <= AGE_LIMITS[1]:
        raise _bad(f"granica wieku musi mieścić się w przedziale {AGE_LIMITS[0]}–{AGE_LIMITS[1]} lat")
    return v


def _min_ventures(v) -> int:
    v = _whole(v, 50)
    if v < 1:
        raise _bad("co najmniej jedno przedsięwzięcie")
    return v


class YouthParams(_Section):
    """The youngest and the oldest participant the contest funds, and how many ventures an offer starts."""
    min_age: Annotated[int, BeforeValidator(_age_bound)] = Field(
        13, title=str(_("Najniższy wiek uczestnika")), description=str(_("Najmłodsi uczestnicy, o których może mówić oferta (6–35 lat).")))
    max_age: Annotated[int, BeforeValidator(_age_bound)] = Field(
        25, title=str(_("Najwyższy wiek uczestnika")), description=str(_("Najstarsi uczestnicy (6–35 lat, nie mniej niż najniższy wiek).")))
    min_ventures: Annotated[int, BeforeValidator(_min_ventures)] = Field(
        1, title=str(_("Najmniejsza liczba przedsięwzięć")), description=str(_("Ile przedsięwzięć młodzieżowych musi założyć zadanie.")))

    @field_validator("max_age")
    @classmethod
    def _ordered(cls, v: int, info: ValidationInfo) -> int:
        low = info.data.get("min_age")
        if low is not None and v < low:
            raise _bad(f"górna granica wieku ({v}) nie może być niższa od dolnej ({low})")
        return v


# -- the offer's extra section (offer.content["call"]) ------------------------------------------------

class Partner(_Section):
    name: Short = ""
    kind: Literal["school", "university"] | None = None
    contact: Short = ""  # the person at the school or university and how to reach them
    role: Text = ""  # what the school or university does in the task


class Mentor(_Section):
    name: Short = ""
    role: Short = ""  # who the mentor is (entrepreneur, teacher, student of economics, …)


class Venture(_Section):
    name: Short = ""
    kind: Literal["mini_company", "cooperative", "project_team", "other"] | None = None
    description: Text = ""
    mentor: Mentor = Field(default_factory=Mentor)


class YouthOffer(_Section):
    partner: Partner = Field(default_factory=Partner)
    age_from: Age | None = None
    age_to: Age | None = None
    participants: Count | None = None
    ventures: list[Venture] = Field(default_factory=list, max_length=30)
    # the protection of minors (see the module's docstring)
    child_protection_standards: Flag = False
    offender_register_checked: Flag = False


# -- the report's extra section (report.content["call"]) ----------------------------------------------

class VentureRecord(_Section):
    name: Short = ""
    activity: Text = ""  # what the venture did
    participants: Count | None = None
    continues: Flag | None = None  # does it go on after the grant


class AgeGroup(_Section):
    age_from: Age | None = None
    age_to: Age | None = None
    participants: Count | None = None


class Indicators(_Section):
    age_groups: list[AgeGroup] = Field(default_factory=list, max_length=20)
    ventures_started: Count | None = None
    ventures_active_at_end: Count | None = None
    mentor_hours: Hours | None = None


class YouthReport(_Section):
    ventures: list[VentureRecord] = Field(default_factory=list, max_length=30)
    indicators: Indicators = Field(default_factory=Indicators)


def _form_flags(node: dict, keys: tuple[str, ...]) -> None:
    """A checkbox left unticked sends nothing: it means false."""
    for k in keys:
        node[k] = node.get(k) not in (None, "", "0", "off", "false", False)


class YouthEntrepreneurship(CallType):
    code = "youth_entrepreneurship"
    label = _("Przedsiębiorczość młodzieży")
    description = _("Konkurs na zadania, w których organizacje razem ze szkołami lub uczelniami zakładają "
                    "eksperymentalne przedsięwzięcia prowadzone przez młodzież.")
    templates = ("offer_section", "offer_print", "report_section", "report_print")
    explanation = prose.load(Path(__file__).with_name("youth_explanation.toml"))
    params_model = YouthParams
    offer_model = YouthOffer
    offer_section_label = _("Przedsiębiorczość młodzieży: partner, uczestnicy, przedsięwzięcia")
    report_model = YouthReport
    report_section_label = _("Przedsięwzięcia młodzieżowe i wskaźniki")
    criteria_presets = CRITERIA

    # -- forms -------------------------------------------------------------------------------------
    def parse_offer_form(self, data) -> dict:
        data = dict(data) if isinstance(data, dict) else {}
        _form_flags(data, ("child_protection_standards", "offender_register_checked"))
        return data

    def parse_report_form(self, data) -> dict:
        return dict(data) if isinstance(data, dict) else {}

    # -- offers ------------------------------------------------------------------------------------
    def extra_offer_problems(self, contest, content: dict, *, session=None, offer=None) -> list:
        p = self.params(contest)
        s = self.offer_section(content)
        out: list[Problem] = []
        if not s.partner.name:
            out.append(Problem("call.partner.name", _("Wskaż szkołę lub uczelnię, z którą realizujesz zadanie.")))
        if s.partner.kind is None:
            out.append(Problem("call.partner.kind", _("Zaznacz, czy partnerem jest szkoła, czy uczelnia.")))
        if s.partner.name and not s.partner.role:
            out.append(Problem("call.partner.role", _("Opisz, co szkoła lub uczelnia robi w zadaniu.")))
        bounds = _("Konkurs przewiduje uczestników w wieku od %(a)s do %(b)s lat.", a=p.min_age, b=p.max_age)
        if s.age_from is None:
            out.append(Problem("call.age_from", _("Podaj wiek najmłodszych uczestników. %(b)s", b=bounds)))
        elif not p.min_age <= s.age_from <= p.max_age:
            out.append(Problem("call.age_from", _("Wiek uczestników od %(n)s lat wykracza poza granice konkursu. %(b)s",
                                                  n=s.age_from, b=bounds)))
        if s.age_to is None:
            out.append(Problem("call.age_to", _("Podaj wiek najstarszych uczestników. %(b)s", b=bounds)))
        elif not p.min_age <= s.age_to <= p.max_age:
            out.append(Problem("call.age_to", _("Wiek uczestników do %(n)s lat wykracza poza granice konkursu. %(b)s",
                                                n=s.age_to, b=bounds)))
        if s.age_from is not None and s.age_to is not None and s.age_from > s.age_to:
            out.append(Problem("call.age_to", _("Przedział wieku jest odwrócony: „od” (%(a)s) jest większe niż „do” (%(b)s).",
                                                a=s.age_from, b=s.age_to)))
        if not s.participants:
            out.append(Problem("call.participants", _("Podaj liczbę młodych uczestników (co najmniej 1).")))
        if not s.ventures:
            out.append(Problem("call.ventures", _("Opisz co najmniej jedno przedsięwzięcie prowadzone przez młodzież.")))
        elif len(s.ventures) < p.min_ventures:
            out.append(Problem("call.ventures", _("Konkurs wymaga co najmniej %(n)s przedsięwzięć młodzieżowych; oferta opisuje %(k)s.",
                                                  n=p.min_ventures, k=len(s.ventures))))
        for i, v in enumerate(s.ventures):
            n = i + 1
            if not v.name:
                out.append(Problem(f"call.ventures.{i}.name", _("Przedsięwzięcie %(n)s: podaj nazwę.", n=n)))
            if v.kind is None:
                out.append(Problem(f"call.ventures.{i}.kind", _("Przedsięwzięcie %(n)s: wybierz formę (mini-firma, spółdzielnia, zespół projektowy, inna).", n=n)))
            if not v.description:
                out.append(Problem(f"call.ventures.{i}.description", _("Przedsięwzięcie %(n)s: opisz, czym się zajmie.", n=n)))
            if not v.mentor.name:
                out.append(Problem(f"call.ventures.{i}.mentor.name", _("Przedsięwzięcie %(n)s nie ma mentora: każde przedsięwzięcie młodzieży ma swojego mentora (imię i nazwisko, rola).", n=n)))
            elif not v.mentor.role:
                out.append(Problem(f"call.ventures.{i}.mentor.role", _("Przedsięwzięcie %(n)s: podaj, kim jest mentor (jego rola).", n=n)))
        if self.works_with_minors(s):
            if not s.child_protection_standards:
                out.append(Problem("call.child_protection_standards", _(
                    "Oferta nie spełnia warunków konkursu: zadanie obejmuje małoletnich, a organizacja nie oświadczyła, "
                    "że przyjęła standardy ochrony małoletnich (obowiązek od 15 lutego 2024 r.).")))
            if not s.offender_register_checked:
                out.append(Problem("call.offender_register_checked", _(
                    "Oferta nie spełnia warunków konkursu: zadanie obejmuje małoletnich, a organizacja nie oświadczyła, "
                    "że osoby pracujące z małoletnimi sprawdza w Rejestrze Sprawców Przestępstw na Tle Seksualnym "
                    "(obowiązek od 2017 r.).")))
        return out

    @staticmethod
    def works_with_minors(section: YouthOffer) -> bool:
        """Any participant under 18 (or the youngest age not given yet: assume so)."""
        return section.age_from is None or section.age_from < ADULT_AGE

    # -- after the award ---------------------------------------------------------------------------
    def extra_report_problems(self, report) -> list:
        final = report.kind == "final"
        out: list[dict] = []

        def add(field: str, message) -> None:
            out.append({"field": field, "message": str(message)})

        try:
            s = YouthReport.model_validate((report.content or {}).get("call") or {})
        except ValidationError:  # saved under an older shape: the model refuses it on the next save
            add("call", _("Część o przedsięwzięciach i wskaźnikach ma błędny format: zapisz ją ponownie."))
            s = YouthReport()
        ind = s.indicators
        if final:
            if not s.ventures:
                add("call.ventures", _("Opisz każde przedsięwzięcie młodzieży: co robiło, ilu miało uczestników, czy działa dalej."))
            for i, v in enumerate(s.ventures):
                n = i + 1
                if not v.name:
                    add(f"call.ventures.{i}.name", _("Przedsięwzięcie %(n)s: podaj nazwę.", n=n))
                if not v.activity:
                    add(f"call.ventures.{i}.activity", _("Przedsięwzięcie %(n)s: opisz, co zrobiło.", n=n))
                if v.participants is None:
                    add(f"call.ventures.{i}.participants", _("Przedsięwzięcie %(n)s: podaj liczbę uczestników.", n=n))
                if v.continues is None:
                    add(f"call.ventures.{i}.continues", _("Przedsięwzięcie %(n)s: zaznacz, czy działa dalej po zakończeniu zadania.", n=n))
            if not [g for g in ind.age_groups if g.participants is not None]:
                add("call.indicators.age_groups", _("Podaj liczbę uczestników według grup wieku."))
            for key, label in (("ventures_started", _("liczbę założonych przedsięwzięć")),
                               ("ventures_active_at_end", _("liczbę przedsięwzięć działających na koniec zadania")),
                               ("mentor_hours", _("liczbę godzin pracy mentorów"))):
                if getattr(ind, key) is None:
                    add(f"call.indicators.{key}", _("Podaj %(x)s.", x=label))
        for i, g in enumerate(ind.age_groups):
            if g.age_from is None or g.age_to is None:
                add(f"call.indicators.age_groups.{i}.age_from", _("Grupa wieku %(n)s: podaj wiek od i do.", n=i + 1))
            elif g.age_from > g.age_to:
                add(f"call.indicators.age_groups.{i}.age_to",
                    _("Grupa wieku %(n)s: „od” (%(a)s) jest większe niż „do” (%(b)s).", n=i + 1, a=g.age_from, b=g.age_to))
            if g.participants is None and (g.age_from is not None or g.age_to is not None):
                add(f"call.indicators.age_groups.{i}.participants", _("Grupa wieku %(n)s: podaj liczbę uczestników.", n=i + 1))
        started, active = ind.ventures_started, ind.ventures_active_at_end
        if started is not None and active is not None and active > started:
            add("call.indicators.ventures_active_at_end",
                _("Na koniec zadania nie może działać więcej przedsięwzięć (%(a)s) niż założono (%(s)s).", a=active, s=started))
        if started is not None and s.ventures and len(s.ventures) != started:
            add("call.indicators.ventures_started",
                _("Założono %(s)s przedsięwzięć, a opisano %(k)s: opisz każde założone przedsięwzięcie.", s=started, k=len(s.ventures)))
        continuing = sum(1 for v in s.ventures if v.continues)
        if active is not None and continuing > active:
            add("call.indicators.ventures_active_at_end",
                _("%(c)s przedsięwzięć działa dalej, a na koniec zadania działało %(a)s: popraw liczby.", c=continuing, a=active))
        return out


register(YouthEntrepreneurship())
