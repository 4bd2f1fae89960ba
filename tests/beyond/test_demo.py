"""Issue 17 "Done when": the demo has realistic listings, events and bookings, and the dashboards
count them (partnerships, exchanges, attendance)."""
from __future__ import annotations

from sqlalchemy import select

from grants.education import operations as edu
from grants.education.models import ConsultationSlot, EducationEvent

from .conftest import dashboard_figure


def test_demo_has_listings_events_and_bookings_and_the_dashboards_count_them(app, session):
    from grants import demo
    from grants.demo_beyond import FIRST
    demo.seed()
    client = app.test_client()

    catalogue = client.get("/partnerships/").get_data(as_text=True)
    assert "Wolontariat pracowniczy: remont świetlicy na os. Zgody" in catalogue
    assert "Mentoring dla artystów-przedsiębiorców (szkic)" not in catalogue  # a draft is not in the catalogue
    services = client.get("/services/").get_data(as_text=True)
    assert "Sala na 40 osób w Nowej Hucie" in services and "Pomoc przy sprawozdaniu finansowym" in services
    events = client.get("/education/").get_data(as_text=True)
    assert FIRST in events and "Mobilny punkt konsultacyjny w Nowej Hucie" in events

    lecture = session.scalar(select(EducationEvent).where(EducationEvent.title == FIRST))
    assert edu.counts(session, lecture.id) == {"registered": 3, "waitlisted": 2}  # full, with a waiting list
    assert session.scalar(select(ConsultationSlot).where(ConsultationSlot.state == "booked")) is not None

    assert dashboard_figure(client, "Partnerstwa rozpoczęte") == "1"
    assert dashboard_figure(client, "Wymiany usług zrealizowane") == "1"
    assert dashboard_figure(client, "Szkolenia i wykłady przeprowadzone") == "1"
    assert dashboard_figure(client, "Obecności na szkoleniach") == "3"
