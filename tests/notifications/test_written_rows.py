"""notify writes each person's inbox row with their values, whether it tells a few people (one
statement built once per count) or many (the general INSERT)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.notifications.models import Notification
from grants.notifications.operations import notify


@pytest.mark.parametrize("people", [1, 3, 8, 11])
def test_each_person_gets_their_row_with_its_values(session, make_user, people):
    users = [make_user("applicant") for _ in range(people)]
    rows = notify(session, [u.id for u in users], "offer_selected",
                  {"title": "Teatr", "number": "2027/1", "amount": "100.00"}, "offer", "7", mail=False)
    session.commit()
    written = session.scalars(select(Notification).where(Notification.object_id == "7")
                              .order_by(Notification.user_id)).all()
    assert len(rows) == people
    assert [n.user_id for n in written] == sorted(u.id for u in users)
    assert {(n.kind, n.object_type, n.delivery, n.read_at) for n in written} == {("offer_selected", "offer", "none", None)}
    assert all(n.params == {"title": "Teatr", "number": "2027/1", "amount": "100.00"} for n in written)
    assert all(n.created_at is not None and n.created_at.tzinfo is not None for n in written)
