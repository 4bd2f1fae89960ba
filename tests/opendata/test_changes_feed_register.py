"""The changes feed reads the register of published releases a page at a time (only the page's
contests are built) and writes nothing; the scheduler's sync fills the register: what changed since
its last run, and a first pass over every contest in batches (R-PUB-RESULTS, issue 20)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from grants.contests.models import Contest
from grants.core import db
from grants.core.models import AppSetting
from grants.jobs.scheduler import Scheduler
from grants.opendata import feed, jsonout, ocds, publications, settings, sources
from grants.opendata.models import PublishedRelease


@pytest.fixture
def demo(app):
    from grants.demo import seed
    seed()


def _registered(s) -> int:
    return s.scalar(select(func.count()).select_from(PublishedRelease))


def _all_releases(s, cfg) -> set[str]:
    return {r["id"] for r in ocds.releases(s, cfg)}


def test_r_pub_results_the_first_pass_registers_every_public_contest_in_batches(demo, monkeypatch):
    s, cfg = db.session(), settings.load()
    everything = _all_releases(s, cfg)
    assert len(sources.contest_ids(s)) > 2 and everything
    monkeypatch.setattr(publications, "PASS_BATCH", 2)
    first = publications.sync(s, cfg)
    on_two = {r["id"] for r in ocds.releases(s, cfg, ids=sources.contest_ids(s)[:2])}
    assert first == len(on_two) == _registered(s)
    publications.sync_all(s, cfg)
    assert set(s.scalars(select(PublishedRelease.release_id))) == everything
    assert publications.sync(s, cfg) == 0  # nothing new: nothing registered twice


def test_r_pub_results_the_feed_walks_the_register_page_by_page_building_only_the_pages_contests(
        demo, monkeypatch):
    s, cfg = db.session(), settings.load()
    publications.sync_all(s, cfg)
    in_order = list(s.scalars(select(PublishedRelease.release_id)
                              .order_by(PublishedRelease.first_published_at, PublishedRelease.release_id)))
    built: list[list[int]] = []
    releases = ocds.releases
    monkeypatch.setattr(ocds, "releases", lambda s_, cfg_, **kw: built.append(kw["ids"]) or releases(s_, cfg_, **kw))
    walked, since = [], None
    while True:
        page, cursor = feed.changes(s, cfg, since, limit=3)
        if cursor is None:
            break
        assert 1 <= len(page) <= 3
        walked += [r["id"] for r in page]
        since = cursor
    assert walked == in_order  # every release once, in the order of publication
    assert built and all(len(ids) <= 3 for ids in built)


def test_r_pub_results_reading_the_feed_writes_nothing_a_new_fact_appears_once_synced(demo, client, clock_at):
    s, cfg = db.session(), settings.load()
    publications.sync_all(s, cfg)
    marks = dict(s.execute(select(AppSetting.key, AppSetting.value)).all())
    first = jsonout.loads(client.get("/open-data/changes.json").data)
    cursor = first["links"]["next"]
    target = s.scalars(select(Contest).where(Contest.state == "evaluation")).first()
    target.results_published_at = s.scalar(select(func.max(Contest.results_published_at))) + timedelta(days=1)
    target.state = "decided"
    s.commit()
    count = _registered(s)
    assert jsonout.loads(client.get(cursor).data)["releases"] == []  # not registered yet
    assert _registered(s) == count and dict(s.execute(select(AppSetting.key, AppSetting.value)).all()) == marks
    assert publications.sync(s, cfg) >= 1
    awards = [r for r in jsonout.loads(client.get(cursor).data)["releases"] if r["tag"] == ["award"]]
    assert [r["ocid"] for r in awards] == [ocds.ocid(cfg, target.id)]


def test_the_schedulers_tick_registers_the_published_releases_once_a_minute(demo, app):
    s = db.session()
    sch = Scheduler(app)
    assert sch.tick()["published"] > 0
    assert _registered(s) == len(_all_releases(s, settings.load()))
    assert sch.tick()["published"] is False  # too soon


def test_one_sync_at_a_time(demo, app):
    s, cfg = db.session(), settings.load()
    if s.get_bind().dialect.name != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite serialises writers itself")
    with db.session.session_factory() as other:
        assert other.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": publications._LOCK})
        assert publications.sync(s, cfg) == 0 and _registered(s) == 0  # the other one is syncing
        other.rollback()
    assert publications.sync(s, cfg) > 0


def test_an_ocid_names_a_contest_of_this_deployment_or_none():
    cfg = settings.load()
    assert ocds.contest_id_of(cfg, ocds.ocid(cfg, 42)) == 42
    for other in ("", "nonsense", ocds.ocid(cfg, 42) + "x", "ocds-elsewhere-contest-42", ocds.ocid(cfg, 10**12)):
        assert ocds.contest_id_of(cfg, other) is None
