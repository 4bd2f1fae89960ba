"""The public calendar (S6): planned, open and closed contests, offer deadlines, results dates,
consultation periods and art. 19a comment periods, as plain events that the page and the
iCalendar feed both render."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from icalendar import Calendar
from icalendar import Event as IEvent
from sqlalchemy import select

from grants.consultations.models import Consultation
from grants.contests.models import Contest
from grants.education.models import EVENT_KINDS, EducationEvent
from grants.core.clock import real_now
from grants.core.dates import warsaw_date
from grants.core.i18n import _
from grants.small_grants.models import SmallGrant


@dataclass
class Event:
    uid: str
    kind: str  # planned, deadline, results, consultation, small_grant
    title: str
    start: date | datetime
    end: date | datetime | None
    url: str
    field: str | None = None
    district: str | None = None
    department_id: int | None = None
    call_type: str | None = None

    @property
    def day(self) -> date:
        return self.start if not isinstance(self.start, datetime) else warsaw_date(self.start)


KINDS = {"planned": _("planowany konkurs"), "deadline": _("termin składania ofert"),
         "results": _("termin wyboru ofert"), "consultation": _("konsultacje"),
         "small_grant": _("uwagi do oferty (art. 19a)"), "education": _("szkolenie lub wykład")}


def _of(model, grantor_id):
    """One authority's (issue 22: the portal /<code>/ and the feed's `grantor` filter), or all."""
    return [model.grantor_id == grantor_id] if grantor_id is not None else []


def events(session, url_for, *, field=None, district=None, department_id=None, call_type=None,
           grantor_id=None) -> list[Event]:
    out: list[Event] = []
    # the contests' few columns the events show, filtered in SQL: the national set's tens of
    # thousands of contests were loaded whole and filtered here (issue 20)
    wanted = [Contest.state.in_(("planned", "published", "closed", "formal_review", "evaluation", "decided")),
              *_of(Contest, grantor_id)]
    for column, value in ((Contest.field, field), (Contest.department_id, department_id),
                          (Contest.call_type, call_type)):
        if value:
            wanted.append(column == value)
    contest_url = _url_of(url_for, "contests.show", "cid")
    for c in session.execute(select(Contest.id, Contest.state, Contest.title, Contest.planned_announcement,
                                    Contest.deadline, Contest.decision_by, Contest.field, Contest.department_id,
                                    Contest.call_type).where(*wanted)):
        common = dict(field=c.field, department_id=c.department_id, call_type=c.call_type, url=contest_url(c.id))
        if c.state == "planned" and c.planned_announcement:
            out.append(Event(f"contest-{c.id}-planned", "planned", c.title, c.planned_announcement, None, **common))
        if c.deadline and c.state != "planned":
            out.append(Event(f"contest-{c.id}-deadline", "deadline", c.title, c.deadline, None, **common))
        if c.decision_by and c.state != "planned":
            out.append(Event(f"contest-{c.id}-results", "results", c.title, c.decision_by, None, **common))
    for k in session.scalars(select(Consultation).where(Consultation.state.in_(("open", "closed", "reported")),
                                                    *_of(Consultation, grantor_id))):
        if k.starts_at and k.ends_at:
            out.append(Event(f"consultation-{k.id}", "consultation", k.title, k.starts_at, k.ends_at,
                             url_for("consultations.show", cid=k.id), field=(k.fields or [None])[0],
                             department_id=k.department_id))
    for g in session.scalars(select(SmallGrant).where(SmallGrant.state.in_(("published", "comments_closed")),
                                                *_of(SmallGrant, grantor_id))):
        if g.published_at and g.comments_close_at:
            out.append(Event(f"small-grant-{g.id}", "small_grant", g.title, g.published_at, g.comments_close_at,
                             url_for("small_grants.show", sid=g.id), field=g.field, department_id=g.department_id,
                             call_type="art19a"))
    for ev in session.scalars(select(EducationEvent).where(EducationEvent.state.in_(("published", "held")))):
        out.append(Event(f"education-event-{ev.id}", "education", f"{EVENT_KINDS[ev.kind]}: {ev.title}",
                         ev.starts_at, ev.ends_at, url_for("education.event", eid=ev.id), district=ev.district,
                         department_id=ev.department_id))
    if field:
        out = [e for e in out if e.field == field]
    if department_id:
        out = [e for e in out if e.department_id == department_id]
    if call_type:
        out = [e for e in out if e.call_type == call_type]
    if district:
        out = [e for e in out if e.district in (None, district)]
    return sorted(out, key=lambda e: (e.day, e.title))


_SENTINEL = 987654321


def _url_of(url_for, endpoint: str, arg: str):
    """The address of `endpoint` for an id, built by url_for once (tens of thousands of contests
    each asked the router before)."""
    template = url_for(endpoint, **{arg: _SENTINEL})
    head, sep, tail = template.rpartition(str(_SENTINEL))
    if not sep:  # an address that does not show the id as such: ask each time
        return lambda pk: url_for(endpoint, **{arg: pk})
    return lambda pk: f"{head}{pk}{tail}"


def ical(evts: list[Event], base_url: str) -> bytes:
    """An iCalendar feed calendar applications subscribe to."""
    cal = Calendar()
    cal.add("prodid", "-//grants//Kalendarz konkursów//PL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Konkursy i konsultacje")
    stamp = real_now()
    for e in evts:
        ev = IEvent()
        ev.add("uid", f"{e.uid}@grants")
        ev.add("dtstamp", stamp)  # required by RFC 5545
        ev.add("summary", f"{KINDS[e.kind]}: {e.title}")
        ev.add("dtstart", e.start)
        if e.end is not None:
            ev.add("dtend", e.end)
        ev.add("url", base_url.rstrip("/") + e.url)
        ev.add("categories", [e.kind])
        cal.add_component(ev)
    return cal.to_ical()
