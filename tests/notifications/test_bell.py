"""The bell's unread count is one indexed count per signed-in page, also on the home page that
lists the unread items (it asks for their rows only when there are any)."""
from __future__ import annotations

import contextlib
import re

from sqlalchemy import event

from grants.core import db
from grants.notifications.operations import notify


@contextlib.contextmanager
def statements_on_notifications():
    seen: list[str] = []

    def before(conn, cursor, statement, params, context, executemany):
        if re.search(r"\bFROM notifications\b", statement):
            seen.append(statement)
    eng = db.get_engine()
    event.listen(eng, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(eng, "before_cursor_execute", before)


def test_the_bell_counts_once_per_page_and_the_home_page_reads_rows_only_when_unread(
        app, session, make_user, client, login):
    me = make_user("applicant")
    login(me)
    with statements_on_notifications() as seen:
        page = client.get("/")
    assert page.status_code == 200
    assert len(seen) == 1 and "count(" in seen[0].lower()  # nothing unread: the count alone
    notify(session, [me.id], "offer_selected", {"title": "Teatr", "number": "2027/1"}, "offer", "1")
    session.commit()
    with statements_on_notifications() as seen:
        page = client.get("/").get_data(as_text=True)
    assert "nowe: 1" in page and "Oferta 2027/1 wybrana" in page  # the bell and the home's section
    assert len(seen) == 2  # the count (shared by both) and the five newest rows
    with statements_on_notifications() as seen:
        assert client.get("/account/").status_code == 200
    assert len(seen) == 1 and "count(" in seen[0].lower()  # any other page: the bell's count
