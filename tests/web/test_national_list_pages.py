"""The national list of open calls (/kraj/) pages by key (issue 20): at the national size it listed
every authority's open calls on one page (5,000 rows, 1.2 MB)."""
from __future__ import annotations

import re
from datetime import timedelta

from grants.core import clock
from grants.web import areas
from tests.factories import make_contest


def test_the_national_list_of_open_calls_comes_a_page_at_a_time_nearest_deadline_first(app, client, session,
                                                                                       make_user, monkeypatch):
    monkeypatch.setattr(areas, "PER_PAGE", 2)
    officer = make_user("officer")
    contests = [make_contest(session, officer, title=f"Otwarty nabór {n}", deadline=clock.now() + timedelta(days=d))
                for n, d in ((1, 60), (2, 40), (3, 50))]
    session.commit()
    first = client.get("/kraj/").get_data(as_text=True)
    assert first.index("Otwarty nabór 2") < first.index("Otwarty nabór 3") and "Otwarty nabór 1" not in first
    assert "Znaleziono: 3" in first
    after = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(after).get_data(as_text=True)
    assert "Otwarty nabór 1" in second and "Otwarty nabór 2" not in second
    assert f'href="/contests/{contests[0].id}"' in second
    # the filters stay on the pages
    assert "Znaleziono: 0" in client.get("/kraj/?grantor=NIEMA").get_data(as_text=True)
