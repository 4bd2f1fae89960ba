"""A concept, stage 1 of an innovation pilot (S9): the problem, what is new, the cross-sector
partnership, the pilot plan and an estimated budget. Drafts may be incomplete; the format of every
field is checked on save (never stored wrong), completeness and the partnership at submission
(`problems`, the submit guard of grants/workflows/concept.py)."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError

from grants.core.errors import FieldErrors, nul_fields
from grants.core.i18n import _
from grants.offers.content import Amount

# the partner's sector; "ngo" is the applicant's own sector (the partnership must reach beyond it)
SECTORS = {
    "ngo": _("organizacja pozarządowa"),
    "business": _("przedsiębiorstwo"),
    "startup": _("start-up"),
    "culture": _("kultura (instytucja, twórcy)"),
    "science": _("nauka (instytut, zespół badawczy)"),
    "university": _("uczelnia"),
    "public": _("jednostka publiczna"),
    "other": _("inny"),
}
# what makes a partnership cross-sector (S9): business or start-up, culture, science or university
CROSS_SECTOR = ("business", "startup", "culture", "science", "university")
Sector = Literal["ngo", "business", "startup", "culture", "science", "university", "public", "other"]

MAX_PARTNERS = 30
Short = Annotated[str, Field(max_length=500)]
Text = Annotated[str, Field(max_length=10000)]
FIELDS = ("title", "problem", "novelty", "partners", "pilot_plan", "estimated_budget")


class ConceptPartner(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}
    name: Short = ""
    sector: Sector | None = None
    role: Text = ""


class ConceptContent(BaseModel):
    """The concept as submitted: `title` is kept in the row's column, the rest in `content`."""

    model_config = {"extra": "forbid", "str_strip_whitespace": True}
    title: Short = ""
    problem: Text = ""
    novelty: Text = ""  # what is new
    partners: list[ConceptPartner] = Field(default_factory=list, max_length=MAX_PARTNERS)
    pilot_plan: Text = ""
    estimated_budget: Amount | None = None  # "1250.00"


class ConceptFormatError(FieldErrors):
    """Fields whose format is wrong, each with a Polish message ({"field", "message"})."""


def _message(err: dict) -> str:
    """Pydantic's error as a plain Polish sentence (its own custom money messages are Polish already)."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "string_too_long":
        return str(_("Tekst jest za długi: najwyżej %(n)s znaków.", n=ctx.get("max_length")))
    if kind == "too_long":
        return str(_("Za dużo pozycji: najwyżej %(n)s.", n=ctx.get("max_length")))
    if kind == "literal_error":
        return str(_("Wybierz sektor z listy: %(list)s.", list=", ".join(str(v) for v in SECTORS.values())))
    if kind == "extra_forbidden":
        return str(_("Nieznane pole."))
    if kind == "string_type":
        return str(_("Podaj tekst."))
    if kind == "list_type":
        return str(_("Podaj listę partnerów."))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return str(_("Podaj partnera jako obiekt z nazwą, sektorem i rolą."))
    return err["msg"]


def parse(values: dict, grammar: str = "json") -> ConceptContent:
    """Checks the format of a concept's fields (a draft may leave any of them empty). Numbers are read
    in `grammar` (grants.core.numbers): "typed" ("85 000,50") for what a form posted."""
    if not isinstance(values, dict):
        raise ConceptFormatError([{"field": "body", "message": str(_("Podaj koncepcję jako obiekt z polami."))}])
    nul = nul_fields(values)
    if nul:  # PostgreSQL refuses NUL in text
        raise ConceptFormatError([{"field": str(k), "message": str(_("Niedozwolony znak (NUL)."))} for k in nul])
    try:
        return ConceptContent.model_validate(values, context={"grammar": grammar})
    except ValidationError as e:
        raise ConceptFormatError([{"field": ".".join(str(p) for p in err["loc"]) or "body", "message": _message(err)}
                                  for err in e.errors()]) from None


def stored(concept) -> dict:
    """The concept's fields as one dict (the title from its column)."""
    return {"title": concept.title or "", **{k: v for k, v in (concept.content or {}).items() if k in FIELDS}}


def load(concept) -> ConceptContent:
    try:
        return ConceptContent.model_validate(stored(concept))
    except ValidationError:
        return ConceptContent()


def split(parsed: ConceptContent) -> tuple[str, dict]:
    """The row's title and its content JSON."""
    data = parsed.model_dump(mode="json")
    return data.pop("title"), data


def partnership_problem(partners: list[ConceptPartner]) -> str | None:
    """S9: at least one partner from outside the NGO sector; a partnership of NGOs only is refused."""
    if any(p.sector in CROSS_SECTOR for p in partners):
        return None
    if partners and all(p.sector == "ngo" for p in partners):
        return str(_("Partnerstwo złożone wyłącznie z organizacji pozarządowych nie jest międzysektorowe: dodaj "
                     "co najmniej jednego partnera spoza sektora pozarządowego (biznes lub start-up, kultura, "
                     "nauka albo uczelnia)."))
    return str(_("Partnerstwo musi być międzysektorowe: co najmniej jeden partner spoza sektora pozarządowego "
                 "(biznes lub start-up, kultura, nauka albo uczelnia)."))


def problems(concept) -> list[dict]:
    """What stands in the way of submitting the concept ({"field", "message"}, in Polish)."""
    c = load(concept)
    out: list[dict] = []

    def need(field: str, ok: bool, message) -> None:
        if not ok:
            out.append({"field": field, "message": str(message)})

    need("title", c.title, _("Podaj tytuł koncepcji."))
    need("problem", c.problem, _("Opisz problem, na który odpowiada pilotaż."))
    need("novelty", c.novelty, _("Opisz, co jest nowego w proponowanym rozwiązaniu."))
    need("partners", c.partners, _("Wskaż partnerów pilotażu: każdego z nazwy, z sektorem i rolą."))
    for i, p in enumerate(c.partners):
        n = i + 1
        need(f"partners.{i}.name", p.name, _("Partner %(n)s: podaj nazwę.", n=n))
        need(f"partners.{i}.sector", p.sector, _("Partner %(n)s: wskaż sektor.", n=n))
        need(f"partners.{i}.role", p.role, _("Partner %(n)s: opisz jego rolę w pilotażu.", n=n))
    if c.partners:
        problem = partnership_problem(c.partners)
        if problem:
            out.append({"field": "partners", "message": problem})
    need("pilot_plan", c.pilot_plan, _("Opisz plan pilotażu."))
    if c.estimated_budget is None:
        need("estimated_budget", False, _("Podaj szacowany budżet pilotażu."))
    else:
        need("estimated_budget", Decimal(c.estimated_budget) > 0, _("Szacowany budżet musi być większy od zera."))
    return out


def number_for(session, concept) -> str:
    """A readable number, unique as the row's id is: K/<year>/<call>/<concept> (offers: <year>/<contest>/<offer>)."""
    contest = concept.contest
    if concept.id is None:
        session.flush()
    return f"K/{contest.year}/{contest.id:04d}/{concept.id:05d}"
