"""The contests' search counts at most one page (issue 20): "N+" when more match, the rest reached
through "next" by key without a duplicate or a gap; a search matching fewer counts exactly; the
plain list shows no count (as before)."""
from __future__ import annotations

import re

from grants.web import areas
from tests.factories import make_contest
from tests.web.pager import walk

ROW = re.compile(r'<a href="/contests/(\d+)">')


def test_contests_search_counts_one_page_and_walks_on_by_key(app, session, make_user, client, monkeypatch):
    monkeypatch.setattr(areas, "PER_PAGE", 3)
    officer = make_user("officer")
    chess = [make_contest(session, officer, title=f"Turniej szachowy {i}").id for i in range(7)]
    make_contest(session, officer, title="Festiwal jazzowy")
    html = client.get("/contests/?q=szachowy").get_data(as_text=True)
    assert "Znaleziono: 3+" in html and 'rel="next"' in html
    found = walk(client, "/contests/?q=szachowy", lambda page: [int(i) for i in ROW.findall(page)])
    assert sorted(found) == sorted(chess) and len(found) == len(set(found))
    assert "Znaleziono: 1<" in client.get("/contests/?q=jazzowy").get_data(as_text=True)
    assert "Znaleziono" not in client.get("/contests/").get_data(as_text=True)
