"""The one clock for business time (ARCHITECTURE.md "Time and money").

Outside production the clock can be moved: the offset from real time is stored in the database,
so the web app, workers and the scheduler all see the same business time. Technical time (audit
timestamps, sessions, rate limits) uses `real_now()`.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, delete, select
from sqlalchemy.pool import NullPool

from . import config, db
from .dates import WARSAW
from .models import AppSetting

_KEY = "clock_offset_seconds"
_CACHE_TTL = 1.0  # seconds: other processes see a moved clock within this
_lock = threading.Lock()
_cache: tuple[float, float] | None = None  # (offset, read at monotonic)
_refreshing = False  # a thread is reading the offset from the database
_generation = 0  # bumped when this process moves the clock: a read begun before must not be kept


class ClockError(RuntimeError):
    pass


def real_now() -> datetime:
    return datetime.now(timezone.utc)


def _production() -> bool:
    # the same reading of GRANTS_ENV as the configuration ("Production", typos: production)
    return config.is_production()


_readers: dict[str, object] = {}


def _reader(engine):
    """The offset is read on a connection of its own (no pool): a request holding the last pooled
    connection under a row lock must never wait for a second one just to learn the time."""
    key = engine.url.render_as_string(hide_password=False)
    reader = _readers.get(key)
    if reader is None:
        args = {"check_same_thread": False} if engine.dialect.name == "sqlite" else {}
        reader = _readers[key] = create_engine(engine.url, poolclass=NullPool, connect_args=args)
    return reader


def offset_seconds() -> float:
    global _cache, _refreshing
    if _production():
        return 0.0
    engine = db.get_engine()
    if engine is None:
        return 0.0
    with _lock:
        if _cache is not None and (_refreshing or time.monotonic() - _cache[1] < _CACHE_TTL):
            # one thread re-reads the offset; the others go on with the last value meanwhile (a
            # thread holding its session's connection must not queue for a second one behind
            # every other such thread: with a full pool that waits until the pool timeout)
            return _cache[0]
        _refreshing = True
        began = _generation
    try:
        try:
            with _reader(engine).connect() as conn:
                raw = conn.execute(select(AppSetting.value).where(AppSetting.key == _KEY)).scalar()
            value = float(raw) if raw else 0.0
        except Exception:  # table not migrated yet: real time; the database busy: the last value
            value = _cache[0] if _cache is not None else 0.0
        with _lock:
            if began == _generation:  # else the clock moved meanwhile: the next call reads again
                _cache = (value, time.monotonic())
    finally:
        with _lock:
            _refreshing = False
    return value


def now() -> datetime:
    """Business time, aware UTC."""
    return real_now() + timedelta(seconds=offset_seconds())


def today():
    """Today's date in Europe/Warsaw by the business clock."""
    return now().astimezone(WARSAW).date()


def parse_moment(text: str) -> datetime:
    """ISO datetime; a time without zone is Europe/Warsaw."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError) as e:
        raise ClockError(f"not an ISO datetime: {text!r} (e.g. 2027-03-01T10:00, Europe/Warsaw, "
                         f"or 2027-03-01T09:00Z)") from e
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WARSAW)
    return moment.astimezone(timezone.utc)


def _store(value: float | None) -> None:
    if _production():
        raise ClockError("the clock cannot be moved in production (GRANTS_ENV=production)")
    engine = db.get_engine()
    if engine is None:
        raise ClockError("no database configured")
    with engine.begin() as conn:
        conn.execute(delete(AppSetting).where(AppSetting.key == _KEY))
        if value is not None:
            conn.execute(AppSetting.__table__.insert().values(key=_KEY, value=repr(value)))
    invalidate_cache()


def set_clock(moment: datetime) -> datetime:
    """Business time becomes `moment` now and keeps running from there."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WARSAW)
    _store((moment - real_now()).total_seconds())
    return now()


def reset_clock() -> None:
    _store(None)


def invalidate_cache() -> None:
    global _cache, _generation
    with _lock:
        _cache = None
        _generation += 1
