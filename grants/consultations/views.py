"""Consultation pages: public list and page, officers' create/edit, transitions as buttons."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.core import formatting
from grants.core import audit, db
from grants.core.dates import WARSAW
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, has_role
from grants.forms.consultations import ConsultationForm, TransitionForm
from grants.registry.dictionaries import FIELDS
from grants.web.home import Item, Section, section
from grants.web.security import roles_required
from grants.workflows.base import available_transitions
from grants.workflows.diagram import mermaid
from grants.web.transitions import perform
from grants.web.areas import listing, save, viewer, visible_or_404

from . import operations as ops
from .models import Consultation

bp = Blueprint("consultations", __name__, url_prefix="/consultations", template_folder="templates")



def _get(cid: int) -> Consultation:
    return visible_or_404(Consultation, cid, ops.visible)


@bp.route("/")
def index():
    page = listing(ops.visible(select(Consultation), viewer()), Consultation, Consultation.state,
                   Consultation.ends_at.desc(), options=(selectinload(Consultation.department),))  # the list shows it
    return render_template("consultations/index.html", rows=page.rows, page=page,
                           can_create=has_role(viewer(), OFFICER, ADMIN))


def _values(form) -> dict:
    return {"title": form.title.data, "description": form.description.data, "fields": form.fields.data,
            "starts_at": form.aware("starts_at"), "ends_at": form.aware("ends_at")}


def _field_errors(form, errors) -> None:
    for err in errors:
        getattr(form, err["field"]).errors.append(err["message"])


@bp.route("/new", methods=["GET", "POST"])
@roles_required(OFFICER, ADMIN)
def new():
    form = ConsultationForm()
    if form.validate_on_submit():
        saved = save(lambda: ops.create(db.session(), current_user, **_values(form)),
                     lambda errors: _field_errors(form, errors), _("Utworzono szkic konsultacji."),
                     lambda obj: url_for(".show", cid=obj.id))
        if saved is not None:
            return saved
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/form.html", form=form, obj=None), status


@bp.route("/<int:cid>/edit", methods=["GET", "POST"])
@login_required
def edit(cid):
    obj = _get(cid)
    if not ops.can_edit(current_user, obj) or obj.state != "draft":
        abort(403)
    form = ConsultationForm(obj=obj) if request.method == "GET" else ConsultationForm()
    if request.method == "GET":
        form.starts_at.data = obj.starts_at.astimezone(WARSAW).replace(tzinfo=None) if obj.starts_at else None
        form.ends_at.data = obj.ends_at.astimezone(WARSAW).replace(tzinfo=None) if obj.ends_at else None
    if form.validate_on_submit():
        saved = save(lambda: ops.update(db.session(), obj, current_user, _values(form), _posted_version()),
                     lambda errors: _field_errors(form, errors), _("Zapisano zmiany."), url_for(".show", cid=cid))
        if saved is not None:
            return saved
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/form.html", form=form, obj=obj), status


def _posted_version() -> int:
    """The version the form was rendered with; anything unreadable matches no version (stale)."""
    raw = (request.form.get("version") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else -1


def _buttons(obj, user) -> list[dict]:
    """The transitions for the caller. `input` marks one the caller may perform once they fill in
    its fields (e.g. the report): its button stays enabled and the guard's reason is the hint."""
    wf = obj.__workflow__
    out = []
    for t in available_transitions(db.session(), obj, user):
        spec = wf.by_name[t["name"]]
        may = has_role(user, *spec.roles) and (spec.relation is None or spec.relation(obj, user))
        out.append({**t, "input": bool(t["has_payload"] and may and not t["automatic"])})
    return out


@bp.route("/<int:cid>")
def show(cid):
    obj = _get(cid)
    user = viewer()
    staff = has_role(user, OFFICER, ADMIN)
    return render_template(
        "consultations/show.html", obj=obj, wf=obj.__workflow__, fields=FIELDS,
        diagram=mermaid(obj.__workflow__, obj.state),
        transitions=_buttons(obj, user) if user else [],
        history=audit.history(db.session(), "consultation", obj.id) if staff else None,
        can_edit=user is not None and ops.can_edit(user, obj) and obj.state == "draft",
        form=TransitionForm())


@bp.route("/<int:cid>/transitions/<name>", methods=["POST"])
@login_required
def transition(cid, name):
    obj = _get(cid)
    payload = {}
    if name == "publish_report" and request.form.get("report"):
        payload["report"] = request.form["report"]
    if name == "close_early":
        payload["reason"] = request.form.get("reason") or ""
    return perform(obj, name, payload=payload, form=TransitionForm, back=url_for(".show", cid=cid), show_forbidden=True)


@section("public")
def _open_consultations(user):
    rows = ops.open_list(db.session())
    return Section(_("Otwarte konsultacje"),
                   [Item(c.title, url_for("consultations.show", cid=c.id),
                         str(_("do %(d)s", d=formatting.when(c.ends_at))))
                    for c in rows],
                   empty=_("Brak otwartych konsultacji."), order=30)


@section(OFFICER, ADMIN)
def _consultations_waiting(user):
    q = ops.visible(select(Consultation), user).where(Consultation.state.in_(("draft", "closed")))
    if not has_role(user, ADMIN):
        q = q.where(Consultation.department_id == user.department_id)
    rows = db.session.scalars(q.order_by(Consultation.id)).all()
    items = [Item(c.title, url_for("consultations.show", cid=c.id),
                  str(_("szkic do otwarcia")) if c.state == "draft" else str(_("zamknięta: czeka na raport")),
                  flag=str(_("raport do opublikowania")) if c.state == "closed" else "")
             for c in rows]
    return Section(_("Konsultacje do prowadzenia"), items, empty=_("Brak konsultacji do prowadzenia."), order=15)
