"""The changes feed: OCDS releases first published after a moment (a date or date-time; a time without
zone is Europe/Warsaw), in the order of publication, at most `limit` of them; the publication instant
of the last one is the cursor of the next request. A fact recorded late (its release dated in the past)
is still new to a harvester who asked before it was recorded. Also as Atom (RFC 4287) for feed readers."""
from __future__ import annotations

from datetime import date, datetime, time
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from grants.core.dates import WARSAW

from . import ocds, publications, sources
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


def changes(s: Session, cfg: OpenDataSettings, since: datetime | None,
            limit: int = MAX_LIMIT) -> tuple[list[dict], datetime | None]:
    """Releases first published after `since` (all when None), in the order of publication, at most
    `limit`; and the cursor for the next request (the last one's publication instant)."""
    if since is None:
        items = list(ocds.releases(s, cfg))
    else:
        items = list(ocds.releases(s, cfg, ids=sources.contest_ids_changed_since(s, since)))
    # a release is registered in the order of its fact's date, so a first harvest reads as a story
    items.sort(key=lambda r: (datetime.fromisoformat(r["date"]), r["id"]))
    published = publications.first_published(s, items)
    if since is not None:
        items = [r for r in items if published[r["id"]] > since]
    items.sort(key=lambda r: (published[r["id"]], r["id"]))
    found = items[:limit]
    return found, (published[found[-1]["id"]] if found else None)


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
