"""What a notification says about its object: plain values (formatted per reader when shown),
and where the object's page is."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal


def _iso(value) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


def _money(value) -> str | None:
    return f"{Decimal(value):.2f}" if value is not None else None


def _revision_hash(o) -> str:
    """The newest revision's hash: every revision's freezing writes it into the receipt (no load of
    the revisions); an offer without a receipt falls back to its revisions."""
    if o.receipt and o.receipt.get("sha256"):
        return o.receipt["sha256"]
    return o.revisions[-1].content_hash if o.revisions else ""


def _offer(o):
    reason = "; ".join(o.deficiencies or []) if o.state == "needs_correction" else (o.rejection_reasons or "")
    return {"title": o.title, "number": o.number or "", "contest": o.contest.title, "amount": _money(o.awarded_grant),
            "due": _iso(o.correction_due_at or (o.contest.deadline if o.state == "draft" else None)),
            "reason": reason, "hash": _revision_hash(o)}


def _agreement_like(a, **extra):
    return {"title": a.title, "number": a.number, "amount": _money(a.grant), **extra}


def _settlement_due(s):
    dues = [ob.get("due") for ob in (s.obligations or []) if ob.get("due")]
    return max(dues) if dues else None


FACTS = {
    "offer": _offer,
    "contest": lambda c: {"title": c.title, "contest": c.title, "due": _iso(c.deadline), "reason": c.cancel_reason or ""},
    "commission": lambda c: {"title": c.contest.title, "contest": c.contest.title},
    "direction": lambda d: {"title": d.title, "contest": d.consultation.title},
    "consultation": lambda c: {"title": c.title, "contest": c.title, "due": _iso(c.ends_at)},
    "initiative": lambda i: {"title": i.title, "organisation": i.organisation.name, "due": _iso(i.assessment_due)},
    "small_grant": lambda g: {"title": g.title, "amount": _money(g.amount), "due": _iso(g.comments_close_at)},
    "concept": lambda c: {"title": c.title, "contest": c.contest.title, "number": c.number or ""},
    "agreement": lambda a: _agreement_like(a, due=_iso(a.final_report_due), reason=a.terminated_reason or ""),
    "tranche": lambda t: {**_agreement_like(t.agreement), "amount": _money(t.amount), "reason": t.withheld_reason or ""},
    "report": lambda r: _agreement_like(r.agreement, due=_iso(r.correction_due or r.due_on), reason=r.review_note or ""),
    "settlement": lambda s: _agreement_like(s.agreement, amount=_money(s.total_to_return), due=_settlement_due(s)),
    "education_event": lambda e: {"title": e.title, "due": _iso(e.starts_at)},
    "event_registration": lambda r: {"title": r.event.title, "due": _iso(r.event.starts_at)},
    "consultation_slot": lambda s: {"title": s.topic, "due": _iso(s.starts_at)},
    "service_listing": lambda s: {"title": s.title},
    "service_exchange": lambda x: {"title": x.listing.title},
    "partnership_offer": lambda o: {"title": o.title},
    "partnership_interest": lambda i: {"title": i.offer.title},
}

#: the page of each object (tranches are shown on their agreement's page)
PATHS = {
    "offer": "/offers/{id}", "contest": "/contests/{id}", "commission": "/commissions/{id}",
    "direction": "/directions/{id}", "consultation": "/consultations/{id}", "initiative": "/initiatives/{id}",
    "small_grant": "/small-grants/{id}", "concept": "/concepts/{id}", "agreement": "/agreements/{id}",
    "report": "/reports/{id}", "settlement": "/settlements/{id}",
    "education_event": "/education/events/{id}", "event_registration": "/education/registrations/{id}",
    "consultation_slot": "/education/slots/{id}", "service_listing": "/services/{id}",
    "service_exchange": "/services/exchanges/{id}", "partnership_offer": "/partnerships/{id}",
    "partnership_interest": "/partnerships/interests/{id}",
}


def facts(obj) -> dict:
    out = FACTS[obj.__workflow__.object_type](obj)
    out["state"] = obj.state
    return {k: v for k, v in out.items() if v is not None}


def link_target(obj) -> tuple[str, str]:
    """(object_type, id) of the page a notification about `obj` links to."""
    object_type = obj.__workflow__.object_type
    if object_type == "tranche":
        return "agreement", str(obj.agreement_id)
    return object_type, str(obj.id)


def path_for(object_type: str | None, object_id: str | None) -> str:
    if not object_type or object_type not in PATHS or object_id is None:
        return "/notifications/"
    return PATHS[object_type].format(id=object_id)
