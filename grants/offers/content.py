"""The statutory offer's content (R-OFF-SECTIONS) as pydantic sections. Drafts accept incomplete
sections; the format of every number is checked on save (never stored wrong), completeness and the
rules at submission (validation.py)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from grants.core.i18n import _
from grants.core.numbers import decimal_text_type, money_text_type

MAX_AMOUNT = Decimal("10000000000")  # 10 bln PLN: anything above is a typing error
MAX_UNITS = Decimal("10000000")

DECLARATIONS = {
    "public_benefit": _("Proponowane zadanie publiczne będzie realizowane wyłącznie w zakresie działalności pożytku "
                        "publicznego oferenta(-tów)."),
    "no_profit": _("Pobieranie świadczeń pieniężnych będzie się odbywać wyłącznie w ramach prowadzonej odpłatnej "
                   "działalności pożytku publicznego."),
    "no_tax_arrears": _("Oferent(-ci) nie zalega(-ją) z opłacaniem należności z tytułu zobowiązań podatkowych."),
    "no_social_arrears": _("Oferent(-ci) nie zalega(-ją) z opłacaniem należności z tytułu składek na ubezpieczenia społeczne."),
    "register_data": _("Dane zawarte w części II niniejszej oferty są zgodne z Krajowym Rejestrem Sądowym lub inną "
                       "właściwą ewidencją."),
    "true_information": _("Wszystkie informacje podane w ofercie oraz załącznikach są zgodne z aktualnym stanem "
                          "prawnym i faktycznym."),
    "personal_data": _("W zakresie przetwarzania danych osobowych zawartych w ofercie dane osobowe są zbierane, "
                       "przetwarzane i przekazywane zgodnie z przepisami o ochronie danych osobowych."),
}


# numbers through the one grammar of grants.core.numbers (API: "1250.50"; forms also "1 250,50")
Amount = money_text_type(maximum=MAX_AMOUNT)
Units = decimal_text_type(places=2, maximum=MAX_UNITS)
Text = Annotated[str, Field(max_length=10000)]
Short = Annotated[str, Field(max_length=500)]


def _strip(v: str) -> str:
    return v.strip()


class Section(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}


class Basic(Section):
    task_type: Short = ""


class Applicant(Section):
    contact_person: Short = ""
    contact_email: Short = ""
    contact_phone: Short = ""
    address: Short = ""


class Action(Section):
    name: Short = ""
    description: Text = ""
    target_group: Short = ""
    schedule: Short = ""
    responsible: Short = ""


class Result(Section):
    result: Short = ""
    planned_value: Short = ""
    monitoring: Short = ""


class Task(Section):
    title: Short = ""
    start_date: date | None = None
    end_date: date | None = None
    place: Text = ""
    target_group: Text = ""
    need: Text = ""
    summary: Text = ""
    expected_results: Text = ""
    actions: list[Action] = Field(default_factory=list, max_length=50)
    results: list[Result] = Field(default_factory=list, max_length=50)


class Profile(Section):
    experience: Text = ""
    resources: Text = ""


class CostLine(Section):
    category: Literal["action", "admin"] = "action"
    action_no: int | None = Field(default=None, ge=1, le=50)
    cost_type: Short = ""
    name: Short = ""
    unit: Short = ""
    unit_cost: Amount = "0.00"
    units: Units = "0.00"
    by_year: dict[Annotated[str, Field(pattern=r"^[0-9]{4}$")], Amount] = Field(default_factory=dict, max_length=5)
    by_partner: dict[Annotated[str, Field(pattern=r"^[0-9]{1,12}$")], Amount] = Field(default_factory=dict, max_length=20)


class Sources(Section):
    grant: Amount | None = None
    own_financial: Amount = "0.00"
    own_personal: Amount = "0.00"
    own_in_kind: Amount = "0.00"
    beneficiaries: Amount = "0.00"


class Other(Section):
    info: Text = ""


class Declarations(Section):
    accepted: list[Literal[tuple(DECLARATIONS)]] = Field(default_factory=list)  # type: ignore[misc]


class Content(Section):
    basic: Basic = Field(default_factory=Basic)
    applicant: Applicant = Field(default_factory=Applicant)
    task: Task = Field(default_factory=Task)
    profile: Profile = Field(default_factory=Profile)
    costs: list[CostLine] = Field(default_factory=list, max_length=300)
    sources: Sources = Field(default_factory=Sources)
    other: Other = Field(default_factory=Other)
    declarations: Declarations = Field(default_factory=Declarations)
    # the call type's own section, validated by its offer_model (grants.calltypes): a plain dict here
    call: dict = Field(default_factory=dict)


SECTIONS = tuple(Content.model_fields)


def empty() -> dict:
    return Content().model_dump(mode="json")


def load(data: dict | None) -> Content:
    return Content.model_validate(data or {})
