"""Self-registration of participants (S1): anyone may take part in consultations."""
from sqlalchemy import func, select

from grants.accounts.models import User


def test_participant_registers_with_a_stakeholder_type(app, session):
    client = app.test_client()
    r = client.post("/register", data={"full_name": "Jan Firma", "email": "jan@firma.example.org",
                                       "stakeholder_type": "business", "password": "Dlugie-haslo-123"})
    assert r.status_code == 302
    u = session.scalar(select(User).where(User.email == "jan@firma.example.org"))
    assert u.role_names == frozenset({"participant"}) and u.stakeholder_type == "business"
    assert "Jan Firma" in client.get("/").get_data(as_text=True)


def test_bad_registration_stores_nothing(app, session):
    client = app.test_client()
    for data in ({"full_name": "A", "email": "zly", "stakeholder_type": "resident", "password": "Dlugie-haslo-123"},
                 {"full_name": "A", "email": "a@b.example.org", "stakeholder_type": "king", "password": "Dlugie-haslo-123"},
                 {"full_name": "A", "email": "a@b.example.org", "stakeholder_type": "resident", "password": "krotkie"}):
        assert client.post("/register", data=data).status_code == 422
    assert session.scalar(select(func.count()).select_from(User)) == 0
