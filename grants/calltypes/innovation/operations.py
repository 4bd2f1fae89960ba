"""The only place that changes concepts (stage 1 of an innovation pilot). Transitions go through
the workflow engine (grants/workflows/concept.py); edits of a draft are audited with record_change."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from grants.contests.models import Contest, grantor_contests
from grants.core import clock
from grants.core.errors import FieldErrors
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, PermissionDenied, has_role
from grants.workflows.base import apply_transition, record_change
from grants.workflows.concept import CONCEPT
from grants.workflows.relations import member_of_applicant
from grants.workflows.errors import NotEditable, stale
from reviewers.models import Commission, CommissionMember

from . import concepts as cm
from .models import Concept

CONCEPT_CALL = "innovation_concept"
EDITABLE_STATES = ("draft",)
# what a commission reads: submitted once, not withdrawn
SUBMITTED_STATES = ("submitted", "shortlisted", "not_shortlisted")


class ConceptError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def visible(q, user):
    """An organisation's members see its concepts; officers of the call's department and admins see
    the concepts ever submitted; active members of the call's commission see the submitted ones once
    the commission is past forming. Nobody sees another organisation's draft (also not one withdrawn
    before it was submitted: its state is no longer draft, its content still is)."""
    if user is None:
        return q.where(False)
    conds = []
    orgs = list(getattr(user, "organisation_ids", ()))
    if orgs:
        conds.append(Concept.organisation_id.in_(orgs))
    submitted = Concept.submitted_at.is_not(None)  # set at submission, never cleared
    if has_role(user, ADMIN):
        conds.append(submitted & Concept.contest_id.in_(grantor_contests(user)))
    elif has_role(user, OFFICER) and user.department_id is not None:
        conds.append(submitted & Concept.contest_id.in_(
            select(Contest.id).where(Contest.department_id == user.department_id)))
    sitting = (select(Commission.contest_id).join(CommissionMember, CommissionMember.commission_id == Commission.id)
               .where(CommissionMember.user_id == user.id, CommissionMember.excluded_reason.is_(None),
                      CommissionMember.declined.is_(False), Commission.state != "forming"))
    conds.append(Concept.state.in_(SUBMITTED_STATES) & Concept.contest_id.in_(sitting))
    return q.where(or_(*conds))


def call_open(contest, at) -> bool:
    return contest.state == "published" and contest.deadline is not None and at <= contest.deadline


def check_may_create(actor, contest, organisation_id: int, at=None) -> None:
    """Who may start a concept: a member of the organisation, in a concept call still taking them."""
    if not has_role(actor, APPLICANT) or organisation_id not in getattr(actor, "organisation_ids", ()):
        raise PermissionDenied(_("Koncepcję składa członek organizacji, w której imieniu działa."))
    if contest.call_type != CONCEPT_CALL:
        raise ConceptError([{"field": "contest_id", "message": str(
            _("Koncepcje składa się w naborze koncepcji (etap I pilotażu innowacji), nie w tym konkursie."))}])
    if not call_open(contest, at or clock.now()):
        raise NotEditable(_("Nabór koncepcji nie trwa: koncepcje przyjmuje się od ogłoszenia do terminu naboru."))


def _parse(values: dict, grammar: str = "json") -> cm.ConceptContent:
    try:
        return cm.parse(values, grammar)
    except cm.ConceptFormatError as e:
        raise ConceptError(e.errors) from None


def create(session: Session, actor, contest, organisation_id: int, values: dict | None = None, at=None) -> Concept:
    """A new draft, possibly with its first fields; `at` is when the request arrived."""
    at = at or clock.now()
    check_may_create(actor, contest, organisation_id, at)
    title, content = cm.split(_parse(values or {}))
    c = Concept(contest_id=contest.id, organisation_id=organisation_id, state=CONCEPT.initial, version=1,
                title=title, content=content, created_by_id=actor.id, created_at=at)
    c.contest = contest
    session.add(c)
    session.flush()
    record_change(session, c, "create", actor, {"contest_id": contest.id, "organisation_id": organisation_id,
                                                "fields": sorted(k for k in (values or {}) if k in cm.FIELDS)})
    return c


def check_editable(actor, concept: Concept, expected_version: int | None = None) -> None:
    """403 for anyone but the organisation's members, then 409 when not a draft or stale."""
    if not has_role(actor, APPLICANT) or not member_of_applicant(concept, actor):
        raise PermissionDenied(_("Koncepcję zmieniają tylko członkowie organizacji, która ją składa."))
    if concept.state not in EDITABLE_STATES:
        raise NotEditable(_("Złożonej koncepcji nie można zmieniać."))
    if expected_version is not None and expected_version != concept.version:
        raise stale(concept.version)


def save(session: Session, concept: Concept, actor, values: dict, expected_version: int | None = None,
         grammar: str = "json") -> Concept:
    """Saves the given fields of a draft (the others stay); a format error changes nothing."""
    check_editable(actor, concept, expected_version)
    if not isinstance(values, dict):
        raise ConceptError([{"field": "body", "message": str(_("Podaj koncepcję jako obiekt z polami."))}])
    unknown = [k for k in values if k not in cm.FIELDS]
    if unknown:
        raise ConceptError([{"field": str(k), "message": str(_("Nieznane pole."))} for k in unknown])
    before = cm.stored(concept)
    title, content = cm.split(_parse({**before, **values}, grammar))
    after = {"title": title, **content}
    changed = sorted(k for k in cm.FIELDS if before.get(k) != after.get(k))
    if not changed:
        return concept
    concept.title = title
    concept.content = content
    concept.updated_at = clock.now()
    session.flush()
    record_change(session, concept, "save", actor, {"fields": changed})
    return concept


def transition(session: Session, concept: Concept, name: str, actor, payload=None, expected_version=None,
               received_at=None, commit: bool = True):
    """submit (counts when received: `received_at`), withdraw, shortlist, not_shortlist."""
    return apply_transition(session, concept, name, actor, payload, expected_version, received_at=received_at,
                            commit=commit)


def of_call(session: Session, contest_id: int, user, states: tuple[str, ...] | None = None) -> list[Concept]:
    """The concepts of a call this user may see (with their organisations), in the order they came."""
    q = visible(select(Concept).where(Concept.contest_id == contest_id), user)
    if states is not None:
        q = q.where(Concept.state.in_(states))
    return list(session.scalars(q.options(selectinload(Concept.organisation)).order_by(Concept.id)))


def shortlisted(session: Session, contest_id: int) -> list[Concept]:
    """The public result of a decided concept call: the shortlisted concepts (title and organisation)."""
    return list(session.scalars(select(Concept).where(Concept.contest_id == contest_id, Concept.state == "shortlisted")
                                .options(selectinload(Concept.organisation)).order_by(Concept.title, Concept.id)))
