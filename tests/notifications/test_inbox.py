"""A performed transition becomes notifications for the declared audiences other than the actor,
in the same transaction; the inbox page, the bell, reading, and the API."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.notifications.models import Notification


def test_submission_tells_the_other_members_and_the_officers_never_the_actor(submitted_offer, inbox):
    officer, applicant, colleague, _org, _contest, _offer = submitted_offer()
    assert inbox(applicant) == []  # the actor is not told of their own act
    assert inbox(colleague) == [("offer_received", False)]
    assert inbox(officer) == [("offer_new", False)]


def test_r_notify_obligation_correction_request_tells_members_with_the_due_date_and_mails_at_once(
        submitted_offer, session, inbox, mails, clock_at):
    from grants.core.dates import local
    from grants.offers import operations as oops
    from grants.workflows.base import SYSTEM, apply_transition
    officer, applicant, colleague, _org, contest, offer = submitted_offer()
    clock_at(contest.deadline.isoformat())
    clock_at((contest.deadline + __import__("datetime").timedelta(hours=1)).isoformat())
    apply_transition(session, contest, "close", SYSTEM)
    from grants.contests import operations as cops
    cops.transition(session, contest, "start_formal_review", officer)
    oops.transition(session, offer, "request_correction", officer, {"deficiencies": ["Brak podpisu zarządu"]})
    assert inbox(applicant)[-1] == ("offer_correction_requested", False)
    assert inbox(colleague)[-1] == ("offer_correction_requested", False)
    sent = [m for m in mails(applicant.email) if "uzupełnienia" in m["subject"]]
    assert len(sent) == 1
    due = local(offer.correction_due_at)
    assert f"{due.day} " in sent[0]["body"] and f"{due:%H:%M}" in sent[0]["body"]
    assert "Brak podpisu zarządu" in sent[0]["body"]
    assert "nie można go wyłączyć" in sent[0]["body"]
    assert f"/offers/{offer.id}" in sent[0]["body"] and 'href="http' in sent[0]["html"]


def test_a_transition_that_rolls_back_leaves_no_notification(submitted_offer, session, monkeypatch):
    from grants.offers import operations as oops
    from grants.workflows import base
    officer, applicant, colleague, _org, _contest, offer = submitted_offer()
    before = session.scalar(select(func.count()).select_from(Notification))

    def boom(s, *a):  # after the notification hook told the colleague, in the same transaction
        assert s.scalar(select(func.count()).select_from(Notification)) > before
        raise RuntimeError("database down")
    monkeypatch.setattr(base, "_transition_hooks", [*base._transition_hooks, boom])
    with pytest.raises(RuntimeError):
        oops.transition(session, offer, "withdraw", applicant, {})
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Notification)) == before


def test_inbox_page_bell_open_marks_read_and_goes_to_the_object(submitted_offer, client, login, inbox):
    officer, applicant, colleague, _org, _contest, offer = submitted_offer()
    login(colleague)
    home = client.get("/").get_data(as_text=True)
    assert "nowe: 1" in home and "/notifications/" in home
    page = client.get("/notifications/").get_data(as_text=True)
    assert f"Oferta {offer.number} złożona" in page and "Nowe:" in page
    nid = _ids(colleague)[0]
    r = client.get(f"/notifications/{nid}")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/offers/{offer.id}")
    assert client.get(f"/offers/{offer.id}").status_code == 200  # the link resolves for the reader
    assert inbox(colleague) == [("offer_received", True)]
    assert "nowe: 1" not in client.get("/").get_data(as_text=True)


def test_someone_elses_notification_is_404_and_changes_nothing(submitted_offer, client, login, inbox):
    officer, applicant, colleague, _org, _contest, _offer = submitted_offer()
    login(officer)
    nid = _ids(colleague)[0]
    assert client.get(f"/notifications/{nid}").status_code == 404
    assert client.post(f"/notifications/{nid}/read").status_code == 404
    assert inbox(colleague) == [("offer_received", False)]


def test_english_reader_sees_english_and_api_lists_own_notifications(submitted_offer, client, api_token, session):
    officer, applicant, colleague, _org, _contest, offer = submitted_offer()
    colleague.locale = "en"
    session.commit()
    h = api_token(colleague)
    body = client.get("/api/v1/me/notifications", headers=h).get_json()
    assert body["total"] == 1 and body["unread"] == 1
    item = body["items"][0]
    assert item["kind"] == "offer_received" and item["url"] == f"/offers/{offer.id}"
    assert "submitted" in item["subject"].lower()
    r = client.post(f"/api/v1/me/notifications/{item['id']}/read", headers=h)
    assert r.status_code == 200 and r.get_json()["read_at"]
    assert client.get("/api/v1/me/notifications?unread=true", headers=h).get_json()["total"] == 0
    assert client.get("/api/v1/me/notifications").status_code == 401
    assert client.get("/api/v1/me/notifications?per_page=0", headers=h).status_code == 422


def _ids(user) -> list[int]:
    from grants.core import db
    with db.session.session_factory() as s:
        return list(s.scalars(select(Notification.id).where(Notification.user_id == user.id).order_by(Notification.id)))
