"""Contest pages: the public portal and announcement, officers' preparation, publication,
closing, formal review overview, cancellation and cloning."""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import NamedTuple

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.calltypes import get as get_call_type
from grants.calltypes import registry as call_types
from grants.core import audit, clock, db
from grants.core import formatting, textsearch
from grants.core.i18n import _
from grants.core.permissions import (
    ADMIN,
    APPLICANT,
    OFFICER,
    grantor_column_is,
    has_role,
)
from grants.documents.kinds import announcement_context
from grants.documents.render import render_html
from grants.forms.contests import ContestForm, ReasonForm
from grants.offers.models import Offer, OfferPartner
from grants.offers.operations import visible as offer_visible
from grants.registry.dictionaries import FIELDS
from grants.registry.models import Department
from grants.web.filters import pln
from grants.web.home import Item, Section, section
from grants.web.security import roles_required
from grants.workflows.base import available_transitions
from grants.workflows.diagram import mermaid
from reviewers.models import Commission
from grants.web.transitions import perform
from grants.web.areas import act, listing, save, viewer, visible_or_404
from grants.web import public_cache

from .results import results as published_results

from . import operations as ops
from .models import Contest
from .rules import CONTENT_FIELDS, FORMS

bp = Blueprint("contests", __name__, url_prefix="/contests", template_folder="templates")



def _get(cid: int) -> Contest:
    return visible_or_404(Contest, cid, ops.visible)


class ListRow(NamedTuple):
    """A row of the contest list as the page writes it: every label computed once, in Python."""
    href: str
    title: str
    department: str
    budget: str
    deadline: str
    state: str


#: the list's columns: one query of rows, no objects (the department's name joined in)
LIST_COLUMNS = (Contest.id, Contest.title, Contest.budget, Contest.deadline, Contest.state,
                Department.name.label("department_name"))


def _list_query(user):
    return ops.visible(select(*LIST_COLUMNS).outerjoin(Department, Department.id == Contest.department_id), user)


_VISITORS_LIST = _list_query(None)  # what every visitor's list reads: built once, its first page's statement too


@bp.route("/")
@public_cache.cached(public_cache.contest_list)
def index():
    user = viewer()
    q = _list_query(user) if user is not None else _VISITORS_LIST
    text = (request.args.get("q") or "").strip()[:textsearch.MAX_QUERY]
    if text:  # words of the title (grants.core.textsearch: full-text and trigram on PostgreSQL)
        q = q.where(textsearch.matches(db.session().bind.dialect.name, text, Contest.title,
                                       vector=textsearch.tsvector(Contest.title)))
    page = listing(q, Contest, Contest.deadline.desc().nulls_last(), Contest.id.desc(), rows=True,
                   search=bool(text), memo="contests.visitors" if q is _VISITORS_LIST else None)
    labels = {code: str(label) for code, label in Contest.__workflow__.states.items()}
    show = url_for(".show", cid=0)[:-1]  # one address built; each row's is this and its id
    rows = [ListRow(show + str(r.id), r.title, r.department_name or "", pln(r.budget), formatting.when(r.deadline),
                    labels.get(r.state, r.state)) for r in page.rows]
    return render_template("contests/index.html", rows=rows, page=page, state=page.state, q=text, states=labels,
                           can_create=has_role(user, OFFICER, ADMIN))


def _apply_errors(form, errors):
    for err in errors:
        name = err["field"].split(".")[0]
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
            target.errors.append(err["message"])
        else:
            form.form_errors.append(f"{err['field']}: {err['message']}")


@bp.route("/new", methods=["GET", "POST"])
@roles_required(OFFICER, ADMIN)
def new():
    form = ContestForm()
    if request.method == "GET":
        code = request.args.get("call_type", "standard")
        ct = get_call_type(code if code in call_types() else "standard")
        form.call_type.data = ct.code
        form.year.data = clock.today().year + 1
        defaults = SimpleNamespace(criteria=ct.default_criteria("support"), formal_checklist=ct.default_checklist())
        for entry, item in zip(form.criteria, defaults.criteria + [{}] * 10):
            entry.code.data, entry.title.data = item.get("code", ""), item.get("label", "")
            entry.max_points.data = Decimal(str(item["max_points"])) if item.get("max_points") else None
        for entry, item in zip(form.formal_checklist, defaults.formal_checklist + [{}] * 10):
            entry.code.data, entry.title.data = item.get("code", ""), item.get("label", "")
    if form.validate_on_submit():
        saved = save(lambda: ops.create(db.session(), current_user, _with_params(form.values()),
                                        planned=request.form.get("planned") == "1"),
                     lambda errors: _apply_errors(form, errors), _("Zapisano konkurs."),
                     lambda c: url_for(".show", cid=c.id))
        if saved is not None:
            return saved
    selected = form.call_type.data if form.call_type.data in call_types() else "standard"
    return render_template("contests/form.html", form=form, obj=None, params=_params_view(selected, None),
                           call_types=call_types()), 422 if request.method == "POST" else 200


@bp.route("/<int:cid>/edit", methods=["GET", "POST"])
@login_required
def edit(cid):
    c = _get(cid)
    if not ops.can_edit(current_user, c) or c.state not in ops.EDITABLE_STATES:
        abort(403)
    form = ContestForm()
    if request.method == "GET":
        form.fill(c)
    if form.validate_on_submit():
        saved = save(lambda: ops.update(db.session(), c, current_user, _with_params(form.values()),
                                        int(request.form.get("version", c.version))),
                     lambda errors: _apply_errors(form, errors), _("Zapisano zmiany."), url_for(".show", cid=cid))
        if saved is not None:
            return saved
    return render_template("contests/form.html", form=form, obj=c, params=_params_view(c.call_type, c),
                           call_types=call_types()), 422 if request.method == "POST" else 200


def _with_params(values: dict) -> dict:
    """The call type's own parameters come as "call_params.<name>" inputs (blank: the default)."""
    posted = {k[len("call_params."):]: v for k, v in request.form.items() if k.startswith("call_params.") and v != ""}
    if any(k.startswith("call_params.") for k in request.form):
        values["call_params"] = posted
    return values


def _params_view(code: str, c) -> list[dict]:
    """The call type's parameters as form rows: name, label, hint, value (what was posted wins)."""
    ct = get_call_type(code)
    if ct.params_model is None:
        return []
    current = dict(ct.default_params())
    if c is not None and c.call_type == code:
        current.update(c.call_params or {})
    rows = []
    for name, f in ct.params_model.model_fields.items():
        value = request.form.get(f"call_params.{name}", current.get(name)) if request.method == "POST" else current.get(name)
        rows.append({"name": name, "label": ct.param_label(name), "hint": ct.param_hint(name),
                     "value": "" if value is None else value,
                     "type": "number" if f.annotation in (int, "int") else "text"})
    return rows


@bp.route("/<int:cid>")
@public_cache.cached(public_cache.contest_page)
def show(cid):
    c = _get(cid)
    user = viewer()
    staff = user is not None and ops.can_edit(user, c)
    offers = []
    my_offers = []
    if user is not None:
        rows = db.session.scalars(offer_visible(select(Offer).where(Offer.contest_id == c.id), user)
                                  .options(selectinload(Offer.organisation)).order_by(Offer.id)).all()
        if staff:
            offers = rows
        orgs = getattr(user, "organisation_ids", frozenset())
        if orgs:  # the organisation's own offers and those it is a partner in (R-OFF-JOINT)
            partnered = set(db.session.scalars(select(OfferPartner.offer_id).join(Offer).where(
                Offer.contest_id == c.id, OfferPartner.organisation_id.in_(orgs))))
            my_offers = [o for o in rows if o.organisation_id in orgs or o.id in partnered]
    my_orgs = [m.organisation for m in user.memberships] if user is not None and has_role(user, APPLICANT) else []
    ct = get_call_type(c.call_type)
    # who may not apply to this call, and why (e.g. a pilot contest: only shortlisted organisations)
    refusals = {org.id: ct.may_apply(db.session(), c, org.id) for org in my_orgs} \
        if c.state == "published" and ct.takes_offers else {}
    commission = db.session.scalar(select(Commission).where(Commission.contest_id == c.id))
    results = published_results(db.session(), c)  # R-RESULTS: public, funded and not funded, with amounts
    return render_template(
        "contests/show.html", c=c, wf=c.__workflow__, fields=FIELDS, forms=FORMS, content_fields=CONTENT_FIELDS,
        diagram=mermaid(c.__workflow__, c.state), call_type=ct,
        transitions=available_transitions(db.session(), c, user) if staff else [],
        history=audit.history(db.session(), "contest", c.id) if staff else None,
        can_edit=staff and c.state in ops.EDITABLE_STATES, staff=staff, offers=offers, my_offers=my_offers,
        my_orgs=my_orgs, refusals=refusals, commission=commission, results=results, mandatory=ops.cancellation_mandatory(db.session(), c) if staff else False)


@bp.route("/<int:cid>/print")
@public_cache.cached(public_cache.contest_page)
def printable(cid):
    return render_html("announcement", announcement_context(_get(cid)))


@bp.route("/<int:cid>/transitions/<name>", methods=["POST"])
@login_required
def transition(cid, name):
    c = _get(cid)
    payload = {"reason": request.form.get("reason") or ""} if name == "cancel" else {}
    return perform(c, name, payload=payload, form=ReasonForm, back=url_for(".show", cid=cid))


@bp.route("/<int:cid>/clone", methods=["POST"])
@login_required
def clone(cid):
    c = _get(cid)
    return act(lambda: ops.clone(db.session(), c, current_user), url_for(".show", cid=cid),
               _("Utworzono kolejną edycję konkursu jako szkic."), to=lambda new_c: url_for(".show", cid=new_c.id))


HOME_OPEN_CONTESTS = 20  # a home lists the nearest deadlines; the contests page and /kraj/ list them all


@section("public")
def _open_contests(user):
    rows = ops.public_list(db.session(), limit=HOME_OPEN_CONTESTS)  # nationwide: thousands (issue 20)
    return Section(_("Otwarte konkursy ofert"),
                   [Item(c.title, url_for("contests.show", cid=c.id),
                         str(_("oferty do %(d)s", d=formatting.when(c.deadline)))) for c in rows],
                   empty=_("Obecnie nie trwa nabór w żadnym konkursie."), order=25)


@section(OFFICER, ADMIN)
def _contests_waiting(user):
    q = select(Contest).where(Contest.state.in_(("draft", "closed", "formal_review")))
    if not has_role(user, ADMIN):
        q = q.where(Contest.department_id == user.department_id)
    else:  # of the admin's own authority (issue 22)
        q = q.where(grantor_column_is(Contest.grantor_id, user))
    rows = db.session.scalars(q.order_by(Contest.id)).all()
    mandatory = ops.cancellation_mandatory_ids(db.session(), rows)  # one query, not one per contest
    items = []
    for c in rows:
        flag = str(_("unieważnienie obowiązkowe (R-CANCEL)")) if c.id in mandatory else ""
        meta = {"draft": _("szkic ogłoszenia do publikacji"), "closed": _("nabór zamknięty: rozpocznij ocenę formalną"),
                "formal_review": _("ocena formalna w toku")}[c.state]
        items.append(Item(c.title, url_for("contests.show", cid=c.id), str(meta), flag=flag))
    return Section(_("Konkursy do prowadzenia"), items, empty=_("Brak konkursów do prowadzenia."), order=12)
