"""The two innovation call types. Each hook delegates to the module that holds that part:
concepts (stage-1 submissions), shortlist (their scoring and the call's decision), pilot (stage 2's
link to the concept call and who may apply), milestones and evaluation (after the award)."""
from __future__ import annotations

from pathlib import Path

from grants.core.i18n import _
from grants.workflows.concept import CONCEPT

from .. import prose
from ..base import CallType, register
from . import evaluation, pilot, scoring, shortlist


class InnovationConcept(CallType):
    code = "innovation_concept"
    label = _("Pilotaże innowacji – etap I: nabór koncepcji")
    description = _("Nabór koncepcji innowacyjnych pilotaży realizowanych w partnerstwie międzysektorowym; "
                    "komisja wybiera koncepcje do etapu II, bez przyznawania dotacji.")
    explanation = prose.load(Path(__file__).with_name("concept_explanation.toml"))
    takes_offers = False
    replaces_criteria = True

    params_model = shortlist.ConceptCallParams
    criteria_presets = shortlist.CRITERIA

    def ready_for_evaluation(self, session, contest):
        return shortlist.ready_for_evaluation(session, contest)

    def decide(self, ctx, contest) -> None:
        shortlist.decide(ctx, contest)

    def participating_organisations(self, session, contest) -> set[int]:
        return scoring.participating_organisations(session, contest.id)

    def protocol_part(self, session, commission) -> dict:
        return scoring.protocol_part(session, commission)

    def redact_protocol(self, session, commission, user, doc: dict) -> tuple[dict, bool]:
        hidden = scoring.hidden_concepts(session, commission, user)
        return scoring.redact_protocol_part(doc, hidden, True, None), bool(hidden)

    def workflows(self) -> list:
        return [CONCEPT]


class InnovationPilot(CallType):
    code = "innovation_pilot"
    label = _("Pilotaże innowacji – etap II: konkurs na pilotaż")
    description = _("Konkurs ofert na pilotaże, otwarty dla organizacji, których koncepcje zakwalifikowano w etapie I.")
    templates = ("report_print", "report_section")
    explanation = prose.load(Path(__file__).with_name("pilot_explanation.toml"))
    report_section_label = _("Ocena pilotażu")

    params_model = pilot.PilotParams
    criteria_presets = pilot.CRITERIA

    def extra_publish_problems(self, contest) -> list:
        return super().extra_publish_problems(contest) + pilot.publish_problems(contest)

    def may_apply(self, session, contest, organisation_id: int):
        return pilot.may_apply(session, contest, organisation_id)

    @property
    def report_model(self):
        return evaluation.PilotEvaluation

    def extra_report_problems(self, report) -> list:
        return evaluation.problems(report)


register(InnovationConcept())
register(InnovationPilot())
