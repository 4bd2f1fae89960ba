"""The public calendar (S6): planned, open and closed contests, offer deadlines, results dates,
consultation periods and art. 19a comment periods, as plain events that the page and the
iCalendar feed both render."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar
from icalendar import Event as IEvent
from sqlalchemy import select

from grants.consultations.models import Consultation
from grants.contests.models import Contest
from grants.education.models import EVENT_KINDS, EducationEvent
from grants.core.clock import real_now, today
from grants.core.dates import start_of_day, warsaw_date
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


#: contests' states whose dates the calendar shows
SHOWN_STATES = ("planned", "published", "closed", "formal_review", "evaluation", "decided")


def _window(column, since: date | None, until: date | None, moment: bool) -> list:
    """`column` within the Warsaw days [since, until); a moment's column compared with the days' instants."""
    out = []
    if since is not None:
        out.append(column >= (start_of_day(since) if moment else since))
    if until is not None:
        out.append(column < (start_of_day(until) if moment else until))
    return out


def events(session, url_for, *, since: date | None = None, until: date | None = None, limit: int | None = None,
           field=None, district=None, department_id=None, call_type=None, grantor_id=None) -> list[Event]:
    """The calendar's events in date order. `since`/`until`: only those of these Warsaw days (until
    excluded). `limit`: the contests' events (the only kind that grows to tens of thousands: the
    national set) are read at most `limit` of each kind, the first from `since` on; the caller keeps
    the first `limit` of the whole (`upcoming`)."""
    out: list[Event] = []
    # the contests' few columns the events show, filtered in SQL: the national set's tens of
    # thousands of contests were loaded whole and filtered here (issue 20)
    wanted = list(_of(Contest, grantor_id))
    for column, value in ((Contest.field, field), (Contest.department_id, department_id),
                          (Contest.call_type, call_type)):
        if value:
            wanted.append(column == value)
    contest_url = _url_of(url_for, "contests.show", "cid")
    columns = (Contest.id, Contest.title, Contest.field, Contest.department_id, Contest.call_type)
    for kind, column, states in (("planned", Contest.planned_announcement, ("planned",)),
                                 ("deadline", Contest.deadline, SHOWN_STATES[1:]),
                                 ("results", Contest.decision_by, SHOWN_STATES[1:])):
        q = (select(*columns, column.label("on")).where(Contest.state.in_(states), column.is_not(None), *wanted,
                                                         *_window(column, since, until, kind == "deadline"))
             .order_by(column, Contest.id))
        for c in session.execute(q.limit(limit) if limit is not None else q):
            out.append(Event(f"contest-{c.id}-{kind}", kind, c.title, c.on, None, field=c.field,
                             department_id=c.department_id, call_type=c.call_type, url=contest_url(c.id)))
    # the other kinds are few (an authority's consultations, art. 19a offers, trainings of a year)
    for k in session.scalars(select(Consultation).where(Consultation.state.in_(("open", "closed", "reported")),
                                                    Consultation.starts_at.is_not(None),
                                                    Consultation.ends_at.is_not(None), *_of(Consultation, grantor_id),
                                                    *_window(Consultation.starts_at, since, until, True))):
        out.append(Event(f"consultation-{k.id}", "consultation", k.title, k.starts_at, k.ends_at,
                         url_for("consultations.show", cid=k.id), field=(k.fields or [None])[0],
                         department_id=k.department_id))
    for g in session.scalars(select(SmallGrant).where(SmallGrant.state.in_(("published", "comments_closed")),
                                                SmallGrant.published_at.is_not(None),
                                                SmallGrant.comments_close_at.is_not(None), *_of(SmallGrant, grantor_id),
                                                *_window(SmallGrant.published_at, since, until, True))):
        out.append(Event(f"small-grant-{g.id}", "small_grant", g.title, g.published_at, g.comments_close_at,
                         url_for("small_grants.show", sid=g.id), field=g.field, department_id=g.department_id,
                         call_type="art19a"))
    for ev in session.scalars(select(EducationEvent).where(EducationEvent.state.in_(("published", "held")),
                                                     *_window(EducationEvent.starts_at, since, until, True))):
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
    return sorted(out, key=lambda e: (e.day, e.title, e.uid))


def whole_days(evts: list[Event], limit: int) -> tuple[list[Event], date | None]:
    """The first events of `evts` (in date order), up to `limit` and whole days only, and the day of
    the first one left out (None: none left out; nothing shown when the first day alone is more)."""
    if len(evts) <= limit:
        return evts, None
    last = evts[limit].day
    return [e for e in evts[:limit] if e.day < last], last


def upcoming(session, url_for, since: date, limit: int, **filters) -> tuple[list[Event], date | None]:
    """The events from the day `since` on, up to `limit` and whole days only, and the day the next
    ones start on (None: nothing more). A day that alone holds more than `limit` events is given whole."""
    shown, last = whole_days(events(session, url_for, since=since, limit=limit + 1, **filters), limit)
    if shown or last is None:
        return shown, last
    shown = events(session, url_for, since=last, until=last + timedelta(days=1), **filters)
    later = events(session, url_for, since=last + timedelta(days=1), limit=1, **filters)
    return shown, later[0].day if later else None


_SENTINEL = 987654321


def _url_of(url_for, endpoint: str, arg: str):
    """The address of `endpoint` for an id, built by url_for once (tens of thousands of contests
    each asked the router before)."""
    template = url_for(endpoint, **{arg: _SENTINEL})
    head, sep, tail = template.rpartition(str(_SENTINEL))
    if not sep:  # an address that does not show the id as such: ask each time
        return lambda pk: url_for(endpoint, **{arg: pk})
    return lambda pk: f"{head}{pk}{tail}"


#: the iCalendar feed's events start this many days back (a subscriber's calendar mirrors the feed;
#: every past year of every authority made the national feed 9.9 MB and 7 s, issue 20)
FEED_PAST_DAYS = 365


def feed(session, url_for, base_url: str, **filters) -> bytes:
    """The feed of the events from FEED_PAST_DAYS ago on."""
    return ical(events(session, url_for, since=today() - timedelta(days=FEED_PAST_DAYS), **filters), base_url)


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
