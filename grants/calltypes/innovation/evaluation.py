"""The pilot's evaluation in its report (S9): report.content["call"] of an innovation_pilot agreement.

The final report states the outcome (achieved, partially, not achieved), what worked and what did not,
the metrics against their targets, the lessons and a recommendation (scale up, repeat, stop). A partial
report may carry an evaluation so far, but need not. A pilot that was carried out and reported honestly
without reaching its hoped-for result (outcome not_achieved) is a valid outcome, not a misuse: the
report is accepted like any other, and nothing in the settlement reads the outcome (only the money)."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from grants.core.i18n import _

OUTCOMES = {
    "achieved": _("osiągnięty"),
    "partially": _("osiągnięty częściowo"),
    "not_achieved": _("nieosiągnięty"),
}
RECOMMENDATIONS = {
    "scale_up": _("upowszechnić (skalować) rozwiązanie"),
    "repeat": _("powtórzyć pilotaż"),
    "stop": _("zakończyć, nie kontynuować"),
}


def _choice(options: dict, message):
    def check(v):
        if v is None or v == "":
            return None
        if not isinstance(v, str) or v not in options:
            raise PydanticCustomError("choice", str(message))
        return v
    return check


Outcome = Annotated[str | None, BeforeValidator(_choice(OUTCOMES, _("Wybierz jedną z wartości: osiągnięty, "
                                                                  "osiągnięty częściowo, nieosiągnięty.")))]
Recommendation = Annotated[str | None, BeforeValidator(_choice(RECOMMENDATIONS, _(
    "Wybierz jedną z rekomendacji: upowszechnić, powtórzyć pilotaż, zakończyć.")))]


def _text(limit: int):
    def check(v):
        if v is None:
            return ""
        if not isinstance(v, str):
            raise PydanticCustomError("text", str(_("Podaj tekst.")))
        v = v.strip()
        if len(v) > limit:
            raise PydanticCustomError("text", str(_("Najwyżej %(n)s znaków.", n=limit)))
        return v
    return check


Text = Annotated[str, BeforeValidator(_text(10000))]
Short = Annotated[str, BeforeValidator(_text(300))]


class Metric(BaseModel):
    """One measure of the pilot: its name, the target set in the plan and what was achieved."""

    model_config = {"extra": "forbid"}
    name: Short = ""
    target: Short = ""
    achieved: Short = ""


class PilotEvaluation(BaseModel):
    """report.content["call"]: every field may be missing in a draft; problems() says what a final
    report must contain before it is submitted."""

    model_config = {"extra": "forbid"}
    outcome: Outcome = None
    what_worked: Text = ""
    what_did_not_work: Text = ""
    metrics: list[Metric] = Field(default_factory=list, max_length=50)
    lessons: Text = ""
    recommendation: Recommendation = None


def evaluation_of(report) -> PilotEvaluation | None:
    """The report's evaluation as stored (None when it cannot be read)."""
    try:
        return PilotEvaluation.model_validate((report.content or {}).get("call") or {})
    except Exception:  # noqa: BLE001 - stored content is validated on save; a stray row reads as absent
        return None


def problems(report) -> list[dict]:
    """What blocks submitting the report (R-REP-CONTENT): the final report of a pilot must evaluate it;
    a partial report may. The outcome itself is never a problem: not_achieved is an honest answer."""
    ev = evaluation_of(report)
    if ev is None:
        return [{"field": "call", "message": str(_("Ocena pilotażu ma nieprawidłową postać; zapisz ją ponownie."))}]
    if report.kind != "final":
        return []
    out = []
    if ev.outcome is None:
        out.append({"field": "call.outcome", "message": str(_(
            "Ocena pilotażu: wskaż, czy zakładany rezultat osiągnięto (także gdy go nie osiągnięto)."))})
    if not ev.what_worked:
        out.append({"field": "call.what_worked", "message": str(_("Ocena pilotażu: opisz, co zadziałało."))})
    if not ev.what_did_not_work:
        out.append({"field": "call.what_did_not_work", "message": str(_(
            "Ocena pilotażu: opisz, co nie zadziałało (jeśli wszystko zadziałało, napisz to)."))})
    if not ev.metrics:
        out.append({"field": "call.metrics", "message": str(_(
            "Ocena pilotażu: podaj co najmniej jeden miernik z wartością docelową i osiągniętą."))})
    for i, m in enumerate(ev.metrics):
        if not m.name:
            out.append({"field": f"call.metrics.{i}.name", "message": str(_("Podaj nazwę miernika."))})
        if not m.target:
            out.append({"field": f"call.metrics.{i}.target", "message": str(_("Podaj wartość docelową miernika."))})
        if not m.achieved:
            out.append({"field": f"call.metrics.{i}.achieved", "message": str(_("Podaj wartość osiągniętą miernika."))})
    if not ev.lessons:
        out.append({"field": "call.lessons", "message": str(_("Ocena pilotażu: opisz wnioski na przyszłość."))})
    if ev.recommendation is None:
        out.append({"field": "call.recommendation", "message": str(_(
            "Ocena pilotażu: wybierz rekomendację (upowszechnić, powtórzyć pilotaż, zakończyć)."))})
    return out
