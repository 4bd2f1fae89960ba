"""Bulk downloads are made once per version of their data and served from the file kept of it; while
the data keep changing, a file younger than the refresh period is served for the newer version too,
so one is made at most that often (issue 20: each request made the whole package anew)."""
from __future__ import annotations

import os
import time

import pytest

from grants.opendata import downloads, jsonout, threesixty


def _maker(calls: list, content: bytes = b"{}"):
    def produce(f) -> bool:
        calls.append(1)
        f.write(content)
        return True
    return produce


def _version(value: str, asked: list | None = None):
    return lambda: (asked.append(1) if asked is not None else None) or value


def _age(path, seconds: float) -> None:
    os.utime(path, (time.time() - seconds, time.time() - seconds))


def test_a_version_is_made_once_and_served_from_its_file(tmp_path):
    calls: list = []
    first = downloads.kept(tmp_path, "dotacje-360giving.json", _version("aa11"), _maker(calls, b"one"))
    again = downloads.kept(tmp_path, "dotacje-360giving.json", _version("aa11"), _maker(calls, b"two"))
    assert len(calls) == 1 and first.file.read() == again.file.read() == b"one"
    assert first.version == again.version == "aa11" and first.size == 3


def test_the_datas_version_is_read_once_a_period_and_an_unchanged_file_kept(tmp_path):
    calls, asked = [], []
    downloads.kept(tmp_path, "dotacje-360giving.json", _version("aa11", asked), _maker(calls), refresh=600)
    for _ in range(3):
        downloads.kept(tmp_path, "dotacje-360giving.json", _version("aa11", asked), _maker(calls), refresh=600)
    assert len(asked) == 1 and len(calls) == 1  # young: served without asking
    kept = tmp_path / "dotacje-360giving.aa11.json"
    _age(kept, 601)
    again = downloads.kept(tmp_path, "dotacje-360giving.json", _version("aa11", asked), _maker(calls), refresh=600)
    assert len(asked) == 2 and len(calls) == 1 and again.version == "aa11"  # the same data: the same file
    assert time.time() - kept.stat().st_mtime < 60  # good for another period


def test_a_newer_version_gets_the_recent_file_until_it_is_older_than_the_refresh_period(tmp_path):
    calls: list = []
    downloads.kept(tmp_path, "konkursy-ocds-releases.json", _version("aa11"), _maker(calls, b"old"))
    stale = downloads.kept(tmp_path, "konkursy-ocds-releases.json", _version("bb22"), _maker(calls, b"new"),
                           refresh=600)
    assert len(calls) == 1 and stale.version == "aa11" and stale.file.read() == b"old"
    kept = next(tmp_path.glob("konkursy-ocds-releases.aa11.json"))
    _age(kept, 601)
    fresh = downloads.kept(tmp_path, "konkursy-ocds-releases.json", _version("bb22"), _maker(calls, b"new"),
                           refresh=600)
    assert len(calls) == 2 and fresh.version == "bb22" and fresh.file.read() == b"new"
    stale.file.seek(0)
    assert stale.file.read() == b"old" and not kept.exists()  # the old file went; an open copy stays readable
    assert sorted(p.name for p in tmp_path.iterdir()) == ["konkursy-ocds-releases.bb22.json"]


def test_nothing_to_publish_is_kept_too_and_other_downloads_are_apart(tmp_path):
    calls: list = []

    def nothing(f) -> bool:
        calls.append(1)
        f.write(b"[")  # begun, then found empty
        return False

    for _ in range(2):
        assert downloads.kept(tmp_path, "dotacje-360giving-2001.json", _version("aa11"), nothing).size == 0
    assert len(calls) == 1
    calls.clear()
    downloads.kept(tmp_path, "dotacje-360giving.json", _version("aa11"), _maker(calls))
    downloads.kept(tmp_path, "dotacje-360giving-krk.json", _version("bb22"), _maker(calls))  # not the first's
    assert len(calls) == 2


@pytest.mark.parametrize("name", ["../etc/passwd.json", "a/b.json", "Dotacje.json", "x.json.gz"])
def test_only_names_of_our_own_making(tmp_path, name):
    with pytest.raises(ValueError):
        downloads.kept(tmp_path, name, _version("aa11"), lambda f: True)


def test_the_download_is_made_once_for_unchanged_data_and_answers_304_to_its_etag(app, client, monkeypatch):
    from grants.demo import seed
    seed()
    made: list = []
    grants = threesixty.grants
    monkeypatch.setattr(threesixty, "grants", lambda *a, **k: made.append(1) or grants(*a, **k))
    first = client.get("/open-data/360giving.json")
    assert first.status_code == 200 and jsonout.loads(first.data)["grants"]
    second = client.get("/open-data/360giving.json")
    assert second.data == first.data and len(made) == 1
    assert second.headers["ETag"] == first.headers["ETag"]
    assert client.get("/open-data/360giving.json", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/api/v1/open-data/grants").data == first.data and len(made) == 1
