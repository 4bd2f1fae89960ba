"""The only place that changes offers. Transitions go through the workflow engine."""
from __future__ import annotations

import functools

from pydantic import ValidationError
from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from grants.calltypes import get as get_call_type
from grants.contests.models import Contest, grantor_contests
from grants.core.errors import FieldErrors
from grants.core import clock
from grants.core import validation_messages
from grants.core.i18n import _
from grants.core.permissions import (
    ADMIN,
    APPLICANT,
    OFFICER,
    PermissionDenied,
    has_role,
)
from grants.registry.models import Organisation
from grants.workflows.base import apply_transition, record_change
from grants.workflows.errors import GuardRefused, NotEditable, stale
from grants.workflows.offer import OFFER, member_of_applicant, officer_of_contest

from . import content as content_mod
from .models import Offer, OfferPartner

EDITABLE_STATES = ("draft", "needs_correction", "update_required")


class OfferError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def visible(q, user):
    """An organisation sees its own offers (and those it partners in); officers of the contest's
    department and admins see those ever submitted; nobody sees another organisation's draft, also
    not one withdrawn before it was submitted (its state is no longer draft, its content still is)."""
    if user is None:
        return q.where(False)
    orgs = tuple(sorted(getattr(user, "organisation_ids", ())))
    if has_role(user, ADMIN):
        conds = [*_own(orgs), Offer.submitted_at.is_not(None) & Offer.contest_id.in_(grantor_contests(user))]
        return q.where(or_(*conds))
    dept = user.department_id if has_role(user, OFFICER) else None
    return q.where(_condition(orgs, dept))


# not correlated with the outer query's offers; one alias of the table for every caller: an ORM alias
# made per caller cost about a millisecond of CPU the first time its statement ran in a process
_MINE = Offer.__table__.alias("own_offers")


def _own(orgs: tuple[int, ...]) -> list:
    if not orgs:
        return []
    # one IN over a UNION: both halves through their indexes (organisation_id, the partners'),
    # then the offers by key; `organisation_id IN … OR id IN (…)` read every offer (issue 20)
    own = select(_MINE.c.id).where(_MINE.c.organisation_id.in_(orgs))
    partnered = select(OfferPartner.offer_id).where(OfferPartner.organisation_id.in_(orgs))
    return [Offer.id.in_(own.union(partnered))]


@functools.lru_cache(maxsize=4096)
def _condition(orgs: tuple[int, ...], department_id: int | None):
    """The rule for a member of `orgs` (and officer of the department), built once per such caller:
    building it cost more CPU than the query it filters (an offer's submission, issue 20)."""
    conds = _own(orgs)
    if department_id is not None:
        submitted = Offer.submitted_at.is_not(None)  # set at the first submission, never cleared
        conds.append(submitted & Offer.contest_id.in_(select(Contest.id).where(Contest.department_id == department_id)))
    return or_(*conds) if conds else false()


def _check_member(actor, offer: Offer) -> None:
    if not has_role(actor, APPLICANT) or not member_of_applicant(offer, actor):
        raise PermissionDenied(_("Tylko członkowie organizacji składającej ofertę mogą ją edytować."))


def create(session: Session, actor, contest, organisation_id: int, at=None) -> Offer:
    """A new draft; `at` is when the request arrived (the clock by default)."""
    at = at or clock.now()
    if not has_role(actor, APPLICANT) or organisation_id not in actor.organisation_ids:
        raise PermissionDenied(_("Ofertę składa członek organizacji, w której imieniu działa."))
    if contest.state != "published" or contest.deadline is None or at > contest.deadline:
        raise NotEditable(_("Nabór ofert w tym konkursie nie trwa."))
    ct = get_call_type(contest.call_type)
    if not ct.takes_offers:
        raise NotEditable(_("W tym naborze nie składa się ofert (zobacz ogłoszenie)."))
    reason = ct.may_apply(session, contest, organisation_id)
    if reason is not None:
        raise GuardRefused(reason)
    org = session.get(Organisation, organisation_id)
    content = content_mod.empty()
    content["basic"]["task_type"] = contest.task_type[:500]
    content["applicant"]["address"] = org.address if org else ""
    content["applicant"]["contact_email"] = getattr(actor, "email", "")
    content["applicant"]["contact_person"] = getattr(actor, "full_name", "")
    try:  # the type's section starts from its defaults (a draft may be incomplete)
        content["call"] = ct.parse_offer_section({})
    except (ValidationError, ValueError):
        content["call"] = {}
    offer = Offer(contest_id=contest.id, organisation_id=organisation_id, state=OFFER.initial, version=1,
                  content=content, title="", revision_count=0, formal_checks={}, created_by_id=actor.id,
                  created_at=at)
    session.add(offer)
    session.flush()
    record_change(session, offer, "create", actor, {"contest_id": contest.id, "organisation_id": organisation_id},
                  at=at)
    return offer


def check_editable(actor, offer: Offer, expected_version: int | None = None) -> None:
    _check_member(actor, offer)
    if offer.state not in EDITABLE_STATES:
        raise NotEditable(_("Złożonej oferty nie można zmieniać; zmiany są możliwe po wezwaniu do uzupełnienia."))
    if expected_version is not None and expected_version != offer.version:
        raise stale(offer.version)


def parse_sections(sections: dict, call_type: str = "standard", grammar: str = "json") -> dict:
    """Validates the given sections' format; returns them as stored JSON. Raises OfferError.
    The "call" section belongs to the contest's call type, which validates it. Numbers are read in
    `grammar` (grants.core.numbers): "json" for the API, "typed" ("1 250,50") for what a form posted."""
    ct = get_call_type(call_type)
    unknown = [k for k in sections if k not in content_mod.SECTIONS
               or (k == "call" and ct.offer_model is None and sections[k])]  # {} is "nothing", as a dump gives
    if unknown:
        raise OfferError([{"field": k, "message": str(_("Nieznana część oferty."))} for k in unknown])
    statutory = {k: v for k, v in sections.items() if k != "call"}
    try:
        parsed = content_mod.Content.model_validate(statutory, context={"grammar": grammar})
    except ValidationError as e:
        raise OfferError(validation_messages.errors_of(e)) from None
    dumped = parsed.model_dump(mode="json")
    out = {k: dumped[k] for k in statutory}
    if "call" in sections:
        if not isinstance(sections["call"], dict):
            raise OfferError([{"field": "call", "message": str(_("Ta część oferty ma postać obiektu."))}])
        try:
            out["call"] = ct.parse_offer_section(sections["call"], grammar)
        except ValidationError as e:
            raise OfferError(validation_messages.errors_of(e, ["call"])) from None
    return out


def save_sections(session: Session, offer: Offer, actor, sections: dict, expected_version: int | None = None,
                  grammar: str = "json", at=None) -> Offer:
    """Saves a draft section by section; nothing is lost when leaving and coming back."""
    check_editable(actor, offer, expected_version)
    parsed = parse_sections(sections, offer.contest.call_type, grammar)
    merged = dict(offer.content or content_mod.empty())
    changed = [k for k, v in parsed.items() if merged.get(k) != v]
    if not changed:
        return offer
    merged.update(parsed)
    offer.content = merged
    offer.title = merged.get("task", {}).get("title", "") or offer.title
    offer.updated_at = at or clock.now()
    session.flush()
    record_change(session, offer, "save", actor, {"sections": changed}, at=at)
    return offer


def set_partners(session: Session, offer: Offer, actor, organisation_ids: list[int],
                 expected_version: int | None = None) -> Offer:
    """R-OFF-JOINT: partners of a joint offer come from the registry."""
    check_editable(actor, offer, expected_version)
    ids = list(dict.fromkeys(int(i) for i in organisation_ids))
    if offer.organisation_id in ids:
        raise OfferError([{"field": "partners", "message": str(_("Oferent wiodący nie może być swoim partnerem."))}])
    found = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(ids)))) if ids else set()
    missing = [i for i in ids if i not in found]
    if missing:
        raise OfferError([{"field": "partners", "message": str(_("Nie ma w rejestrze organizacji o id %(ids)s.",
                                                                  ids=", ".join(map(str, missing))))}])
    before = offer.partner_ids
    if before == ids:
        return offer
    offer.partners = [OfferPartner(organisation_id=i) for i in ids]
    offer.updated_at = clock.now()
    session.flush()
    record_change(session, offer, "partners", actor, {"partners": [before, ids]})
    return offer


def set_formal_checks(session: Session, offer: Offer, actor, checks: dict[str, bool], expected_version=None,
                      at=None) -> Offer:
    """The officer works through the contest's formal checklist; `at` is when (the clock by default)."""
    if not has_role(actor, OFFICER, ADMIN) or not officer_of_contest(offer, actor):
        raise PermissionDenied()
    if offer.state != "submitted" or offer.contest.state != "formal_review":
        raise NotEditable(_("Listę kontrolną wypełnia się dla złożonej oferty w trakcie oceny formalnej."))
    if expected_version is not None and expected_version != offer.version:
        raise stale(offer.version)
    codes = {c["code"] for c in offer.contest.formal_checklist or []}
    unknown = [k for k in checks if k not in codes]
    if unknown:
        raise OfferError([{"field": f"checks.{k}", "message": str(_("Nieznany punkt listy kontrolnej."))} for k in unknown])
    new = dict(offer.formal_checks or {})
    new.update({k: bool(v) for k, v in checks.items()})
    if new != offer.formal_checks:
        changes = {"formal_checks": [offer.formal_checks, new]}
        offer.formal_checks = new
        session.flush()
        record_change(session, offer, "formal_checks", actor, changes, at=at)
    return offer


def transition(session: Session, offer: Offer, name: str, actor, payload=None, expected_version=None,
               received_at=None):
    return apply_transition(session, offer, name, actor, payload, expected_version, received_at=received_at)
