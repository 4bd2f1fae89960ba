"""Reading the pager every list page has (grants/web/templates/macros/_pager.html) in tests."""
from __future__ import annotations

import re

_NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def next_link(html: str) -> str | None:
    """The address of the list's next page (by key), or None on the last page."""
    m = _NEXT.search(html)
    return m.group(1).replace("&amp;", "&") if m else None


def walk(client, url: str, found) -> list:
    """Every page of a list from `url` on through its "next" links: `found(html)` gives each page's
    rows, all of them returned in order (a duplicate or a gap shows in the caller's comparison)."""
    seen, pages = [], 0
    while url:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        html = r.get_data(as_text=True)
        seen += found(html)
        url, pages = next_link(html), pages + 1
        assert pages < 1000
    return seen
