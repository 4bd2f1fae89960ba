"""Stage 2 of an innovation pilot (S9): the pilot contest, linked to its concept call by
`call_params.concept_call_id`, open only to the organisations whose concepts were shortlisted.
It is published only when the link is valid (an innovation_concept call already decided)."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import object_session

from grants.contests.models import Contest
from grants.contests.operations import visible
from grants.core import db
from grants.core.i18n import _
from grants.workflows.base import Reason

from ..base import Problem, criterion
from .models import Concept

CONCEPT_CALL = "innovation_concept"
PILOT = "innovation_pilot"
DECIDED = ("decided", "concluded")


class PilotParams(BaseModel):
    """The pilot contest's own parameters. The link may be left empty while the announcement is
    prepared; publication requires it (publish_problems)."""

    model_config = {"extra": "forbid"}
    concept_call_id: int | None = Field(default=None, ge=1, le=2**31 - 1, title=str(_("Nabór koncepcji (etap I)")),
                                        description=str(_("Numer naboru koncepcji, którego zakwalifikowane organizacje "
                                                    "mogą składać oferty (widoczny w adresie strony naboru).")))


# added to the art. 15 criteria (R-EVAL-CRITERIA: "call types add criteria")
CRITERIA = [
    criterion("novelty", "Nowatorstwo rozwiązania: czego dotąd nie sprawdzono w Krakowie", 10),
    criterion("cross_sector", "Wartość partnerstwa międzysektorowego (rola partnerów spoza sektora pozarządowego)", 10),
    criterion("scalability", "Możliwość upowszechnienia i zastosowania rozwiązania na większą skalę", 5),
    criterion("learning", "Sposób uczenia się na ryzyku i niepowodzeniu (punkty kontrolne, wnioski)", 5),
]
CRITERIA_CODES = tuple(c["code"] for c in CRITERIA)


def concept_call_id(contest) -> int | None:
    raw = (contest.call_params or {}).get("concept_call_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _session(contest):
    s = object_session(contest)
    if s is None:
        s = db.session()
    return s


def concept_call(session, contest):
    """The linked concept call (any call type: check it), or None when the link is empty or dangling."""
    cid = concept_call_id(contest)
    if cid is None or not 0 < cid < 2**31:
        return None
    return session.get(Contest, cid)


def publish_problems(contest) -> list[Problem]:
    """The link must name an existing concept call that is decided and shortlisted someone."""
    field = "call_params.concept_call_id"
    cid = concept_call_id(contest)
    if cid is None:
        return [Problem(field, _("Wskaż nabór koncepcji (etap I), z którym ten konkurs na pilotaż jest powiązany."))]
    session = _session(contest)
    linked = concept_call(session, contest)
    if linked is None:
        return [Problem(field, _("Nie ma naboru koncepcji o numerze %(id)s.", id=cid))]
    if linked.call_type != CONCEPT_CALL:
        return [Problem(field, _("Wskazany konkurs „%(t)s” nie jest naborem koncepcji (etap I pilotażu innowacji).",
                                 t=linked.title))]
    if linked.state not in DECIDED:
        return [Problem(field, _("Nabór koncepcji „%(t)s” nie jest jeszcze rozstrzygnięty: konkurs na pilotaż "
                                 "ogłasza się po wyborze koncepcji do etapu II.", t=linked.title))]
    if session.scalar(select(Concept.id).where(Concept.contest_id == linked.id, Concept.state == "shortlisted")
                      .limit(1)) is None:
        return [Problem(field, _("W naborze koncepcji „%(t)s” żadnej koncepcji nie zakwalifikowano do etapu II: "
                                 "nikt nie mógłby złożyć oferty.", t=linked.title))]
    return []


def may_apply(session, contest, organisation_id: int) -> Reason | None:
    """Only an organisation with a shortlisted concept in the linked concept call may start an offer."""
    linked = concept_call(session, contest)
    if linked is None or linked.call_type != CONCEPT_CALL:
        return Reason(_("Ten konkurs na pilotaż nie jest powiązany z naborem koncepcji, więc nikt nie może "
                        "jeszcze złożyć oferty."))
    found = session.scalar(select(Concept.id).where(Concept.contest_id == linked.id,
                                                    Concept.organisation_id == organisation_id,
                                                    Concept.state == "shortlisted").limit(1))
    if found is None:
        return Reason(_("Ofertę w konkursie na pilotaż może złożyć tylko organizacja, której koncepcję "
                        "zakwalifikowano do etapu II w naborze koncepcji „%(t)s”. Ta organizacja nie ma takiej "
                        "koncepcji.", t=linked.title))
    return None


def pilot_contests(session, concept_call_contest, user) -> list:
    """The stage-2 contests that name this concept call, as far as this user may see them."""
    rows = session.scalars(visible(select(Contest).where(Contest.call_type == PILOT), user).order_by(Contest.id))
    return [c for c in rows if concept_call_id(c) == concept_call_contest.id]
