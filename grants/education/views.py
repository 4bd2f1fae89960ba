"""Education pages (S13): events with registration and a waiting list (R-CAPACITY), consultation
slots booked by organisations, the officer's attendance list, certificates of attendance."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core import clock, db
from grants.core.i18n import _
from grants.core.permissions import APPLICANT, is_staff
from grants.registry.dictionaries import DISTRICTS
from grants.web.areas import getter, list_page, member_organisations, viewer
from grants.web.home import Item, Section, section
from grants.web.transitions import CsrfForm, require_csrf, transition_page
from grants.workflows.base import available_transitions

from . import invitations
from . import operations as ops
from .models import EVENT_KINDS, ConsultationSlot, EducationEvent, EventRegistration

bp = Blueprint("education", __name__, url_prefix="/education", template_folder="templates")
_event = getter(EducationEvent, ops.visible_events)
_registration = getter(EventRegistration, ops.visible_registrations)
_attended = getter(EventRegistration, lambda q, user: ops.visible_registrations(q, user).where(
    EventRegistration.state == "attended"))  # only attendance is certified
_slot = getter(ConsultationSlot, ops.visible_slots)


@bp.route("/", methods=["GET", "POST"])
def index():
    q = ops.visible_events(select(EducationEvent), viewer())
    if request.args.get("kind") in EVENT_KINDS:
        q = q.where(EducationEvent.kind == request.args["kind"])
    create = (is_staff(viewer()), lambda: ops.create_event(db.session(), current_user, request.form.to_dict()),
              _("Utworzono wydarzenie (szkic). Opublikuj je, aby otworzyć zapisy."),
              lambda obj: url_for(".event", eid=obj.id))
    return list_page("education/index.html", q, EducationEvent, EducationEvent.starts_at.desc(), create=create,
                     kinds=EVENT_KINDS, districts=DISTRICTS, staff=is_staff(viewer()))


@bp.route("/events/<int:eid>")
def event(eid):
    obj = _event(eid)
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
    _event(eid)
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


transition_page(bp, "/events/<int:eid>/transitions/<name>", _event,
                back=lambda obj: url_for(".event", eid=obj.id), endpoint="event_transition")


@bp.route("/registrations/<int:rid>")
@login_required
def registration(rid):
    return redirect(_event_page(_registration(rid)), 303)


def _event_page(reg: EventRegistration) -> str:
    """A registration is shown (and acted on) on its event's page."""
    return url_for(".event", eid=reg.event_id)


transition_page(bp, "/registrations/<int:rid>/transitions/<name>", _registration, back=_event_page,
                endpoint="registration_transition")


@bp.route("/registrations/<int:rid>/certificate")
@login_required
def certificate(rid):
    """A certificate of attendance, for the person present and the organiser (a print page)."""
    obj = _attended(rid)
    return render_template("education/certificate.html", r=obj, e=obj.event, kinds=EVENT_KINDS,
                           issued=clock.today())


@bp.route("/slots", methods=["GET", "POST"])
def slots():
    q = ops.visible_slots(select(ConsultationSlot), viewer())
    if not request.args.get("all"):
        q = q.where(ConsultationSlot.starts_at >= clock.now())
    create = (is_staff(viewer()), lambda: ops.create_slot(db.session(), current_user, request.form.to_dict()),
              _("Opublikowano termin konsultacji."), lambda obj: url_for(".slot", sid=obj.id))
    return list_page("education/slots.html", q, ConsultationSlot, ConsultationSlot.starts_at, create=create,
                     districts=DISTRICTS, staff=is_staff(viewer()))


@bp.route("/slots/<int:sid>")
def slot(sid):
    obj = _slot(sid)
    user = viewer()
    return render_template("education/slot.html", o=obj, districts=DISTRICTS, booking=ops.may_see_booking(obj, user),
                           orgs=member_organisations(user),
                           transitions=available_transitions(db.session(), obj, user), form=CsrfForm())


def _booking(name):
    """Booking names the organisation (a number, or what was sent, for the payload's own refusal)."""
    if name != "book":
        return None
    org = request.form.get("organisation_id", "")
    return {"organisation_id": int(org) if org.isdigit() else org, "question": request.form.get("question", "")}


transition_page(bp, "/slots/<int:sid>/transitions/<name>", _slot, ("reason",),
                lambda obj: url_for(".slot", sid=obj.id), endpoint="slot_transition", payload=_booking)


@bp.route("/slots/<int:sid>/invitation.ics")
@login_required
def slot_ics(sid):
    """The iCalendar invitation of a booked consultation, for the organisation and the host."""
    obj = _slot(sid)
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
