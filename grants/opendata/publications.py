"""The first-publication instant of each OCDS release (see models.PublishedRelease): looked up for the
releases the feed is about to answer with; those never seen get the current instant, one microsecond
apart in the order given and after every earlier one, so that a cursor taken from any of them splits the feed exactly. Two feeds
answering at once register the same release once (the insert ignores an existing id)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from grants.core import clock

from .models import PublishedRelease

CHUNK = 500


def first_published(s: Session, releases: list[dict]) -> dict[str, datetime]:
    ids = [r["id"] for r in releases]
    known: dict[str, datetime] = {}
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        known.update(s.execute(select(PublishedRelease.release_id, PublishedRelease.first_published_at)
                               .where(PublishedRelease.release_id.in_(part))).all())
    new = [r for r in releases if r["id"] not in known]
    if new:
        # strictly after every instant already given, so a cursor never hides a later registration
        # (the business clock may stand still in a demo or repeat after a correction)
        latest = s.scalar(select(func.max(PublishedRelease.first_published_at)))
        now = clock.now() if latest is None else max(clock.now(), latest + timedelta(microseconds=1))
        rows = [{"release_id": r["id"], "ocid": r["ocid"], "first_published_at": now + timedelta(microseconds=n)}
                for n, r in enumerate(new)]
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        for i in range(0, len(rows), CHUNK):
            s.execute(insert(PublishedRelease).values(rows[i:i + CHUNK]).on_conflict_do_nothing())
        s.commit()
        # another request may have registered some of them first: its instant is the one that holds
        for i in range(0, len(new), CHUNK):
            part = [r["id"] for r in new[i:i + CHUNK]]
            known.update(s.execute(select(PublishedRelease.release_id, PublishedRelease.first_published_at)
                                   .where(PublishedRelease.release_id.in_(part))).all())
    return known
