"""Twenty simultaneous requests for one transition: exactly one wins (PostgreSQL row lock)."""
from __future__ import annotations

import threading

import pytest

from tests.api.conftest import build_consultation


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_twenty_concurrent_transitions_one_wins(app, session, make_user, api_token, snapshot):
    officer = make_user("officer")
    headers = api_token(officer)
    c = build_consultation(session, officer)
    url = f"/api/v1/consultations/{c.id}/transitions/open"
    clients = [app.test_client() for _ in range(20)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def call(client):
        try:
            barrier.wait(timeout=30)
            r = client.post(url, headers=headers)
            with lock:
                statuses.append(r.status_code)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=call, args=(cl,)) for cl in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(statuses) == [200] + [409] * 19
    assert snapshot(c.id) == (2, "open", 2)  # created, opened once


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_twenty_concurrent_retries_with_one_idempotency_key(app, session, make_user, api_token, snapshot):
    """A double-clicked (here: twenty times) submit yields one transition and the same answer."""
    officer = make_user("officer")
    headers = {**api_token(officer), "Idempotency-Key": "double-click"}
    c = build_consultation(session, officer)
    url = f"/api/v1/consultations/{c.id}/transitions/open"
    clients = [app.test_client() for _ in range(20)]
    barrier = threading.Barrier(len(clients))
    results: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def call(client):
        barrier.wait(timeout=30)
        r = client.post(url, headers=headers)
        with lock:
            results.append((r.status_code, r.get_data()))

    threads = [threading.Thread(target=call, args=(cl,)) for cl in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 20
    assert {status for status, _ in results} == {200}
    assert len({body for _, body in results}) == 1
    assert snapshot(c.id) == (2, "open", 2)
