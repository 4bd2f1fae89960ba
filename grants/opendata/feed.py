"""The changes feed: OCDS releases dated after a moment (a date or date-time; a time without zone is
Europe/Warsaw), oldest first, at most `limit` of them; the date of the last one is the cursor of the
next request. Also as Atom (RFC 4287) for feed readers."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Iterator
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from grants.core.dates import WARSAW

from . import ocds, sources
from .settings import OpenDataSettings
from .values import iso_datetime

MAX_LIMIT = 1000


class BadCursor(ValueError):
    """A `since` that is not a date or date-time in ISO 8601."""


def parse_since(raw: str | None) -> datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if len(raw) > 19 and raw[-6] == " ":
        raw = raw[:-6] + "+" + raw[-5:]  # an unencoded "+01:00" arrives as " 01:00"
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(0, 0), tzinfo=WARSAW)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadCursor(raw) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=WARSAW)


def changes(s: Session, cfg: OpenDataSettings, since: datetime | None, limit: int = MAX_LIMIT) -> list[dict]:
    """Releases dated after `since` (all when None), oldest first, at most `limit`."""
    if since is None:
        items: Iterator[dict] = ocds.releases(s, cfg)
    else:
        items = ocds.since(ocds.releases(s, cfg, ids=sources.contest_ids_changed_since(s, since)), since)
    found = sorted(items, key=lambda r: (datetime.fromisoformat(r["date"]), r["id"]))
    return found[:limit]


def atom(releases: list[dict], title: str, self_url: str, release_url) -> str:
    updated = releases[-1]["date"] if releases else iso_datetime(datetime.now(WARSAW))
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="pl">',
           f"<title>{escape(title)}</title>", f"<id>{escape(self_url)}</id>",
           f'<link rel="self" href="{escape(self_url)}"/>', f"<updated>{updated}</updated>",
           "<author><name>" + escape(title) + "</name></author>"]
    for r in releases:
        tender = r.get("tender") or {}
        label = {"planning": "Plan konkursu", "tender": "Ogłoszenie konkursu", "tenderCancellation": "Unieważnienie",
                 "award": "Wyniki konkursu", "contract": "Umowa", "contractAmendment": "Aneks do umowy",
                 "implementation": "Realizacja", "contractTermination": "Zakończenie umowy"}.get(r["tag"][0], r["tag"][0])
        what = tender.get("title") or r["ocid"]
        out += ["<entry>", f"<id>urn:ocds:{escape(r['id'])}</id>", f"<title>{escape(label)}: {escape(what)}</title>",
                f"<updated>{r['date']}</updated>", f'<link href="{escape(release_url(r["ocid"]))}"/>',
                f"<category term=\"{escape(r['tag'][0])}\"/>",
                f"<summary>{escape(label)} ({escape(r['ocid'])})</summary>", "</entry>"]
    out.append("</feed>")
    return "\n".join(out)
