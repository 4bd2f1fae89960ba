"""Education (S13): events with a capacity and a waiting list, consultation slots (R-CAPACITY)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from grants.core import clock
from grants.core.outbox import OutboxEvent
from grants.education import operations as ops
from grants.education.models import ConsultationSlot, EducationEvent, EventRegistration
from grants.jobs import mail
from grants.notifications.models import Notification
from grants.workflows.base import apply_transition
from grants.workflows.errors import GuardRefused, TransitionForbidden, TransitionNotAvailable

from .conftest import dashboard_figure, when


def _states(session, event_id):
    return [r.state for r in session.scalars(select(EventRegistration).where(EventRegistration.event_id == event_id)
                                             .order_by(EventRegistration.id))]


def test_r_capacity_past_capacity_goes_to_the_waiting_list_and_a_cancellation_moves_the_first_up(
        session, make_event, make_user):
    event = make_event(capacity=2)
    people = [make_user("participant", stakeholder_type="resident") for _ in range(4)]
    regs = []
    for p in people:
        regs.append(ops.register(session, p, event.id))
        session.commit()
    assert [r.state for r in regs] == ["registered", "registered", "waitlisted", "waitlisted"]
    apply_transition(session, regs[0], "cancel", people[0])
    assert _states(session, event.id) == ["cancelled", "registered", "registered", "waitlisted"]
    # the first on the waiting list (not the last) moved up, and was told
    told = session.scalars(select(Notification).where(Notification.kind == "event_promoted")).all()
    assert [n.user_id for n in told] == [people[2].id]
    assert ops.counts(session, event.id) == {"registered": 2, "waitlisted": 1}


def test_r_capacity_cancelling_and_registering_again_keeps_the_counts_right(session, make_event, make_user):
    event = make_event(capacity=1)
    a, b = make_user("participant", stakeholder_type="resident"), make_user("participant", stakeholder_type="resident")
    first = ops.register(session, a, event.id)
    session.commit()
    ops.register(session, b, event.id)
    session.commit()
    apply_transition(session, first, "cancel", a)  # b moves up
    again = ops.register(session, a, event.id)  # a again: at the end of the waiting list
    session.commit()
    assert again.state == "waitlisted"
    assert ops.counts(session, event.id) == {"registered": 1, "waitlisted": 1}


def test_a_second_registration_of_the_same_person_is_refused_and_changes_nothing(session, make_event, member):
    event = make_event(capacity=5)
    ops.register(session, member, event.id)
    session.commit()
    with pytest.raises(ops.EducationError):
        ops.register(session, member, event.id)
    session.rollback()
    assert ops.counts(session, event.id) == {"registered": 1, "waitlisted": 0}


def test_registration_for_a_draft_or_another_organisation_is_refused(session, make_event, member, other_org):
    draft = make_event(publish=False)
    with pytest.raises(ops.EducationError):
        ops.register(session, member, draft.id)
    session.rollback()
    event = make_event()
    with pytest.raises(ops.EducationError):
        ops.register(session, member, event.id, organisation_id=other_org.id)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(EventRegistration)) == 0


def test_someone_else_cannot_cancel_a_registration(session, make_event, member, other_member):
    event = make_event()
    reg = ops.register(session, member, event.id)
    session.commit()
    with pytest.raises(TransitionForbidden):
        apply_transition(session, reg, "cancel", other_member)
    assert session.get(EventRegistration, reg.id).state == "registered"


def test_attendance_is_marked_by_the_organiser_after_the_start_and_gives_a_certificate(
        session, make_event, member, officer, clock_at, client, login):
    event = make_event()
    reg = ops.register(session, member, event.id)
    session.commit()
    with pytest.raises(GuardRefused):
        apply_transition(session, reg, "mark_attended", officer)
    clock_at(event.starts_at + timedelta(minutes=5))
    apply_transition(session, session.get(EventRegistration, reg.id), "mark_attended", officer)
    apply_transition(session, session.get(EducationEvent, event.id), "mark_held", officer)
    assert ops.attendance(session)["attended"] == 1
    login(member)
    page = client.get(f"/education/registrations/{reg.id}/certificate")
    assert page.status_code == 200 and "Zaświadczenie o udziale" in page.get_data(as_text=True)
    assert dashboard_figure(client, "Obecności na szkoleniach") == "1"  # the dashboards count it
    assert dashboard_figure(client, "Szkolenia i wykłady przeprowadzone") == "1"


def test_r_capacity_a_lecture_fills_up_through_the_pages_and_a_cancellation_moves_the_first_up(
        app, session, make_event, make_user, login):
    event = make_event(capacity=1)
    a, b = make_user("participant", stakeholder_type="resident"), make_user("participant", stakeholder_type="resident")
    ca, cb = app.test_client(), app.test_client()
    login(a, ca)
    login(b, cb)
    assert ca.post(f"/education/events/{event.id}/register").status_code == 303
    r = cb.post(f"/education/events/{event.id}/register", follow_redirects=True)
    assert "listy rezerwowej" in r.get_data(as_text=True)
    reg = session.scalar(select(EventRegistration).where(EventRegistration.user_id == a.id))
    r = ca.post(f"/education/registrations/{reg.id}/transitions/cancel", data={"version": reg.version})
    assert r.status_code == 303
    session.expire_all()
    assert _states(session, event.id) == ["cancelled", "registered"]
    assert session.scalar(select(Notification.user_id).where(Notification.kind == "event_promoted")) == b.id
    page = cb.get(f"/education/events/{event.id}").get_data(as_text=True)
    assert "zapisany(-a)" in page


def test_pages_of_events_and_slots_are_public_and_forms_are_staff_only(client, make_event, make_slot, member, login):
    event, slot = make_event(), make_slot()
    assert client.get("/education/").status_code == 200
    assert client.get(f"/education/events/{event.id}").status_code == 200
    assert client.get(f"/education/slots/{slot.id}").status_code == 200
    assert client.get(f"/education/slots/{slot.id}/invitation.ics").status_code == 302  # sign in first
    login(member)
    assert client.post("/education/", data={"title": "x"}).status_code == 403
    assert client.post("/education/slots", data={"topic": "x"}).status_code == 403


def test_an_officer_creates_an_event_through_the_page_and_bad_input_is_a_clear_422(client, officer, login, session):
    login(officer)
    r = client.post("/education/", data={"title": "", "kind": "nope", "capacity": "abc", "starts_at": "jutro"})
    assert r.status_code == 422
    assert "Liczba miejsc" in r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(EducationEvent)) == 0
    start = (clock.now() + timedelta(days=3)).astimezone(clock.WARSAW).strftime("%Y-%m-%dT%H:%M")
    end = (clock.now() + timedelta(days=3, hours=2)).astimezone(clock.WARSAW).strftime("%Y-%m-%dT%H:%M")
    r = client.post("/education/", data={"title": "Warsztaty: sprawozdania", "kind": "workshop", "capacity": "20",
                                         "starts_at": start, "ends_at": end, "district": "XIII"})
    assert r.status_code == 303


# ---------------------------------------------------------------- slots

def test_r_capacity_a_booked_slot_cannot_be_booked_again(session, make_slot, member, other_member, org, other_org):
    slot = make_slot()
    apply_transition(session, slot, "book", member, {"organisation_id": org.id, "question": "Jak rozliczyć wkład osobowy?"})
    with pytest.raises(TransitionNotAvailable):
        apply_transition(session, session.get(ConsultationSlot, slot.id), "book", other_member,
                         {"organisation_id": other_org.id, "question": "Czy mogę też przyjść?"})
    assert session.get(ConsultationSlot, slot.id).organisation_id == org.id


def test_booking_for_an_organisation_one_is_not_a_member_of_is_refused(session, make_slot, member, other_org):
    slot = make_slot()
    with pytest.raises(GuardRefused):
        apply_transition(session, slot, "book", member, {"organisation_id": other_org.id, "question": "Pytanie o coś ważnego"})
    assert session.get(ConsultationSlot, slot.id).state == "open"


def test_cancelling_a_booking_later_than_24_hours_before_is_refused(session, make_slot, member, org, clock_at):
    slot = make_slot()
    apply_transition(session, slot, "book", member, {"organisation_id": org.id, "question": "Jak rozliczyć wkład osobowy?"})
    clock_at(slot.starts_at - timedelta(hours=3))
    with pytest.raises(GuardRefused):
        apply_transition(session, session.get(ConsultationSlot, slot.id), "cancel_booking", member)
    assert session.get(ConsultationSlot, slot.id).state == "booked"


def test_slot_booking_through_the_api_with_the_invitation_and_privacy_of_the_question(
        client, api_token, make_slot, member, org, other_member, session, login):
    slot = make_slot()
    public = client.get(f"/api/v1/consultation-slots/{slot.id}").get_json()
    assert public["state"] == "open" and public["question"] is None
    bad = client.post(f"/api/v1/consultation-slots/{slot.id}/transitions/book", headers=api_token(member),
                      json={"organisation_id": "abc"})
    assert bad.status_code == 422
    r = client.post(f"/api/v1/consultation-slots/{slot.id}/transitions/book", headers=api_token(member),
                    json={"organisation_id": org.id, "question": "Jak rozliczyć wkład osobowy?"})
    assert r.status_code == 200 and r.get_json()["question"] == "Jak rozliczyć wkład osobowy?"
    other = client.get(f"/api/v1/consultation-slots/{slot.id}", headers=api_token(other_member)).get_json()
    assert other["booked"] is True and other["question"] is None
    assert session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "slot_booked")) >= 1
    # everyone told by mail gets the invitation attached: the host, and the organisation's other
    # members (the one who booked is the actor: the page offers them the same file)
    mails = [e.data for e in session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "email.send"))
             if "Rezerwacja konsultacji" in e.data["subject"]]
    assert session.get(ConsultationSlot, slot.id).host.email in {m["to"] for m in mails}
    for m in mails:
        msg = mail.build(m["to"], m["subject"], m["body"], html=m.get("html"), attachments=m.get("attachments"))
        parts = {p.get_content_type(): p for p in msg.walk()}
        invitation = Calendar.from_ical(parts["text/calendar"].get_content())
        assert invitation.walk("VEVENT")[0]["uid"] == f"consultation-slot-{slot.id}@grants"
        assert parts["text/calendar"].get_filename() == f"konsultacja-{slot.id}.ics"
    login(member)
    ics = client.get(f"/education/slots/{slot.id}/invitation.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.data


def test_registration_through_the_api(client, api_token, make_event, member):
    event = make_event(capacity=1)
    r = client.post("/api/v1/event-registrations", headers=api_token(member), json={"event_id": str(event.id)})
    assert r.status_code == 201 and r.get_json()["state"] == "registered"
    again = client.post("/api/v1/event-registrations", headers=api_token(member), json={"event_id": str(event.id)})
    assert again.status_code == 422
    assert client.post("/api/v1/event-registrations", json={"event_id": str(event.id)}).status_code == 401
    full = client.get(f"/api/v1/education-events/{event.id}").get_json()
    assert full["registered"] == 1 and full["capacity"] == 1


def test_a_new_event_must_start_in_the_future_and_end_after_it(session, officer):
    past = when(days=-1)
    with pytest.raises(ops.EducationError) as e:
        ops.create_event(session, officer, {"title": "X", "kind": "lecture", "capacity": 5, "district": "I", **past})
    assert {x["field"] for x in e.value.errors} == {"starts_at"}
    session.rollback()


def test_events_are_in_the_public_calendar_and_its_icalendar_feed(client, make_event):
    make_event(title="Wykład: nowelizacja ustawy o pożytku")
    feed = client.get("/calendar.ics")
    assert feed.status_code == 200
    summaries = [str(e["summary"]) for e in Calendar.from_ical(feed.data).walk("VEVENT")]  # lines are folded
    assert any("nowelizacja ustawy o pożytku" in s for s in summaries), summaries


def test_a_reminder_the_day_before_goes_once_to_each_person_with_a_place(session, make_event, member, make_user,
                                                                          clock_at):
    from grants.notifications import reminders
    event = make_event(capacity=1)
    ops.register(session, member, event.id)
    ops.register(session, make_user("participant", stakeholder_type="resident"), event.id)  # waiting: not reminded
    session.commit()
    clock_at(event.starts_at - timedelta(hours=20))
    assert reminders.run(session, clock.now())["events"] == 1
    assert reminders.run(session, clock.now())["events"] == 0
