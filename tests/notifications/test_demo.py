"""The demo seeds inboxes: every role has realistic unread notifications (and older ones read)."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.accounts.models import User, UserRole
from grants.notifications.models import Notification


def test_demo_seeds_unread_notifications_for_every_role(app, session, client, login):
    from grants import demo
    demo.seed()
    unread_by_role = dict(session.execute(
        select(UserRole.role, func.count(Notification.id)).join(User, User.id == UserRole.user_id)
        .join(Notification, Notification.user_id == User.id).where(Notification.read_at.is_(None))
        .group_by(UserRole.role)).all())
    for role in ("applicant", "officer", "commission_member", "finance", "participant"):
        assert unread_by_role.get(role, 0) > 0, (role, unread_by_role)
    assert session.scalar(select(func.count()).select_from(Notification).where(Notification.read_at.is_not(None))) > 0
    ngo = session.scalar(select(User).where(User.email == "ngo@demo.krakow.pl"))
    before = session.scalar(select(func.count()).select_from(Notification))
    demo.seed()  # running it twice adds nothing twice
    assert session.scalar(select(func.count()).select_from(Notification)) == before
    c = app.test_client()
    r = c.post("/login", data={"email": ngo.email, "password": demo.DEMO_PASSWORD})
    assert r.status_code == 302
    page = c.get("/notifications/").get_data(as_text=True)
    assert "Nowe:" in page
