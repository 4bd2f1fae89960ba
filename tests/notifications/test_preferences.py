"""Preferences per category on /account: immediately, daily digest or never; obligations cannot be
switched off (R-NOTIFY-OBLIGATION); changing a preference changes what arrives."""
from __future__ import annotations

from sqlalchemy import select

from grants.notifications import kinds
from grants.notifications.models import Notification, NotificationPreference
from grants.notifications.operations import notify, preferences_of


def _prefs(session, user):
    return {p.category: p.mode for p in session.scalars(select(NotificationPreference)
                                                        .where(NotificationPreference.user_id == user.id))}


def test_defaults_immediate_for_obligations_and_decisions_digest_for_the_rest(app, session, make_user):
    user = make_user("applicant")
    assert preferences_of(session, [user.id])[user.id] == {
        "obligations": "immediate", "decisions": "immediate", "announcements": "digest", "work": "digest",
        "comments": "digest"}


def test_account_section_shows_categories_and_says_obligations_cannot_be_switched_off(app, client, login, make_user):
    user = make_user("applicant")
    login(user)
    page = client.get("/account/").get_data(as_text=True)
    assert 'id="notifications"' in page and "Terminy i obowiązki" in page
    assert "nie można wyłączyć" in page
    assert 'name="pref_obligations"' not in page  # no control to switch them off
    assert 'name="pref_decisions" value="never"' in page


def test_changing_a_preference_changes_what_arrives(app, client, login, make_user, session, mails):
    user = make_user("applicant")
    login(user)
    r = client.post("/notifications/preferences", data={"pref_decisions": "never", "pref_announcements": "immediate",
                                                         "pref_work": "digest", "pref_comments": "never"})
    assert r.status_code == 303
    assert _prefs(session, user) == {"decisions": "never", "announcements": "immediate", "work": "digest",
                                     "comments": "never"}
    notify(session, [user.id], "offer_selected", {"title": "T", "number": "1", "amount": "10.00"}, "offer", "1")
    notify(session, [user.id], "contest_published", {"title": "Nowy konkurs"}, "contest", "1")
    session.commit()
    assert [m["subject"] for m in mails(user.email)] == ["Nowy konkurs: Nowy konkurs"]
    # the inbox has both: the preference is about e-mail only
    assert len(session.scalars(select(Notification).where(Notification.user_id == user.id)).all()) == 2


def test_r_notify_obligation_cannot_be_switched_off_refused_with_reason_nothing_changed(
        app, client, login, make_user, session, mails):
    user = make_user("applicant")
    login(user)
    r = client.post("/notifications/preferences", data={"pref_obligations": "never", "pref_decisions": "digest"},
                    follow_redirects=True)
    assert "nie można wyłączyć" in r.get_data(as_text=True)
    assert _prefs(session, user) == {}  # nothing changed, not even the valid part
    session.add(NotificationPreference(user_id=user.id, category="obligations", mode="never"))  # forged row
    session.commit()
    notify(session, [user.id], "report_correction_requested", {"title": "T", "number": "U/1", "due": "2027-05-05"},
           "report", "1")
    session.commit()
    assert len(mails(user.email)) == 1  # sent at once whatever the row says
    assert kinds.KINDS["report_correction_requested"].obligation


def test_bad_preference_input_is_refused_with_a_polish_message(app, client, login, make_user, session):
    user = make_user("applicant")
    login(user)
    r = client.post("/notifications/preferences", data={"pref_decisions": "sometimes"}, follow_redirects=True)
    assert r.status_code == 200 and "Wybierz: od razu" in r.get_data(as_text=True)
    assert _prefs(session, user) == {}
