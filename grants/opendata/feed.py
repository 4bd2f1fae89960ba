"""The changes feed: OCDS releases first published after a moment (a date or date-time; a time without
zone is Europe/Warsaw), in the order of publication, at most `limit` of them; the publication instant
of the last one is the cursor of the next request. A fact recorded late (its release dated in the past)
is still new to a harvester who asked before it was recorded. Also as Atom (RFC 4287) for feed readers.
A release is in the feed once the scheduler has registered it (grants.opendata.publications.sync,
every minute): the feed itself only reads."""
from __future__ import annotations

from datetime import date, datetime, time
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from grants.core.dates import WARSAW

from . import ocds, publications
from .settings import OpenDataSettings
from .values import iso_datetime

MAX_LIMIT = 100  # releases a page: its contests are built on each request


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


def changes(s: Session, cfg: OpenDataSettings, since: datetime | None,
            limit: int = MAX_LIMIT) -> tuple[list[dict], datetime | None]:
    """Releases first published after `since` (from the first when None), in the order of
    publication, at most `limit`; and the cursor for the next request (the last one's publication
    instant). Read from the register (grants.opendata.publications) a page at a time: only the
    page's contests are built."""
    registered = publications.page(s, since, limit)
    ids = sorted({cid for r in registered if (cid := ocds.contest_id_of(cfg, r.ocid)) is not None})
    built = {r["id"]: r for r in ocds.releases(s, cfg, ids=ids)} if ids else {}
    # a release no longer public (its contest withdrawn from the portal) is left out, its place kept
    found = [built[r.release_id] for r in registered if r.release_id in built]
    return found, (registered[-1].first_published_at if registered else None)


def cursor_text(cursor: datetime) -> str:
    """The cursor as the next request's `since`: Warsaw time to the microsecond (parse_since reads it)."""
    return cursor.astimezone(WARSAW).isoformat()


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
