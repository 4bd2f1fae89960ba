"""R-CAPACITY under concurrency on PostgreSQL: 20 organisations booking one slot at once get one
booking; 20 people registering for 5 places at once get 5 places and 15 on the waiting list; a
cancellation racing new registrations keeps the count at the capacity."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.accounts.models import User
from grants.core import db
from grants.education import operations as ops
from grants.education.models import ConsultationSlot, EventRegistration
from grants.workflows.base import apply_transition
from grants.workflows.errors import WorkflowError

pytestmark = pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file")
THREADS = 20


@pytest.fixture
def engine():
    eng = db.make_engine(db.get_engine().url.render_as_string(hide_password=False),
                         pool_size=THREADS + 2, max_overflow=0)
    yield eng
    eng.dispose()


def _race(engine, user_ids, attempt):
    """Each of `user_ids` in its own session, all released at once: attempt(session, user, i)."""
    barrier = threading.Barrier(len(user_ids))
    results: list = [None] * len(user_ids)

    def run(i):
        with Session(engine, expire_on_commit=False) as s:
            try:
                user = s.get(User, user_ids[i])
                user.role_names, user.organisation_ids  # loaded before the race
                s.commit()
                barrier.wait(timeout=30)
                results[i] = attempt(s, user, i) or "ok"
            except (WorkflowError, ops.EducationError) as e:
                s.rollback()
                results[i] = e
            except Exception as e:  # noqa: BLE001 - reported by the assertions
                s.rollback()
                results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(user_ids))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_r_capacity_twenty_concurrent_bookings_of_one_slot_yield_exactly_one(engine, session, make_slot, make_org,
                                                                             make_user):
    slot = make_slot()
    orgs = [make_org(f"Fundacja {i}") for i in range(THREADS)]
    users = [make_user("applicant", org=o) for o in orgs]
    ids = [u.id for u in users]
    session.close()

    def book(s, user, i):
        apply_transition(s, s.get(ConsultationSlot, slot.id), "book", user,
                         {"organisation_id": orgs[i].id, "question": f"Pytanie organizacji numer {i}"})

    results = _race(engine, ids, book)
    assert results.count("ok") == 1, results
    assert all(isinstance(r, WorkflowError) for r in results if r != "ok"), results
    fresh = session.get(ConsultationSlot, slot.id)
    winner = results.index("ok")
    assert fresh.state == "booked" and fresh.organisation_id == orgs[winner].id


def test_r_capacity_twenty_concurrent_registrations_fill_five_places_and_queue_the_rest(engine, session, make_event,
                                                                                        make_user):
    event = make_event(capacity=5)
    ids = [make_user("participant", stakeholder_type="resident").id for _ in range(THREADS)]
    session.close()

    def register(s, user, i):
        ops.register(s, user, event.id)
        s.commit()

    results = _race(engine, ids, register)
    assert results.count("ok") == THREADS, results
    assert ops.counts(session, event.id) == {"registered": 5, "waitlisted": THREADS - 5}


def test_r_capacity_a_cancellation_racing_registrations_never_goes_over(engine, session, make_event, make_user):
    event = make_event(capacity=3)
    first = [make_user("participant", stakeholder_type="resident") for _ in range(3)]
    regs = []
    for u in first:
        regs.append(ops.register(session, u, event.id))
        session.commit()
    newcomers = [make_user("participant", stakeholder_type="resident").id for _ in range(THREADS - 1)]
    ids = [first[0].id, *newcomers]
    reg_id = regs[0].id
    session.close()

    def act(s, user, i):
        if i == 0:
            apply_transition(s, s.get(EventRegistration, reg_id), "cancel", user)
        else:
            ops.register(s, user, event.id)
            s.commit()

    results = _race(engine, ids, act)
    assert results.count("ok") == THREADS, results
    counts = ops.counts(session, event.id)
    assert counts["registered"] == 3
    assert counts["waitlisted"] == THREADS - 1 - (3 - 2)  # the freed place went to one newcomer
    assert session.scalar(select(func.count()).select_from(EventRegistration)) == 3 + THREADS - 1
