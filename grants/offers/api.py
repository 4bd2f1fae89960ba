"""/api/v1/offers on the generic endpoints, plus its parts: cost lines, formal checks, revisions."""
from __future__ import annotations

from flask import request
from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.api import auth
from grants.api.declare import IF_MATCH, api_route
from grants.api.areas import SubmissionItem
from grants.api.collections import Collection, _expected_version, _json, _object, body_id, full, register
from grants.api.problems import ApiProblem, invalid
from grants.api.validation import Id, raw_json, validate
from grants.contests.models import Contest
from grants.contests.operations import visible as contest_visible
from grants.core import canonical, db
from grants.core.i18n import _
from grants.core.permissions import (
    ADMIN,
    APPLICANT,
    OFFICER,
    PermissionDenied,
    has_role,
)

from . import content as cm
from . import operations as ops
from .models import Offer
from .validation import problems_for


class OfferCreate(BaseModel):
    model_config = {"extra": "forbid"}
    contest_id: Id
    organisation_id: Id


class OfferPatch(BaseModel):
    model_config = {"extra": "forbid"}
    basic: cm.Basic | None = None
    applicant: cm.Applicant | None = None
    task: cm.Task | None = None
    profile: cm.Profile | None = None
    costs: list[cm.CostLine] | None = Field(default=None, max_length=300)
    sources: cm.Sources | None = None
    other: cm.Other | None = None
    declarations: cm.Declarations | None = None
    call: dict | None = None  # the call type's own section, checked by its module
    partners: list[str] | None = Field(default=None, max_length=20)


class OfferItem(SubmissionItem):
    requested_grant: str | None
    total_cost: str | None
    submitted_at: str | None
    awarded_grant: str | None = Field(default=None, description="the authority's decision (R-RESULTS), money string; "
                                      "null until decided. An update (R-UPDATE) must match it")


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(o: Offer, user) -> dict:
    return {"id": str(o.id), "state": o.state, "version": o.version, "contest_id": str(o.contest_id),
            "organisation_id": str(o.organisation_id), "number": o.number, "title": o.title,
            "requested_grant": _s(o.requested_grant), "total_cost": _s(o.total_cost),
            "submitted_at": _s(o.submitted_at), "awarded_grant": _s(o.awarded_grant)}


def serialize_full(o: Offer, user) -> dict:
    body = serialize(o, user)
    body.update({"content": o.content, "partners": [str(i) for i in o.partner_ids], "receipt": o.receipt,
                 "revision_count": o.revision_count, "correction_due_at": _s(o.correction_due_at),
                 "deficiencies": o.deficiencies, "rejection_reasons": o.rejection_reasons,
                 "formal_checks": o.formal_checks})
    if o.state in ops.EDITABLE_STATES:
        body["problems"] = [{"field": p.field, "rule": p.rule, "message": p.text}
                            for p in problems_for(db.session(), o)]
    return body


_id = body_id


def _create(session, user, data: OfferCreate):
    contest = session.scalar(contest_visible(select(Contest).where(Contest.id == _id(data.contest_id, "contest_id")), user))
    if contest is None:
        raise invalid([{"field": "contest_id", "message": "no such contest"}])
    return ops.create(session, user, contest, _id(data.organisation_id, "organisation_id"))


def _patch(session, obj, user, validated, expected_version):
    ops.check_editable(user, obj, expected_version)
    data = validated()
    sections = data.model_dump(mode="json", exclude_unset=True, exclude={"partners"})
    if data.partners is not None:
        ops.set_partners(session, obj, user, [_id(p, "partners") for p in data.partners], expected_version)
    if sections:
        ops.save_sections(session, obj, user, sections, expected_version)
    return obj


def _may_create(user):
    """Only applicants act for organisations: anyone else is refused before the body is read
    (403 precedes 400/422); the organisation itself is checked by operations.create."""
    if not has_role(user, APPLICANT):
        return _("Ofertę składa członek organizacji, w której imieniu działa.")
    return None


def _visible(q, user):
    return ops.visible(q, user)


COLLECTION = register(Collection(
    name="offers", model=Offer, serialize=serialize, serialize_full=serialize_full, visible=_visible, public=False,
    item_schema=OfferItem, create_schema=OfferCreate, create=_create, may_create=_may_create,
    patch_schema=OfferPatch, patch=_patch,
    summary="Offers on the statutory template: drafts, submission (R-OFF-DEADLINE, R-OFF-RECEIPT), formal review",
))


# ---- parts as sub-resources

class CostLines(BaseModel):
    model_config = {"extra": "forbid"}
    line: cm.CostLine


class CostLinesPage(BaseModel):
    items: list[dict]
    total: int


class CostLineAdded(BaseModel):
    index: int
    line: dict


class Revision(BaseModel):
    number: int
    kind: str
    received_at: str | None
    sha256: str | None
    content: dict | None


class RevisionsPage(BaseModel):
    items: list[Revision]
    total: int


READERS = ("those who see the offer: the organisation's members, officers of the contest's department, "
           "administrators")
EDITORS = "the organisation's members while the offer is editable (a draft, or under correction)"


def _offer(obj_id):
    user = auth.require_user()
    return user, _object(COLLECTION, obj_id, user)


@api_route("/offers/<obj_id>/cost-lines", "GET", summary="The offer's cost lines", who=READERS,
           response=CostLinesPage)
def offer_cost_lines(obj_id):
    _user, offer = _offer(obj_id)
    lines = (offer.content or {}).get("costs", [])
    return _json({"items": lines, "total": len(lines)}, 200, offer)


@api_route("/offers/<obj_id>/cost-lines", "POST", summary="Add a cost line to the offer", who=EDITORS,
           body=cm.CostLine, response=CostLineAdded, status=201, headers=(IF_MATCH,),
           errors={403: "Not a member of the organisation", 409: "Not editable in this state, or stale If-Match"})
def add_cost_line(obj_id):
    user, offer = _offer(obj_id)
    expected = _expected_version()
    ops.check_editable(user, offer, expected)
    line = validate(cm.CostLine, raw_json())
    s = db.session()
    lines = list((offer.content or {}).get("costs", [])) + [line.model_dump(mode="json")]
    ops.save_sections(s, offer, user, {"costs": lines}, expected)
    s.commit()
    return _json({"index": len(lines) - 1, "line": lines[-1]}, 201, offer)


def _line_index(offer, n: str) -> int:
    try:
        i = int(n)
    except ValueError:
        raise ApiProblem(404, "No such cost line.") from None
    if not 0 <= i < len((offer.content or {}).get("costs", [])):
        raise ApiProblem(404, "No such cost line.")
    return i


@api_route("/offers/<obj_id>/cost-lines/<n>", "PATCH", summary="Change fields of one cost line (0-based index)",
           who=EDITORS, headers=(IF_MATCH,), response=CostLinesPage,
           body={"type": "object", "description": "fields of a cost line (CostLine) to change"},
           errors={403: "Not a member of the organisation", 409: "Not editable in this state, or stale If-Match"})
@api_route("/offers/<obj_id>/cost-lines/<n>", "DELETE", summary="Remove one cost line (0-based index)",
           who=EDITORS, headers=(IF_MATCH,), response=CostLinesPage,
           errors={403: "Not a member of the organisation", 409: "Not editable in this state, or stale If-Match"})
def change_cost_line(obj_id, n):
    user, offer = _offer(obj_id)
    i = _line_index(offer, n)
    expected = _expected_version()
    ops.check_editable(user, offer, expected)
    lines = list(offer.content.get("costs", []))
    if request.method == "DELETE":
        lines.pop(i)
    else:
        body = raw_json()
        if isinstance(body, dict):
            body = {**lines[i], **body}
        lines[i] = validate(cm.CostLine, body).model_dump(mode="json")
    s = db.session()
    ops.save_sections(s, offer, user, {"costs": lines}, expected)
    s.commit()
    return _json({"items": lines, "total": len(lines)}, 200, offer)


class FormalChecks(BaseModel):
    model_config = {"extra": "forbid"}
    checks: dict[str, bool] = Field(max_length=50)


@api_route("/offers/<obj_id>/formal-checks", "PATCH", summary="Record the formal review's checks (R-OFF-FORMAL)",
           who="officers of the contest's department", body=FormalChecks, response="collection:offers",
           headers=(IF_MATCH,), body_example={"checks": {"signed": True, "on_time": True}},
           errors={403: "Not an officer of the contest's department", 409: "Not in formal review, or stale If-Match"})
def formal_checks(obj_id):
    user, offer = _offer(obj_id)
    expected = _expected_version()
    if not has_role(user, OFFICER, ADMIN) or not ops.officer_of_contest(offer, user):
        raise PermissionDenied()  # before looking at the body: 403 precedes 400/422
    data = validate(FormalChecks, raw_json())
    s = db.session()
    ops.set_formal_checks(s, offer, user, data.checks, expected)
    s.commit()
    return _json(full(COLLECTION, offer, user), 200, offer)


@api_route("/offers/<obj_id>/revisions", "GET", summary="The offer's numbered revisions as received (R-OFF-RECEIPT)",
           who=READERS, response=RevisionsPage)
def revisions(obj_id):
    _user, offer = _offer(obj_id)
    items = [{"number": r.number, "kind": r.kind, "received_at": _s(r.received_at), "sha256": r.content_hash,
              "content": r.content} for r in offer.revisions]
    return _json({"items": items, "total": len(items)}, 200, offer)
