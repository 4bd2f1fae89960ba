"""R-RODO: the personal data export holds the person's notifications, their preferences and the
newsletter subscriptions of their address; nothing of another person, never an unsubscribe token."""
from __future__ import annotations

import json

from grants.notifications import kinds, subscriptions
from grants.notifications.operations import notify, set_preferences
from grants.privacy.export import personal_data


def test_r_rodo_export_holds_ones_notifications_preferences_and_subscriptions(app, session, make_user):
    me = make_user("applicant", email="ja@test.example.org")
    other = make_user("applicant", email="ktos.inny@test.example.org")
    notify(session, [me.id, other.id], "offer_selected", {"title": "Teatr", "number": "2027/1", "amount": "100.00"},
           "offer", "1")
    set_preferences(session, me, {kinds.ANNOUNCEMENTS: kinds.NEVER})
    mine = subscriptions.subscribe(session, "JA@test.example.org", ["contests"], fields=["culture"])
    theirs = subscriptions.subscribe(session, other.email, ["contests"])
    session.commit()

    data = personal_data(session, me)
    [n] = data["notifications"]
    assert n["kind"] == "offer_selected" and n["params"]["amount"] == "100.00" and n["read_at"] is None
    assert {"category": kinds.ANNOUNCEMENTS, "mode": kinds.NEVER} in data["notification_preferences"]
    [s] = data["subscriptions"]
    assert s["id"] == mine.id and s["fields"] == ["culture"] and s["active"] is False  # not yet confirmed
    text = json.dumps(data)
    assert mine.token not in text and theirs.token not in text
    assert "ktos.inny" not in text
