"""Education pages (S13): events with registration and a waiting list (R-CAPACITY), consultation
slots booked by organisations, the officer's attendance list, certificates of attendance."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core import clock, db
from grants.core.i18n import _
from grants.core.permissions import APPLICANT, PermissionDenied, has_role, is_staff
from grants.registry.dictionaries import DISTRICTS
from grants.web.areas import listing, viewer, visible_or_404
from grants.web.home import Item, Section, section
from grants.web.transitions import CsrfForm, perform, require_csrf, transition_page
from grants.workflows.base import available_transitions

from . import invitations
from . import operations as ops
from .models import EVENT_KINDS, ConsultationSlot, EducationEvent, EventRegistration

bp = Blueprint("education", __name__, url_prefix="/education", template_folder="templates")


def _create(operation, values):
    """Runs a staff form's operation: (object, {}) or (None, errors by field)."""
    try:
        obj = operation(db.session(), current_user, values)
        db.session.commit()
        return obj, {}
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    except ops.EducationError as e:
        db.session.rollback()
        return None, {x["field"]: x["message"] for x in e.errors}


@bp.route("/", methods=["GET", "POST"])
def index():
    errors, values, status = {}, request.form, 200
    if request.method == "POST":
        if not current_user.is_authenticated or not is_staff(current_user):
            abort(403)
        require_csrf()
        obj, errors = _create(ops.create_event, request.form.to_dict())
        if obj is not None:
            flash(_("Utworzono wydarzenie (szkic). Opublikuj je, aby otworzyć zapisy."), "success")
            return redirect(url_for(".event", eid=obj.id), 303)
        status = 422
    q = ops.visible_events(select(EducationEvent), viewer())
    if request.args.get("kind") in EVENT_KINDS:
        q = q.where(EducationEvent.kind == request.args["kind"])
    page = listing(q, EducationEvent, EducationEvent.starts_at.desc())
    return render_template("education/index.html", rows=page.rows, page=page, kinds=EVENT_KINDS, districts=DISTRICTS,
                           errors=errors, values=values, staff=is_staff(viewer())), status


@bp.route("/events/<int:eid>")
def event(eid):
    obj = visible_or_404(EducationEvent, eid, ops.visible_events)
    user, s = viewer(), db.session()
    mine = ops.my_registration(s, user, eid)
    regs = []
    if user is not None and is_staff(user):
        regs = s.scalars(ops.visible_registrations(select(EventRegistration), user).where(
            EventRegistration.event_id == eid).order_by(EventRegistration.registered_at, EventRegistration.id)).all()
    return render_template("education/event.html", o=obj, kinds=EVENT_KINDS, districts=DISTRICTS,
                           counts=ops.counts(s, eid), mine=mine, regs=regs, may_register=ops.may_register(user),
                           orgs=[m.organisation for m in user.memberships] if user is not None else [],
                           transitions=available_transitions(s, obj, user),
                           mine_transitions=available_transitions(s, mine, user) if mine else [],
                           reg_transitions={r.id: available_transitions(s, r, user) for r in regs},
                           form=CsrfForm())


@bp.route("/events/<int:eid>/register", methods=["POST"])
@login_required
def register(eid):
    visible_or_404(EducationEvent, eid, ops.visible_events)
    require_csrf()
    org = request.form.get("organisation_id") or None
    try:
        reg = ops.register(db.session(), current_user, eid, int(org) if org and org.isdigit() else None)
        db.session.commit()
    except ops.EducationError as e:
        db.session.rollback()
        flash("; ".join(x["message"] for x in e.errors), "error")
    else:
        flash(_("Zapisano Cię na wydarzenie.") if reg.state == "registered" else
              _("Brak wolnych miejsc: jesteś na liście rezerwowej. Gdy zwolni się miejsce, przesuniemy Cię "
                "na listę uczestników i powiadomimy."), "success")
    return redirect(url_for(".event", eid=eid), 303)


transition_page(bp, "/events/<int:eid>/transitions/<name>",
                lambda eid: visible_or_404(EducationEvent, eid, ops.visible_events),
                back=lambda obj: url_for(".event", eid=obj.id), endpoint="event_transition")


@bp.route("/registrations/<int:rid>")
@login_required
def registration(rid):
    obj = visible_or_404(EventRegistration, rid, ops.visible_registrations)
    return redirect(url_for(".event", eid=obj.event_id), 303)


transition_page(bp, "/registrations/<int:rid>/transitions/<name>",
                lambda rid: visible_or_404(EventRegistration, rid, ops.visible_registrations),
                back=lambda obj: url_for(".event", eid=obj.event_id), endpoint="registration_transition")


@bp.route("/registrations/<int:rid>/certificate")
@login_required
def certificate(rid):
    """A certificate of attendance, for the person present and the organiser (a print page)."""
    obj = visible_or_404(EventRegistration, rid, ops.visible_registrations)
    if obj.state != "attended":
        abort(404)
    return render_template("education/certificate.html", r=obj, e=obj.event, kinds=EVENT_KINDS,
                           issued=clock.today())


@bp.route("/slots", methods=["GET", "POST"])
def slots():
    errors, values, status = {}, request.form, 200
    if request.method == "POST":
        if not current_user.is_authenticated or not is_staff(current_user):
            abort(403)
        require_csrf()
        obj, errors = _create(ops.create_slot, request.form.to_dict())
        if obj is not None:
            flash(_("Opublikowano termin konsultacji."), "success")
            return redirect(url_for(".slot", sid=obj.id), 303)
        status = 422
    q = ops.visible_slots(select(ConsultationSlot), viewer())
    if not request.args.get("all"):
        q = q.where(ConsultationSlot.starts_at >= clock.now())
    page = listing(q, ConsultationSlot, ConsultationSlot.starts_at)
    return render_template("education/slots.html", rows=page.rows, page=page, districts=DISTRICTS, errors=errors,
                           values=values, staff=is_staff(viewer())), status


@bp.route("/slots/<int:sid>")
def slot(sid):
    obj = visible_or_404(ConsultationSlot, sid, ops.visible_slots)
    user = viewer()
    orgs = [m.organisation for m in user.memberships] if user is not None and has_role(user, APPLICANT) else []
    return render_template("education/slot.html", o=obj, districts=DISTRICTS, booking=ops.may_see_booking(obj, user),
                           orgs={str(o.id): o.name for o in orgs},
                           transitions=available_transitions(db.session(), obj, user), form=CsrfForm())


@bp.route("/slots/<int:sid>/transitions/<name>", methods=["POST"])
@login_required
def slot_transition(sid, name):
    obj = visible_or_404(ConsultationSlot, sid, ops.visible_slots)
    payload = None
    if name == "book":
        org = request.form.get("organisation_id", "")
        payload = {"organisation_id": int(org) if org.isdigit() else org, "question": request.form.get("question", "")}
    return perform(obj, name, ("reason",), url_for(".slot", sid=sid), payload=payload)


@bp.route("/slots/<int:sid>/invitation.ics")
@login_required
def slot_ics(sid):
    """The iCalendar invitation of a booked consultation, for the organisation and the host."""
    obj = visible_or_404(ConsultationSlot, sid, ops.visible_slots)
    if obj.state != "booked" or not ops.may_see_booking(obj, current_user):
        abort(404)
    return Response(invitations.slot_calendar(obj), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{invitations.filename(obj)}"'})


@section(APPLICANT, "participant")
def _my_events(user):
    rows = db.session.scalars(select(EventRegistration).join(EducationEvent).where(
        EventRegistration.user_id == user.id, EventRegistration.state.in_(("registered", "waitlisted")),
        EducationEvent.starts_at >= clock.now()).order_by(EducationEvent.starts_at)).all()
    if not rows:
        return None
    items = [Item(r.event.title, url_for("education.event", eid=r.event_id), "", flag=str(r.state_label)) for r in rows]
    return Section(_("Moje zapisy na szkolenia"), items, order=40)
