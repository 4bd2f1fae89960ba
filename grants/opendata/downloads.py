"""The bulk downloads (360Giving, OCDS packages) kept as files in the instance: each was made anew for
every request, at the national size minutes of CPU and hundreds of megabytes for a request anyone may
send (issue 20). A download is served from its file for REFRESH seconds; then the version of the data
it shows (the exports' fingerprint, itself a scan of the exported tables: half a second at the
national size) is read again and the file made anew if the data changed. So a download is made, and
the fingerprint read, at most once a period, however many ask; a download may be that much behind
the data (the changes feed is the channel that follows them closely).
Flask-free: grants/opendata/views.py serves what `kept` returns."""
from __future__ import annotations

import os
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable

REFRESH = 600.0  # seconds: how old a kept download may be when the data have changed since
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass
class Kept:
    file: BinaryIO  # open: a newer version may replace the path meanwhile
    version: str  # the ETag
    modified: datetime
    size: int


def kept(directory: Path, name: str, version_of: Callable[[], str], produce: Callable[[BinaryIO], bool],
         refresh: float = REFRESH) -> Kept:
    """The download `name` ("dotacje-360giving-krk-2025.json"): its kept file while younger than
    `refresh` seconds; after that, the same file if `version_of()` (hex; reading it costs a scan of
    the exported tables) is still its version, else a file made now by `produce(file)`, which returns
    False when there is nothing to publish: an empty file is kept then (`Kept.size` 0), so that asking
    for an empty period costs no more than asking for a full one."""
    stem, ext = name.rsplit(".", 1)
    if not (re.fullmatch(r"[a-z0-9_-]+", stem) and re.fullmatch(r"[a-z]+", ext)):
        raise ValueError(name)  # a name of our own making: nothing a request could point outside the directory
    directory.mkdir(parents=True, exist_ok=True)
    found = _recent(directory, stem, ext, refresh)
    if found is not None:
        return found
    with _lock(stem):  # one maker per process; two processes may both make it (the rename is atomic)
        found = _recent(directory, stem, ext, refresh)
        if found is not None:
            return found
        version = version_of()
        if not re.fullmatch(r"[0-9a-f]+", version):
            raise ValueError(version)
        wanted = directory / f"{stem}.{version}.{ext}"
        if wanted.exists():
            os.utime(wanted)  # still the data's version: good for another period
            found = _open(wanted)
            if found is not None:
                return found
        part = directory / f".{stem}.{uuid.uuid4().hex}.part"
        try:
            with open(part, "wb") as f:
                if not produce(f):
                    f.truncate(0)
            os.replace(part, wanted)
        finally:
            part.unlink(missing_ok=True)
        for older in directory.glob(f"{stem}.*.{ext}"):
            if older != wanted:
                older.unlink(missing_ok=True)  # a request still sending it keeps its open file
        found = _open(wanted)
        if found is None:  # removed meanwhile by another process making a newer one
            raise FileNotFoundError(wanted)
        return found


def _recent(directory: Path, stem: str, ext: str, refresh: float) -> Kept | None:
    """The newest kept file of the download if it is younger than `refresh` seconds."""
    for newest in sorted(directory.glob(f"{stem}.*.{ext}"), key=_mtime, reverse=True)[:1]:
        if time.time() - _mtime(newest) < refresh:
            return _open(newest)
    return None


def _open(path: Path) -> Kept | None:
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return None
    st = os.fstat(f.fileno())
    return Kept(f, path.name.split(".")[-2], datetime.fromtimestamp(int(st.st_mtime), timezone.utc), st.st_size)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _lock(stem: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(stem, threading.Lock())
