"""/api/v1/contests on the generic collection endpoints."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from flask import g, has_app_context
from pydantic import AwareDatetime, BaseModel, Field

from grants.api.collections import Collection, register
from grants.api.validation import Id
from grants.core import canonical, db
from grants.core.i18n import _
from grants.core.numbers import Money, Percent
from grants.core.permissions import ADMIN, OFFICER, has_role
from grants.web import public_cache

from . import operations as ops
from .models import Contest

Pct = Percent


class Criterion(BaseModel):
    model_config = {"extra": "forbid"}
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=500)
    max_points: str = Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$")  # ASCII digits only
    support_only: bool = False


class CheckItem(BaseModel):
    model_config = {"extra": "forbid"}
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=500)


class ContestFields(BaseModel):
    model_config = {"extra": "forbid"}
    title: str | None = Field(default=None, min_length=1, max_length=500)
    year: int | None = Field(default=None, ge=2000, le=2100)
    call_type: str | None = Field(default=None, max_length=40)
    call_params: dict | None = None  # the call type's own parameters, checked by its module
    task_type: str | None = Field(default=None, max_length=5000)
    field: str | None = Field(default=None, max_length=40)
    form: Literal["support", "entrustment"] | None = None
    budget: Money | None = None
    grant_rules: str | None = Field(default=None, max_length=20000)
    task_conditions: str | None = Field(default=None, max_length=20000)
    procedure: str | None = Field(default=None, max_length=20000)
    previous_tasks: str | None = Field(default=None, max_length=20000)
    deadline: AwareDatetime | None = None
    decision_by: date | None = None
    planned_announcement: date | None = None
    min_grant: Money | None = None
    max_grant: Money | None = None
    min_own_total_pct: Pct | None = None
    min_own_financial_pct: Pct | None = None
    min_own_nonfinancial_pct: Pct | None = None
    own_tolerance_pp: Pct | None = None
    max_admin_pct: Pct | None = None
    shift_pct: Pct | None = None
    eligible_categories: list[Annotated[str, Field(max_length=100)]] | None = Field(default=None, max_length=100)
    ineligible_categories: list[Annotated[str, Field(max_length=100)]] | None = Field(default=None, max_length=100)
    task_start: date | None = None
    task_end: date | None = None
    formal_checklist: list[CheckItem] | None = Field(default=None, max_length=50)
    criteria: list[Criterion] | None = Field(default=None, max_length=30)
    pass_threshold: Pct | None = None
    half_points: bool | None = None
    correction_days: int | None = Field(default=None, ge=1, le=60)
    tranche_pattern: str | None = Field(default=None, max_length=200)
    attachments_allowed: bool | None = None


class ContestCreate(ContestFields):
    title: str = Field(min_length=1, max_length=500)
    department_id: Id | None = None  # a bounded integer: never out of the column's range
    planned: bool = False


class ContestItem(BaseModel):
    id: str
    state: str
    version: int
    title: str
    call_type: str
    year: int
    department_id: str | None
    grantor_id: str  # the authority (issue 22)
    form: str
    budget: str | None
    deadline: str | None
    published_at: str | None
    cancellation_mandatory: bool


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def _prefetch(rows, user) -> None:

    g.contests_cancellation_mandatory = ops.cancellation_mandatory_ids(db.session(), rows)  # one query


def _listed_mandatory(c: Contest) -> bool:
    return has_app_context() and c.id in g.get("contests_cancellation_mandatory", ())


def serialize(c: Contest, user) -> dict:
    body = {"id": str(c.id), "state": c.state, "version": c.version, "title": c.title, "call_type": c.call_type,
            "year": c.year, "department_id": str(c.department_id) if c.department_id else None, "form": c.form,
            "grantor_id": str(c.grantor_id),  # the authority (issue 22)
            "budget": _s(c.budget), "deadline": _s(c.deadline), "published_at": _s(c.published_at),
            "cancellation_mandatory": _listed_mandatory(c)}
    for name in ops.FIELDS_EDITABLE:
        if name not in body:
            body[name] = _s(getattr(c, name))
    body["announcement_sha256"] = c.announcement_hash
    body["cancel_reason"] = c.cancel_reason
    return body


def serialize_full(c: Contest, user) -> dict:
    body = serialize(c, user)
    body["cancellation_mandatory"] = ops.cancellation_mandatory(db.session(), c)
    return body


def _values(data: BaseModel) -> dict:
    values = data.model_dump(exclude_unset=True, exclude={"department_id", "planned"})
    for k in ("formal_checklist", "criteria"):
        if k in values and values[k] is not None:
            values[k] = [dict(x) for x in values[k]]
    return values


def _create(session, user, data: ContestCreate):
    values = _values(data)
    if data.department_id is not None:
        values["department_id"] = int(data.department_id)  # the schema's pattern keeps it an INTEGER
    return ops.create(session, user, values, planned=data.planned)


def _may_create(user):
    """Officers and admins announce contests; anyone else is refused before the body is read."""
    return None if has_role(user, OFFICER, ADMIN) else _("Brak uprawnień do tej czynności.")


def _patch(session, obj, user, validated, expected_version):
    ops.check_editable(user, obj, expected_version)
    data = validated()
    return ops.update(session, obj, user, _values(data), expected_version)


#: what `serialize` reads: the list sends these columns' rows, not objects (issue 20)
LIST_COLUMNS = tuple(getattr(Contest, name) for name in dict.fromkeys((
    "id", "state", "version", "title", "call_type", "year", "department_id", "grantor_id", "form", "budget", "deadline",
    "published_at", *ops.FIELDS_EDITABLE, "announcement_hash", "cancel_reason")))


register(Collection(
    name="contests", model=Contest, serialize=serialize, list_columns=LIST_COLUMNS, serialize_full=serialize_full, visible=ops.visible,
    public=True, visitors_fingerprint=public_cache.contest_api_list, item_schema=ContestItem, create_schema=ContestCreate, create=_create, may_create=_may_create,
    patch_schema=ContestFields,
    prefetch=_prefetch,
    patch=_patch, summary="Open contests: announcement, parameters, publication (R-ANN-*), closing, formal review, cancellation",
))


# ---- results (R-RESULTS) and the next edition (clone), beside the generic endpoints

from grants.api import auth  # noqa: E402
from grants.api.collections import REGISTRY, _json, _object, full, idempotent  # noqa: E402
from grants.api.declare import IDEMPOTENCY_KEY, api_route  # noqa: E402
from grants.api.problems import ApiProblem  # noqa: E402

from . import results as contest_results  # noqa: E402


class ResultOrganisation(BaseModel):
    id: str
    name: str


class ResultItem(BaseModel):
    offer_id: str
    number: str | None
    organisation: ResultOrganisation
    task: str = Field(description="the offer's task title")
    state: str = Field(description="selected, not_selected, update_required, ready_for_agreement or declined")
    funded: bool
    requested: str | None = Field(description="money string")
    awarded: str | None = Field(description="money string; null when not funded")


class ResultsPage(BaseModel):
    contest_id: str
    published_at: str
    items: list[ResultItem]
    total: int
    awarded_total: str


def _result(o) -> dict:
    return {"offer_id": str(o.id), "number": o.number,
            "organisation": {"id": str(o.organisation_id), "name": o.organisation.name}, "task": o.title,
            "state": o.state, "funded": o.awarded_grant is not None and o.awarded_grant > 0,
            "requested": _s(o.requested_grant), "awarded": _s(o.awarded_grant)}


@api_route("/contests/<cid>/results", "GET", summary="The contest's results (R-RESULTS): organisation, task, amount; "
           "funded and not funded", public=True, response=ResultsPage,
           who="anyone once the results are published (a token is not needed)",
           errors={409: "The results are not published yet"},
           example={"contest_id": "3", "published_at": "2027-04-20T10:00:00Z", "total": 2, "awarded_total": "48000.00",
                    "items": [{"offer_id": "41", "number": "WSS/2027/1/1", "organisation": {"id": "5", "name": "Fundacja Wisła"},
                               "task": "Zajęcia dla seniorów", "state": "selected", "funded": True,
                               "requested": "50000.00", "awarded": "48000.00"},
                              {"offer_id": "42", "number": "WSS/2027/1/2", "organisation": {"id": "6", "name": "Stowarzyszenie Most"},
                               "task": "Warsztaty", "state": "not_selected", "funded": False,
                               "requested": "30000.00", "awarded": None}]})
def contest_results_read(cid):
    user = auth.current_api_user()
    contest = _object(REGISTRY["contests"], cid, user)
    if not contest_results.published(contest):
        raise ApiProblem(409, "The results of this contest are not published yet.", "/problems/results-not-published")
    rows = contest_results.results(db.session(), contest)
    total = sum((o.awarded_grant for o in rows if o.awarded_grant), Decimal("0.00"))
    return _json({"contest_id": str(contest.id), "published_at": _s(contest.results_published_at),
                  "items": [_result(o) for o in rows], "total": len(rows), "awarded_total": _s(total)}, 200)


@api_route("/contests/<cid>/clone", "POST", summary="Create next year's edition as a draft (the same operation as the "
           "contest page's button)", response="collection:contests", status=201, headers=(IDEMPOTENCY_KEY,),
           who="officers of the contest's department and administrators",
           description="The same parameters, the dates a year later, the year in the title moved on.",
           errors={403: "Not an officer of the contest's department", 422: "The copy breaks a rule"})
def contest_clone(cid):
    user = auth.require_user()
    contest = _object(REGISTRY["contests"], cid, user)

    def perform():
        copy = ops.clone(db.session(), contest, user)
        db.session.flush()
        return _json(full(REGISTRY["contests"], copy, user), 201, copy)

    return idempotent(user, perform)
