"""The first-publication instant of each OCDS release (see models.PublishedRelease), registered by
`sync`: the scheduler calls it every minute, so the changes feed only reads the register, a page at
a time, whatever the size of the data (issue 20: the feed built every release of every contest on
each request, 11-14 s at a tenth of the national set, and wrote on a GET).

Each sync registers the releases of the contests changed since the last one (with an overlap, as a
fact may be committed a moment after its timestamp), and the next contests of the first pass over
every contest (a deployment whose facts predate the feed), PASS_BATCH at a time. New releases get
the current instant, one microsecond apart (what changed in the order of its facts' dates, the first
pass contest by contest) and after every earlier one, so that a cursor taken from any of them splits
the feed exactly. One sync at a time (an advisory lock on PostgreSQL); a release already registered
keeps its instant."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from grants.core import clock
from grants.core.models import AppSetting

from . import ocds, sources
from .models import PublishedRelease
from .settings import OpenDataSettings

CHUNK = 500
PASS_BATCH = 500  # contests of the first pass per sync
OVERLAP = timedelta(minutes=5)
SYNCED = "opendata.synced_at"  # changes up to this instant (business time) are registered
FIRST_PASS = "opendata.first_pass_after"  # the last contest id the first pass registered; DONE at its end
DONE = "done"
_LOCK = 0x6F70656E64617461  # "opendata": one syncer at a time


def sync(s: Session, cfg: OpenDataSettings) -> int:
    """Registers what became public since the last sync and the next batch of the first pass;
    commits; returns how many releases it registered (0 also when another sync holds the lock)."""
    if s.get_bind().dialect.name == "postgresql" and not s.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"),
                                                                  {"k": _LOCK}):
        return 0
    marks = dict(s.execute(select(AppSetting.key, AppSetting.value)
                           .where(AppSetting.key.in_((SYNCED, FIRST_PASS)))).all())
    started = clock.now()
    changed: list[int] = []
    if marks.get(SYNCED):
        # a business clock set back (a demo, a correction) stamps facts before the last mark
        since = min(datetime.fromisoformat(marks[SYNCED]), started) - OVERLAP
        changed = sources.contest_ids_changed_since(s, since)
    batch: list[int] = []
    first_pass = marks.get(FIRST_PASS, "0")
    if first_pass != DONE:
        batch = sources.contest_ids_after(s, int(first_pass), PASS_BATCH)
        _mark(s, FIRST_PASS, str(batch[-1]) if len(batch) == PASS_BATCH else DONE)
    ids = sorted(set(changed) | set(batch))
    built = list(ocds.releases(s, cfg, ids=ids)) if ids else []
    # what changed, in the order of its facts' dates (the feed then reads as a story); the first pass
    # contest by contest, so that a page of it is a few whole records, not a few facts of a hundred
    # contests (each built on each request)
    news = set(changed)
    of = {r["id"]: ocds.contest_id_of(cfg, r["ocid"]) for r in built}
    recent = sorted((r for r in built if of[r["id"]] in news), key=_by_date)
    older = sorted((r for r in built if of[r["id"]] not in news), key=lambda r: (of[r["id"]], *_by_date(r)))
    registered = _register(s, recent + older)
    _mark(s, SYNCED, started.isoformat())
    s.commit()
    return registered


def sync_all(s: Session, cfg: OpenDataSettings) -> int:
    """Syncs until the first pass is done (a test, a restored copy); returns the releases registered."""
    total = sync(s, cfg)
    while s.scalar(select(AppSetting.value).where(AppSetting.key == FIRST_PASS)) != DONE:
        total += sync(s, cfg)
    return total


def page(s: Session, since: datetime | None, limit: int) -> list:
    """The register's next `limit` releases first published after `since` (from the first when None),
    in the order of publication, as rows (release_id, ocid, first_published_at): by its index, a
    page costs the same however long the register."""
    q = (select(PublishedRelease.release_id, PublishedRelease.ocid, PublishedRelease.first_published_at)
         .order_by(PublishedRelease.first_published_at, PublishedRelease.release_id))
    if since is not None:
        q = q.where(PublishedRelease.first_published_at > since)
    return list(s.execute(q.limit(limit)))


def _by_date(release: dict) -> tuple:
    return datetime.fromisoformat(release["date"]), release["id"]


def _register(s: Session, releases: list[dict]) -> int:
    known: set[str] = set()
    ids = [r["id"] for r in releases]
    for i in range(0, len(ids), CHUNK):
        known.update(s.scalars(select(PublishedRelease.release_id)
                               .where(PublishedRelease.release_id.in_(ids[i:i + CHUNK]))))
    new = [r for r in releases if r["id"] not in known]
    if not new:
        return 0
    # strictly after every instant already given, so a cursor never hides a later registration
    # (the business clock may stand still in a demo or repeat after a correction)
    latest = s.scalar(select(func.max(PublishedRelease.first_published_at)))
    now = clock.now() if latest is None else max(clock.now(), latest + timedelta(microseconds=1))
    rows = [{"release_id": r["id"], "ocid": r["ocid"], "first_published_at": now + timedelta(microseconds=n)}
            for n, r in enumerate(new)]
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    for i in range(0, len(rows), CHUNK):
        s.execute(insert(PublishedRelease).values(rows[i:i + CHUNK]).on_conflict_do_nothing())
    return len(new)


def _mark(s: Session, key: str, value: str) -> None:
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(insert(AppSetting).values(key=key, value=value)
              .on_conflict_do_update(index_elements=[AppSetting.key], set_={"value": value}))
