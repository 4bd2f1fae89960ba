"""The call-type mechanism: a registry of CallType objects looked up by the contest's code.

A call type adds to the standard contest, through the hooks below and nothing else: its own contest
parameters (`params_model`, kept in `contest.call_params`), an extra offer section (`offer_model`,
kept in `offer.content["call"]`), eligibility checks with reasons, criteria and checklist presets,
who may apply (`may_apply`), an extra report section (`report_model`, kept in `report.content["call"]`)
and its own report checks, templates for the printed offer and report and a public explanation page.
The core calls the hooks; a new type is one module (or package) that registers itself here."""
from __future__ import annotations

from pydantic import BaseModel, ValidationError

from grants.core.i18n import LazyText
from grants.core import validation_messages
from grants.core.registry import Registry

from .prose import Section


def criterion(code: str, label: str, max_points: int, *, support_only: bool = False) -> dict:
    """A preset scoring criterion as a contest stores it (contest.criteria: JSON, points as text);
    `support_only`: only in a contest for support (wspieranie), not for entrusting (powierzanie)."""
    return {"code": code, "label": label, "max_points": str(max_points), "support_only": support_only}


# R-EVAL-CRITERIA: art. 15 ust. 1 criteria; own funds apply to support contests only
DEFAULT_CRITERIA = [
    criterion("capacity", "Możliwość realizacji zadania przez oferenta", 10),
    criterion("costs", "Kalkulacja kosztów w odniesieniu do zakresu rzeczowego zadania", 10),
    criterion("quality", "Jakość wykonania zadania i kwalifikacje osób realizujących", 10),
    criterion("own_funds", "Udział środków finansowych własnych lub z innych źródeł", 5, support_only=True),
    criterion("personal_in_kind", "Wkład osobowy i rzeczowy, w tym świadczenia wolontariuszy i praca społeczna", 5),
    criterion("record", "Rzetelność, terminowość i rozliczenie zadań zleconych w latach poprzednich", 5),
]

DEFAULT_CHECKLIST = [
    {"code": "in_time", "label": "Oferta złożona w terminie"},
    {"code": "template", "label": "Oferta na obowiązującym wzorze, wszystkie wymagane pola wypełnione"},
    {"code": "eligible_applicant", "label": "Oferent jest podmiotem uprawnionym (art. 3 ust. 2 i 3 UDPP)"},
    {"code": "statutory", "label": "Zadanie mieści się w działalności statutowej oferenta"},
    {"code": "signed", "label": "Oferta podpisana przez osoby upoważnione do reprezentacji"},
    {"code": "limits", "label": "Kwota dotacji i wkład własny zgodne z ogłoszeniem"},
]


class Problem:
    """A refusal with its field, rule id and message (the shape budgets.cost_estimate uses)."""

    def __init__(self, field: str, message, rule: str | None = None):
        self.field, self.message, self.rule = field, message, rule

    def __repr__(self) -> str:
        return f"Problem({self.field!r}, {str(self.message)!r}, {self.rule!r})"


def validation_problems(e: ValidationError, prefix: str) -> list[Problem]:
    return [Problem(x["field"], x["message"]) for x in validation_messages.errors_of(e, [prefix])]


class CallType:
    """Templates a type may provide (each optional), under calltypes/<code>/: offer_section.html (form
    fields of offer.content["call"], names prefixed "call."), offer_print.html, report_section.html,
    report_print.html. A type names those it has in `templates` (e.g. ("offer_section",)); each
    becomes its `<name>_template` path. Its public explanation is prose as data (`explanation`)."""

    code: str = ""
    label: LazyText
    description: LazyText
    templates: tuple[str, ...] = ()
    # what the public page says about the type, in plain Polish: sections of prose as data (prose.py)
    explanation: tuple[Section, ...] = ()
    # the contest's own parameters (contest.call_params); None: the type has none
    params_model: type[BaseModel] | None = None
    # the offer's extra section (offer.content["call"]) and its title; None: the statutory offer only
    offer_model: type[BaseModel] | None = None
    offer_section_label: LazyText | None = None
    offer_section_template: str | None = None  # the edit form's fields
    offer_print_template: str | None = None
    # the report's extra section (report.content["call"])
    report_model: type[BaseModel] | None = None
    report_section_label: LazyText | None = None
    report_section_template: str | None = None
    report_print_template: str | None = None
    # does this call take offers at all (a concept call takes concepts instead)
    takes_offers: bool = True
    # extra criteria appended to the art. 15 ones (R-EVAL-CRITERIA: "call types add criteria")
    criteria_presets: list[dict] = []
    replaces_criteria: bool = False
    checklist_presets: list[dict] = []

    def __init_subclass__(cls, **kw) -> None:
        super().__init_subclass__(**kw)
        for name in cls.__dict__.get("templates", ()):
            if f"{name}_template" not in cls.__dict__:  # a path the type gives itself wins
                setattr(cls, f"{name}_template", f"calltypes/{cls.code}/{name}.html")

    # -- contest ---------------------------------------------------------------------------------
    def default_criteria(self, form: str) -> list[dict]:
        base = [] if self.replaces_criteria else [dict(c) for c in DEFAULT_CRITERIA
                                                 if form == "support" or not c["support_only"]]
        return base + [dict(c) for c in self.criteria_presets]

    def default_checklist(self) -> list[dict]:
        return [dict(c) for c in DEFAULT_CHECKLIST] + [dict(c) for c in self.checklist_presets]

    def default_params(self) -> dict:
        return self.params_model().model_dump(mode="json") if self.params_model else {}

    def params(self, contest) -> BaseModel | None:
        """The contest's parameters, validated (defaults fill what is missing)."""
        if self.params_model is None:
            return None
        try:
            return self.params_model.model_validate(contest.call_params or {})
        except ValidationError:
            return self.params_model()

    def describe_params(self, contest) -> list[tuple[str, object]]:
        """(label, value) of each parameter, for the announcement."""
        if self.params_model is None:
            return []
        p = self.params(contest)
        # a reference to another object (an id) is shown by the type's own panel as a link, never as a number
        return [(self.param_label(name), getattr(p, name)) for name in self.params_model.model_fields
                if not name.endswith("_id")]

    def param_label(self, name: str) -> LazyText | str:
        """A parameter's title in the reader's language (the Polish title is the msgid)."""
        f = self.params_model.model_fields[name]
        return LazyText(f.title) if f.title else name

    def param_hint(self, name: str) -> LazyText | str:
        f = self.params_model.model_fields[name]
        return LazyText(f.description) if f.description else ""

    def params_problems(self, values: dict | None) -> list[Problem]:
        if self.params_model is None:
            return [] if not values else [Problem("call_params", "ten typ naboru nie ma własnych parametrów")]
        try:
            self.params_model.model_validate(values or {})
        except ValidationError as e:
            return validation_problems(e, "call_params")
        return []

    def clean_params(self, values: dict | None) -> dict:
        if self.params_model is None:
            return {}
        return self.params_model.model_validate(values or {}).model_dump(mode="json")

    def extra_publish_problems(self, contest) -> list:
        return self.params_problems(contest.call_params)

    # -- offers ----------------------------------------------------------------------------------
    def may_apply(self, session, contest, organisation_id: int):
        """None when the organisation may start an offer, else why not (a workflows.base.Reason)."""
        return None

    def parse_offer_section(self, data, grammar: str = "json") -> dict:
        """Format check of the extra section (raises ValidationError); returns the stored JSON.
        `grammar` is how numbers are read (grants.core.numbers): "typed" for what a form posted."""
        return _parse_section(self.offer_model, data, grammar)

    def parse_offer_form(self, data: dict) -> dict:
        """The HTML form's values (unflattened "call.*" inputs) as the section's JSON; override to
        turn checkbox values into booleans and the like."""
        return data

    def offer_section(self, content: dict):
        return _stored_section(self.offer_model, content)

    def extra_offer_problems(self, contest, content: dict, *, session=None, offer=None) -> list:
        """Eligibility checks the call type adds to an offer (Problems with a field under "call")."""
        return []

    # -- a call that takes other submissions than offers (takes_offers = False) --------------------
    def ready_for_evaluation(self, session, contest):
        """The start_evaluation guard's answer (a workflows.base.Reason or None)."""
        return None

    def decide(self, ctx, contest) -> None:
        """The decide transition's effect for a call that awards no offers."""

    def participating_organisations(self, session, contest) -> set[int]:
        """Who submitted in a call without offers (the commission declares towards them, R-COM-NGO)."""
        return set()

    def protocol_part(self, session, commission) -> dict:
        """What a call without offers adds to the commission's protocol."""
        return {}

    def redact_protocol(self, session, commission, user, doc: dict) -> tuple[dict, bool]:
        """The protocol's own part as `user` may read it (R-COM-IMPARTIAL); True when something was hidden."""
        return doc, False

    # -- after the award -------------------------------------------------------------------------
    def parse_report_section(self, data, grammar: str = "json") -> dict:
        return _parse_section(self.report_model, data, grammar)

    def parse_report_form(self, data: dict) -> dict:
        return data

    def report_section(self, content: dict):
        return _stored_section(self.report_model, content)

    def extra_report_problems(self, report) -> list:
        """Checks of the report's extra section at submission (dicts {"field", "message"})."""
        return []

    # -- other workflow objects shown on the type's page -----------------------------------------
    def workflows(self) -> list:
        """Workflows besides the contest's that this type adds (diagrams on the explanation page)."""
        return []


def _parse_section(model, data, grammar: str) -> dict:
    """An extra section as posted (raises ValidationError) to its stored JSON; {} where the call type
    has none (and refuses one sent anyway)."""
    if model is None:
        if data:
            raise ValueError("no extra section")
        return {}
    return model.model_validate(data or {}, context={"grammar": grammar}).model_dump(mode="json")


def _stored_section(model, content: dict):
    """The extra section of a stored offer or report ("call" in its content) as the model; an empty
    one if it no longer validates; None where the call type has none."""
    if model is None:
        return None
    try:
        return model.model_validate((content or {}).get("call") or {})
    except ValidationError:
        return model()


_registry: Registry[CallType] = Registry(lambda ct: ct.code)
register = _registry.register
get = _registry.get
registry = _registry.items
