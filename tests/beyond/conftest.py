"""People and objects of issue 17 (education, mutual services, partnerships), built through the
real operations."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from grants.core import clock


@pytest.fixture
def officer(make_user):
    return make_user("officer")


@pytest.fixture
def org(make_org):
    return make_org("Stowarzyszenie Sąsiedzi z Podgórza")


@pytest.fixture
def other_org(make_org):
    return make_org("Fundacja Zielony Kraków")


@pytest.fixture
def member(make_user, org):
    return make_user("applicant", org=org)


@pytest.fixture
def other_member(make_user, other_org):
    return make_user("applicant", org=other_org)


@pytest.fixture
def business(make_user):
    return make_user("participant", stakeholder_type="business")


def when(days: float = 7, hours: float = 2) -> dict:
    start = clock.now() + timedelta(days=days)
    return {"starts_at": start, "ends_at": start + timedelta(hours=hours)}


@pytest.fixture
def make_event(session, officer):
    """make_event(capacity=2, publish=True): a lecture a week from now."""
    from grants.education import operations as ops
    from grants.workflows.base import apply_transition

    def make(capacity: int = 2, publish: bool = True, **values):
        values = {"title": "Zmiany w ustawie o pożytku publicznym", "kind": "lecture", "capacity": capacity,
                  "district": "I", **when(), **values}
        obj = ops.create_event(session, officer, values)
        session.commit()
        if publish:
            apply_transition(session, obj, "publish", officer)
        return obj
    return make


@pytest.fixture
def make_slot(session, officer):
    from grants.education import operations as ops

    def make(**values):
        obj = ops.create_slot(session, officer, {"topic": "Rozliczenie dotacji", "online_url": "https://meet.example.org/x",
                                                 **when(), **values})
        session.commit()
        return obj
    return make


def dashboard_figure(client, label: str) -> str:
    """The value the public dashboard shows beside `label` in its "beyond grants" table."""
    page = client.get("/dashboards/public").get_data(as_text=True)
    found = re.search(r"<th scope=\"row\">" + re.escape(label) + r"</th><td class=\"num\">([^<]*)</td>", page)
    assert found, label
    return found.group(1)
