"""Commission (DOMAIN.md §4): forming → declarations → scoring → closed → approved.
R-COM-NGO, R-COM-IMPARTIAL, R-SCORE, R-REVIEW."""
from __future__ import annotations

from typing import Literal


from grants.commissions.composition import composition_problems, refresh_exclusions
from grants.commissions.protocol import freeze
from grants.core.i18n import _
from grants.core.permissions import ADMIN, COMMISSION_MEMBER, OFFICER
from grants.workflows.registry import bind
from reviewers.allocation import fill_proposal
from reviewers.declarations import missing_declarations
from reviewers.models import COMMISSION_STATES, Commission
from reviewers.scoring import missing_cards

from .base import Reason, Workflow, transition
from .payloads import OptionalReason, Payload, ReasonPayload
from .relations import officer_of_contest

STATES = COMMISSION_STATES
STAFF = (OFFICER, ADMIN)
ANYONE = (OFFICER, ADMIN, COMMISSION_MEMBER)


def is_chair(obj, actor) -> bool:
    return any(m.is_chair and m.user_id == actor.id for m in obj.members)


def chair_or_officer(obj, actor) -> bool:
    return is_chair(obj, actor) or (OFFICER in actor.role_names or ADMIN in actor.role_names) and officer_of_contest(obj, actor)


def composed(obj, ctx):
    problems = composition_problems(obj, ctx.payload.get("without_ngo_reason"), ctx.session)
    return Reason(problems[0][1], problems[0][0]) if problems else None


def contest_in_evaluation(obj, ctx):
    if obj.contest.state != "evaluation":
        return Reason(_("Komisja ocenia oferty, gdy konkurs jest na etapie oceny merytorycznej."), "R-COM-MANDATORY")
    return None


def record_without_ngo(obj, ctx):
    excluded = refresh_exclusions(ctx.session, obj)  # R-COM-NGO: nominees whose organisation submitted since
    if excluded:
        ctx.changes["excluded"] = {str(k): v for k, v in excluded.items()}
    if ctx.payload.get("without_ngo_reason"):
        obj.without_ngo_reason = ctx.payload["without_ngo_reason"]
        ctx.changes["without_ngo_reason"] = obj.without_ngo_reason


def all_declared(obj, ctx):
    missing = missing_declarations(ctx.session, obj)
    if missing:
        return Reason(_("Nie wszyscy członkowie złożyli oświadczenia o bezstronności (brakuje %(n)s).", n=len(missing)),
                      "R-COM-IMPARTIAL")
    return None


def cards_complete_or_reason(obj, ctx):
    missing = missing_cards(ctx.session, obj)
    if missing and not (ctx.payload.get("reason") or "").strip():
        return Reason(_("Brakujące karty oceny: %(n)s. Zamknięcie oceny mimo braków wymaga uzasadnienia.", n=len(missing)),
                      "R-SCORE")
    return None


def record_close(obj, ctx):
    fill_proposal(ctx.session, obj)
    missing = missing_cards(ctx.session, obj)
    if missing:
        obj.close_reason = ctx.payload.get("reason")
        ctx.changes["missing_cards"] = len(missing)
        ctx.changes["close_reason"] = obj.close_reason


def record_reopen(obj, ctx):
    obj.protocol = None
    ctx.changes["reopen_reason"] = ctx.payload["reason"]


def freeze_protocol(obj, ctx):
    freeze(ctx.session, obj, ctx.now)
    ctx.changes["protocol_sha256"] = obj.protocol_hash


class OpenPayload(Payload):
    without_ngo_reason: Literal["none_nominated", "none_take_part", "all_excluded"] | None = None


COMMISSION = Workflow(
    name="commission", object_type="commission", states=STATES, initial="forming",
    transitions=[
        transition("open_declarations", "forming", "declarations", _("Otwórz składanie oświadczeń"), roles=STAFF,
                   relation=officer_of_contest, payload=OpenPayload, guards=(contest_in_evaluation, composed),
                   effects=(record_without_ngo,), rule="R-COM-NGO"),
        transition("start_scoring", "declarations", "scoring", _("Rozpocznij ocenę"), roles=ANYONE,
                   relation=chair_or_officer, guards=(all_declared,), rule="R-COM-IMPARTIAL"),
        transition("close_scoring", "scoring", "closed", _("Zamknij ocenę"), roles=ANYONE, relation=is_chair,
                   payload=OptionalReason, guards=(cards_complete_or_reason,), effects=(record_close,), rule="R-SCORE"),
        transition("reopen", "closed", "scoring", _("Wznów ocenę"), roles=ANYONE, relation=chair_or_officer,
                   payload=ReasonPayload, effects=(record_reopen,)),
        transition("approve_protocol", "closed", "approved", _("Zatwierdź protokół"), roles=ANYONE, relation=is_chair,
                   effects=(freeze_protocol,), rule="R-REVIEW"),
    ],
)

bind(Commission, COMMISSION)
