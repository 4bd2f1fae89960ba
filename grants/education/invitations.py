"""The iCalendar invitation of a booked consultation slot (RFC 5545): downloaded from the slot's page
and attached to the "slot booked" mail, so both the organisation and the host have it in their
calendars."""
from __future__ import annotations

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from grants.core.clock import real_now
from grants.core.i18n import _
from grants.notifications import attachments
from grants.registry.dictionaries import DISTRICTS

from .models import ConsultationSlot


def slot_calendar(slot: ConsultationSlot) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//grants//Konsultacje//PL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    ev = Event()
    ev.add("uid", f"consultation-slot-{slot.id}@grants")
    ev.add("dtstamp", real_now())
    ev.add("dtstart", slot.starts_at)
    ev.add("dtend", slot.ends_at)
    ev.add("summary", str(_("Konsultacja: %(t)s", t=slot.topic)))
    ev.add("location", slot.online_url or ", ".join(x for x in (slot.place, DISTRICTS.get(slot.district or "", "")) if x))
    ev.add("description", slot.question or "")
    cal.add_component(ev)
    return cal.to_ical()


def filename(slot: ConsultationSlot) -> str:
    return f"konsultacja-{slot.id}.ics"


def _booked_slot_files(session: Session, object_type: str, object_id: str) -> list[dict]:
    if object_type != "consultation_slot" or not object_id.isdigit():
        return []
    slot = session.get(ConsultationSlot, int(object_id))
    if slot is None or slot.state != "booked":
        return []
    return [{"filename": filename(slot), "content_type": "text/calendar", "text": slot_calendar(slot).decode("utf-8")}]


attachments.register("slot_booked", _booked_slot_files)
