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


def test_the_demos_contest_and_offer_histories_read_in_order_of_time(app, session):
    """What the demo backdates (a contest published weeks ago, offers submitted then, formal checks
    made during the review) is recorded at those moments too: each contest's and offer's history,
    in the order it happened, never goes back in time (a page reading 05.12, 21.09, 05.12, 05.11
    confuses whoever looks at the demo first)."""
    from grants import demo
    from grants.core.audit import AuditEntry
    demo.seed()
    rows = session.execute(select(AuditEntry.object_type, AuditEntry.object_id, AuditEntry.clock_at)
                           .where(AuditEntry.object_type.in_(("contest", "offer")))
                           .order_by(AuditEntry.object_type, AuditEntry.object_id, AuditEntry.seq)).all()
    backwards = [(t, i, at, prev) for (t, i, at), (pt, pi, prev) in zip(rows[1:], rows) if (t, i) == (pt, pi) and at < prev]
    assert rows and backwards == []
