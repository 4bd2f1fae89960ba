"""Who is told of what: one table per workflow, transition name -> what each audience is told.

Every transition of every workflow has an entry (tests/notifications/test_rules.py walks the
engine's registry); NOBODY is an explicit "nobody is told". The actor is never told of their own
act. `only_from` limits an entry to transitions from some states (a draft withdrawn concerns no one)."""
from __future__ import annotations

from dataclasses import dataclass

from .audiences import (AUTHOR, COMMISSION, CONSULTATION_AUTHORS, CONTEST_APPLICANTS, DISCUSSION, FINANCE_STAFF,
                        NOBODY, OFFICERS, ORGANISATION, PUBLIC, RESPONDER, SUBSCRIBERS)


@dataclass(frozen=True)
class Tell:
    kind: str | None  # None with NOBODY
    audience: str
    only_from: tuple[str, ...] = ()
    mail: bool = True  # False: in the inbox only (the area sends its own letter, e.g. the art. 12 outcome)


def tell(kind: str, *audiences: str, only_from: tuple[str, ...] = (), mail: bool = True) -> tuple[Tell, ...]:
    return tuple(Tell(kind, a, only_from, mail) for a in audiences)


NOBODY_TOLD = (Tell(None, NOBODY),)

OFFER = {
    "submit": tell("offer_received", ORGANISATION) + tell("offer_new", OFFICERS),
    "accept_formally": tell("offer_formally_accepted", ORGANISATION),
    "request_correction": tell("offer_correction_requested", ORGANISATION),
    "reject_formally": tell("offer_formally_rejected", ORGANISATION),
    "resubmit": tell("offer_correction_received", OFFICERS),
    "reject_uncorrected": tell("offer_formally_rejected", ORGANISATION),
    "select": tell("offer_selected", ORGANISATION),
    "not_select": tell("offer_not_selected", ORGANISATION),
    "confirm": tell("offer_ready_for_agreement", ORGANISATION),
    "require_update": tell("offer_update_required", ORGANISATION),
    "submit_update": tell("offer_update_received", OFFICERS),
    "decline": tell("offer_declined", OFFICERS),
    "withdraw": tell("offer_withdrawn", OFFICERS, only_from=("submitted", "needs_correction", "eligible")),
}

CONTEST = {
    "prepare": NOBODY_TOLD,
    "publish": tell("contest_published", PUBLIC, SUBSCRIBERS),
    "close": tell("contest_closed", OFFICERS),
    "start_formal_review": NOBODY_TOLD,
    "start_evaluation": NOBODY_TOLD,  # the commission's own transitions tell its members
    "decide": NOBODY_TOLD,  # each offer's select / not_select tells its organisation
    "conclude": NOBODY_TOLD,
    "cancel": tell("contest_cancelled", CONTEST_APPLICANTS),
}

COMMISSION_RULES = {
    "open_declarations": tell("commission_declarations", COMMISSION),
    "start_scoring": tell("commission_scoring", COMMISSION),
    "close_scoring": tell("commission_closed", OFFICERS, COMMISSION),
    "reopen": tell("commission_reopened", COMMISSION),
    "approve_protocol": tell("commission_approved", OFFICERS, COMMISSION),
}

DIRECTION = {
    "submit": tell("direction_submitted", OFFICERS, SUBSCRIBERS),
    "start_review": NOBODY_TOLD,
    "accept": tell("direction_answered", AUTHOR),
    "reject": tell("direction_answered", AUTHOR),
    "merge": tell("direction_answered", AUTHOR),
    "withdraw": tell("direction_withdrawn", OFFICERS, only_from=("submitted", "under_review")),
}

CONSULTATION = {
    "open": tell("consultation_opened", PUBLIC, SUBSCRIBERS),
    "close": tell("consultation_closed", OFFICERS),
    "close_early": NOBODY_TOLD,
    "publish_report": tell("consultation_reported", CONSULTATION_AUTHORS),
}

INITIATIVE = {  # the outcome letter itself is grants/initiatives/outcome.py's mail (R-ART12-MONTH)
    "start_assessment": tell("initiative_assessment", ORGANISATION, mail=False),
    "deem_expedient": tell("initiative_decided", ORGANISATION, mail=False),
    "deem_not_expedient": tell("initiative_decided", ORGANISATION, mail=False),
    "withdraw": tell("initiative_withdrawn", OFFICERS),
}

SMALL_GRANT = {
    "publish": tell("small_grant_published", ORGANISATION, SUBSCRIBERS),
    "close_comments": tell("small_grant_comments_closed", OFFICERS),
    "award": tell("small_grant_awarded", ORGANISATION),
    "refuse": tell("small_grant_refused", ORGANISATION),
    "withdraw": tell("small_grant_withdrawn", OFFICERS),
}

CONCEPT = {
    "submit": tell("concept_submitted", OFFICERS),
    "withdraw": tell("concept_withdrawn", OFFICERS, only_from=("submitted",)),
    "shortlist": tell("concept_decided", ORGANISATION),
    "not_shortlist": tell("concept_decided", ORGANISATION),
}

AGREEMENT = {
    "sign": tell("agreement_signed", ORGANISATION),
    "start": NOBODY_TOLD,
    "finish": tell("agreement_reporting", ORGANISATION),
    "begin_settlement": tell("agreement_settling", ORGANISATION),
    "close": tell("agreement_closed", ORGANISATION),
    "terminate": tell("agreement_terminated", ORGANISATION),
}

TRANCHE = {
    "become_due": tell("tranche_due", FINANCE_STAFF),
    "release": tell("tranche_due", FINANCE_STAFF),
    "pay": tell("tranche_paid", ORGANISATION),
    "withhold": tell("tranche_withheld", ORGANISATION),
    "resume": tell("tranche_due", FINANCE_STAFF),
}

REPORT = {
    "submit": tell("report_submitted", OFFICERS),
    "start_review": NOBODY_TOLD,
    "request_correction": tell("report_correction_requested", ORGANISATION),
    "resubmit": tell("report_submitted", OFFICERS),
    "accept": tell("report_accepted", ORGANISATION),
    "reject": tell("report_rejected", ORGANISATION),
}

SETTLEMENT = {
    "calculate": NOBODY_TOLD,
    "request_return": tell("settlement_return_demanded", ORGANISATION),
    "mark_returned": tell("settlement_return_booked", ORGANISATION, OFFICERS),
    "close": tell("settlement_closed", ORGANISATION),
}

# issue 17: education (R-CAPACITY), mutual services, partnerships with business
EDUCATION_EVENT = {
    "publish": tell("event_published", PUBLIC),
    "mark_held": NOBODY_TOLD,
    "cancel": NOBODY_TOLD,  # the effect tells those registered (grants.workflows.education)
}

EVENT_REGISTRATION = {
    "cancel": NOBODY_TOLD,  # the one moved up from the waiting list is told (grants.education.waitlist)
    "leave_waitlist": NOBODY_TOLD,
    "mark_attended": NOBODY_TOLD,
    "mark_absent": NOBODY_TOLD,
}

CONSULTATION_SLOT = {
    "book": tell("slot_booked", AUTHOR, ORGANISATION),
    "cancel_booking": NOBODY_TOLD,  # the effect tells the organisation and the host
    "mark_held": NOBODY_TOLD,
    "withdraw": NOBODY_TOLD,
}

SERVICE_LISTING = {"pause": NOBODY_TOLD, "resume": NOBODY_TOLD, "close": NOBODY_TOLD}

SERVICE_EXCHANGE = {  # ORGANISATION: the listing's; AUTHOR: who answered (or the broker who suggested)
    "accept_suggestion": tell("service_answered", ORGANISATION),
    "confirm": tell("service_agreed", AUTHOR, RESPONDER),
    "decline": NOBODY_TOLD,
    "cancel": NOBODY_TOLD,
    "complete": tell("service_completed", ORGANISATION, RESPONDER),
    "rate": NOBODY_TOLD,
}

PARTNERSHIP_OFFER = {"publish": NOBODY_TOLD, "pause": tell("partnership_paused", ORGANISATION),
                     "archive": NOBODY_TOLD}

PARTNERSHIP_INTEREST = {  # AUTHOR: the business participant; ORGANISATION: the offering one
    "answer": tell("partnership_answered", AUTHOR),
    "org_consent": tell("partnership_consent", AUTHOR),
    "org_consent_too": tell("partnership_connected", AUTHOR),
    "business_consent": tell("partnership_consent", ORGANISATION),
    "business_consent_too": tell("partnership_connected", ORGANISATION),
    "mark_started": NOBODY_TOLD,
    "decline": tell("partnership_answered", AUTHOR),
    "withdraw": NOBODY_TOLD,
}

#: workflow name -> its table
RULES: dict[str, dict[str, tuple[Tell, ...]]] = {
    "offer": OFFER, "contest": CONTEST, "commission": COMMISSION_RULES, "direction": DIRECTION,
    "consultation": CONSULTATION, "initiative": INITIATIVE, "small_grant": SMALL_GRANT, "concept": CONCEPT,
    "agreement": AGREEMENT, "tranche": TRANCHE, "report": REPORT, "settlement": SETTLEMENT,
    "education_event": EDUCATION_EVENT, "event_registration": EVENT_REGISTRATION,
    "consultation_slot": CONSULTATION_SLOT, "service_listing": SERVICE_LISTING,
    "service_exchange": SERVICE_EXCHANGE, "partnership_offer": PARTNERSHIP_OFFER,
    "partnership_interest": PARTNERSHIP_INTEREST,
}


#: changes that are not transitions, by the outbox topic written with the change (`<workflow>.<action>`
#: of grants.workflows.base.record_change, or the area's own): a worker tells the audiences, once per
#: person and change (a member added later is told of their own appointment only)
CHANGES: dict[str, tuple[Tell, ...]] = {
    "commission.add_member": tell("commission_appointed", COMMISSION),
    "initiative.submit": tell("initiative_received", OFFICERS),
    "direction.comment": tell("comment_reply", AUTHOR, DISCUSSION),
}


def for_transition(workflow: str, transition: str) -> tuple[Tell, ...] | None:
    """The entry, or None when the transition has none (a gap the rules test refuses)."""
    return RULES.get(workflow, {}).get(transition)
