"""R-AGR-TRANCHES under concurrency: ten simultaneous pay requests on one tranche (PostgreSQL row locks)."""
from __future__ import annotations

import threading
from datetime import date

import pytest

from tests.after_award.helpers import audit_actions


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_r_agr_tranches_ten_concurrent_payments_of_one_tranche_one_wins(app, world):
    from grants.agreements.models import Tranche
    from grants.core import db
    w = world(("9000.00",))
    a = w.draft(0, pattern="100")
    w.sign(a["id"])
    w.start_task(a["id"])
    tid = a["tranches"][0]["id"]
    url = f"/api/v1/tranches/{tid}/transitions/pay"
    clients = [app.test_client() for _ in range(10)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def call(k, client):
        try:
            barrier.wait(timeout=30)
            r = client.post(url, json={"paid_on": a["task_start"], "transfer_ref": f"KLIK/{k}"}, headers=w.hf)
            with lock:
                statuses.append(r.status_code)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=call, args=(k, c)) for k, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(statuses) == [200] + [409] * 9
    s = db.session()
    t = s.get(Tranche, int(tid))
    assert (t.state, t.paid_amount, t.paid_on) == ("paid", t.amount, date.fromisoformat(a["task_start"]))
    db.session.remove()
    assert audit_actions("tranche", tid).count("pay") == 1


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_r_agr_tranches_concurrent_payments_of_two_tranches_never_exceed_the_grant(app, world):
    """Each tranche alone fits within the grant, both together would not (one was inflated behind the
    operations' back): paid at once, exactly one goes through (the agreement row serialises them)."""
    from decimal import Decimal

    from sqlalchemy import select

    from grants.agreements.models import Tranche
    from grants.core import db
    w = world(("9000.00",))
    a = w.draft(0, pattern="50/50")
    w.sign(a["id"])
    first, second = a["tranches"]
    s = db.session()
    s.get(Tranche, int(second["id"])).amount = Decimal("4500.01")
    s.commit()
    db.session.remove()
    w.at(date.fromisoformat(second["due_on"]), 1)
    assert [t["state"] for t in w.agreement(a["id"])["tranches"]] == ["due", "due"]
    clients = [app.test_client() for _ in range(2)]
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    lock = threading.Lock()

    def call(tid, client):
        barrier.wait(timeout=30)
        r = client.post(f"/api/v1/tranches/{tid}/transitions/pay",
                        json={"paid_on": second["due_on"], "transfer_ref": f"P/{tid}"}, headers=w.hf)
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=call, args=(t["id"], c)) for t, c in zip((first, second), clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [200, 422]
    s = db.session()
    paid = s.scalars(select(Tranche.paid_amount).where(Tranche.agreement_id == int(a["id"]),
                                                       Tranche.state == "paid")).all()
    db.session.remove()
    assert len(paid) == 1 and sum(paid) <= Decimal("9000.00")


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_r_set_partial_concurrent_returns_never_book_more_than_is_owed(app, world):
    """Five simultaneous bookings of the whole amount owed: one is booked, the others are refused as
    above what is owed (the settlement row serialises them)."""
    from grants.settlements.models import ReturnPayment
    from tests.after_award.helpers import count
    w = world(("9000.00",))
    a = w.draft(0, pattern="100")
    w.sign(a["id"])
    w.start_task(a["id"])
    w.pay(a["tranches"][0]["id"], date.fromisoformat(a["task_start"]))
    w.ok(w.post(f"/api/v1/agreements/{a['id']}/transitions/terminate", w.h, {"reason": "Naruszenie umowy."}))
    sid = w.settlement(a["id"])["id"]
    assert w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/calculate", w.hf))["total_to_return"] == "9000.00"
    w.ok(w.post(f"/api/v1/settlements/{sid}/transitions/request_return", w.hf))
    clients = [app.test_client() for _ in range(5)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def call(client):
        barrier.wait(timeout=30)
        r = client.post(f"/api/v1/settlements/{sid}/returns", headers=w.hf,
                        json={"paid_on": a["task_start"], "amount": "9000.00"})
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=call, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [201] + [422] * 4
    assert count(ReturnPayment) == 1
    assert w.ok(w.get(f"/api/v1/settlements/{sid}", w.hf))["outstanding_today"] == "0.00"
